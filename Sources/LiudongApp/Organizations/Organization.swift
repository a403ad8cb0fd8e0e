import Fluent
import LiudongCore
import Vapor

/// A party organization: in our tree (city → branch), a mobile-member organization, or an external inflow-side one.
final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "short_name") var shortName: String
    @OptionalEnum(key: "level") var level: OrgLevel?
    @Enum(key: "kind") var kind: OrgKind
    @OptionalEnum(key: "basis") var basis: MobileBasis?
    @Field(key: "division_code") var divisionCode: String
    @Field(key: "secretary") var secretary: String
    @Field(key: "phone") var phone: String
    @OptionalField(key: "contact_person") var contactPerson: String?
    @OptionalField(key: "parent_id") var parentID: Int?
    /// Ids from the root down to this organization, `/1/4/17/`; a subtree is every path with this prefix.
    @Field(key: "path") var path: String
    @Field(key: "sort_order") var sortOrder: Int
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "closed_reason") var closedReason: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    var isClosed: Bool { closedAt != nil }

    /// The chain of ids in `path`, root first.
    var pathIDs: [Int] { path.split(separator: "/").compactMap { Int($0) } }

    func contains(_ other: Organization) -> Bool { other.path.hasPrefix(path) }

    var typeLabel: String { Self.typeLabel(kind: kind, level: level, basis: basis) }

    static func typeLabel(kind: OrgKind, level: OrgLevel?, basis: MobileBasis?) -> String {
        switch kind {
        case .regular: return level?.label ?? "党组织"
        case .mobile: return basis.map { "流动党员党组织（\($0.label)）" } ?? "流动党员党组织"
        case .external: return "流入地党组织"
        }
    }
}

/// One recorded change to an organization (rename, move, close…), so history is never lost.
final class OrganizationEvent: Model, @unchecked Sendable {
    static let schema = "organization_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "organization_id") var organizationID: Int
    @Field(key: "at") var at: Date
    @Field(key: "kind") var kind: String
    @Field(key: "summary") var summary: String
    @OptionalField(key: "account_username") var accountUsername: String?

    init() {}

    init(
        organizationID: Int, kind: OrganizationEventKind, summary: String, by username: String?, at: Date = AppClock.now
    ) {
        self.organizationID = organizationID
        self.kind = kind.rawValue
        self.summary = summary
        self.accountUsername = username
        self.at = at
    }
}
