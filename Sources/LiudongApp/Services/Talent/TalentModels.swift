import Fluent
import Foundation
import LiudongCore
import Vapor

/// A mobile member's entry in the talent register (人才库): kept by the member on `/my/talent` and by the branch.
final class TalentProfile: Model, @unchecked Sendable {
    static let schema = "talent_profiles"

    @ID(custom: "member_id", generatedBy: .user) var id: UUID?
    @OptionalField(key: "industry") var industry: String?
    @Field(key: "skills") var skills: String
    @OptionalField(key: "title") var title: String?
    @OptionalField(key: "business") var business: String?
    @Field(key: "willing_return") var willingReturn: Bool
    @Field(key: "willing_invest") var willingInvest: Bool
    @OptionalField(key: "note") var note: String?
    @Field(key: "updated_by") var updatedBy: String
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}
}

/// A home-side opportunity a county publishes: a job at a local enterprise, an entrepreneurship policy, a village
/// reserve-cadre post.
final class Opportunity: Model, @unchecked Sendable {
    static let schema = "opportunities"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Enum(key: "kind") var kind: OpportunityKind
    @Field(key: "title") var title: String
    @Field(key: "unit") var unit: String
    @OptionalField(key: "industry") var industry: String?
    @Field(key: "skills") var skills: String
    @Field(key: "details") var details: String
    @Field(key: "contact") var contact: String
    @Field(key: "valid_until") var validUntil: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A returning entrepreneur's project (返乡创业项目): the enterprise, investment and yearly output (万元), jobs created,
/// the member, the support given.
final class ReturnProject: Model, @unchecked Sendable {
    static let schema = "return_projects"

    @ID(key: .id) var id: UUID?
    @Field(key: "county_id") var countyID: Int
    @OptionalField(key: "member_id") var memberID: UUID?
    @Field(key: "enterprise") var enterprise: String
    @Field(key: "industry") var industry: String
    @Field(key: "investment") var investment: Int
    @Field(key: "annual_output") var annualOutput: Int
    @Field(key: "jobs_created") var jobsCreated: Int
    @Field(key: "started_on") var startedOn: String
    @Field(key: "support") var support: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
