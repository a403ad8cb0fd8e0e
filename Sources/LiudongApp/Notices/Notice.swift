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

    init(org: Organization, kind: NoticeKind, title: String, link: String, at: Date = AppClock.now) {
        self.orgID = org.id!
        self.orgPath = org.path
        self.kind = kind.rawValue
        self.title = title
        self.link = link
        self.createdAt = at
    }
}
