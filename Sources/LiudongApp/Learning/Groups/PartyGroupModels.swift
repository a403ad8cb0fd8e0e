import Fluent
import Foundation

/// A 党小组 of a branch or a mobile party organization.
final class PartyGroup: Model, @unchecked Sendable {
    static let schema = "party_groups"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "name") var name: String
    @OptionalField(key: "leader_member_id") var leaderID: UUID?
    @Field(key: "created_on") var createdOn: String
    @OptionalField(key: "closed_on") var closedOn: String?
    @Field(key: "created_by") var createdBy: String

    init() {}
}

/// A member of a 党小组.
final class PartyGroupMember: Model, @unchecked Sendable {
    static let schema = "party_group_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "member_id") var memberID: UUID

    init() {}

    init(group: UUID, member: UUID) {
        groupID = group
        memberID = member
    }
}
