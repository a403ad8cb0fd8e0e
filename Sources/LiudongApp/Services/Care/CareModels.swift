import Fluent
import Foundation
import LiudongCore
import Vapor

/// A member registered as in difficulty: why, how hard, verified by whom and when, reviewed yearly.
final class HardshipRecord: Model, @unchecked Sendable {
    static let schema = "hardship_records"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "kind") var kind: HardshipKind
    @Field(key: "level") var level: Int
    @Field(key: "description") var description: String
    @Field(key: "verified_by") var verifiedBy: String
    @Field(key: "verified_on") var verifiedOn: String
    /// A year after the last verification: the register asks for a review from then.
    @Field(key: "review_due") var reviewDue: String
    /// `active` or `closed`.
    @Field(key: "status") var status: HardshipStatus
    @OptionalField(key: "closed_reason") var closedReason: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// Help given to a member in difficulty: money (元) or goods, when, by whom, from what source.
final class HardshipHelp: Model, @unchecked Sendable {
    static let schema = "hardship_help"

    @ID(key: .id) var id: UUID?
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "given_on") var givenOn: String
    /// `money` or `goods`.
    @Field(key: "form") var form: HelpKind
    /// Yuan (for goods: their value).
    @Field(key: "amount") var amount: Int
    @OptionalField(key: "goods") var goods: String?
    @Field(key: "given_by") var givenBy: String
    @Field(key: "source") var source: String
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A festival care campaign (节日慰问) of the city or a county, and whom it visits.
final class CareCampaign: Model, @unchecked Sendable {
    static let schema = "care_campaigns"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "name") var name: String
    @Enum(key: "festival") var festival: CareFestival
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    /// `CareCriteria` as JSON.
    @Field(key: "criteria") var criteriaJSON: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    var criteria: CareCriteria {
        (try? JSONDecoder().decode(CareCriteria.self, from: Data(criteriaJSON.utf8))) ?? CareCriteria()
    }
}

/// One visit or call of a campaign: who, when, what was given, how the member is.
final class CareVisit: Model, @unchecked Sendable {
    static let schema = "care_visits"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "member_id") var memberID: UUID
    /// The member's branch (progress is counted per organization).
    @Field(key: "org_id") var orgID: Int
    @Field(key: "visited_on") var visitedOn: String
    @Field(key: "way") var way: CareVisitWay
    @Field(key: "visitor") var visitor: String
    @Field(key: "gifts") var gifts: String
    @Field(key: "situation") var situation: String
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
