import Fluent
import LiudongCore
import SQLKit
import Vapor

/// A notice to every account whose scope covers `orgPath`: new report, arrival, returned report, overdue items.
final class Notice: Model, @unchecked Sendable {
    static let schema = "notices"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "org_path") var orgPath: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(org: Organization, kind: NoticeKind, title: String, link: String, at: Date = Date()) {
        self.orgID = org.id!
        self.orgPath = org.path
        self.kind = kind.rawValue
        self.title = title
        self.link = link
        self.createdAt = at
    }
}

struct CreateNotices: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("notices")
            .field("id", .int, .identifier(auto: true))
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("org_path", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        // Each account reads its inbox up to a watermark: notices with a higher id are unread.
        try await database.schema("accounts")
            .field("notices_read_through", .int, .required, .sql(.default(0)))
            .update()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "notices_path").on("notices").column("org_path").column("id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("accounts").deleteField("notices_read_through").update()
        try await database.schema("notices").delete()
    }
}
