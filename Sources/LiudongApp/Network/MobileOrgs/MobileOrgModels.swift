import Fluent
import Foundation
import LiudongCore

/// The founding record (组建备案) of a mobile party organization, beside its row in `organizations`.
final class MobileOrgRecord: Model, @unchecked Sendable {
    static let schema = "mobile_org_records"

    @ID(custom: "org_id", generatedBy: .user) var id: Int?
    @Field(key: "approved_by") var approvedBy: String
    @Field(key: "document_no") var documentNo: String
    @Field(key: "approved_on") var approvedOn: String
    @Field(key: "address") var address: String
    @Field(key: "contacts") var contacts: String
    /// For a joint organization: the participating organizations or enterprises, one per line.
    @OptionalField(key: "participants") var participants: String?
    /// For a temporary organization: the day it is to end.
    @OptionalField(key: "ends_on") var endsOn: String?
    @OptionalField(key: "dissolved_on") var dissolvedOn: String?
    @OptionalField(key: "dissolved_reason") var dissolvedReason: String?
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}
}

/// A member taking part in a mobile organization's organizational life; the relationship stays at home.
final class MobileOrgMembership: Model, @unchecked Sendable {
    static let schema = "mobile_org_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "joined_on") var joinedOn: String
    @OptionalField(key: "left_on") var leftOn: String?
    @OptionalField(key: "left_reason") var leftReason: String?
    @Field(key: "created_by") var createdBy: String

    init() {}

    init(orgID: Int, memberID: UUID, joinedOn: String, by: String) {
        self.orgID = orgID
        self.memberID = memberID
        self.joinedOn = joinedOn
        self.createdBy = by
    }
}
