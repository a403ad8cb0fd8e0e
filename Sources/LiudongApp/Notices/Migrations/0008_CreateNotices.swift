import Fluent
import LiudongCore
import SQLKit
import Vapor

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
