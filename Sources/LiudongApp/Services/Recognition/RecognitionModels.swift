import Fluent
import Foundation
import LiudongCore
import Vapor

/// An award campaign (评优表彰) of the city or a county.
final class AwardCampaign: Model, @unchecked Sendable {
    static let schema = "award_campaigns"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "name") var name: String
    @Enum(key: "award") var award: AwardKind
    /// The year whose record (points, contacts, organizational life…) the candidates are judged on.
    @Field(key: "year") var year: Int
    @Field(key: "nominate_until") var nominateUntil: String
    @Field(key: "status") var status: AwardCampaignStatus
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @OptionalField(key: "published_on") var publishedOn: String?

    init() {}
}

/// A branch's nomination of one of its members, with the citation, approved by the committee and then the county.
final class AwardNomination: Model, @unchecked Sendable {
    static let schema = "award_nominations"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "branch_id") var branchID: Int
    @Field(key: "county_id") var countyID: Int
    @Field(key: "citation") var citation: String
    @Enum(key: "status") var status: NominationStatus
    @Field(key: "nominated_by") var nominatedBy: String
    @OptionalField(key: "committee_by") var committeeBy: String?
    @OptionalField(key: "county_by") var countyBy: String?
    @OptionalField(key: "rejected_reason") var rejectedReason: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
