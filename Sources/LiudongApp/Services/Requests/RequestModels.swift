import Fluent
import Foundation
import LiudongCore
import Vapor

/// A member's request (诉求) and where it stands.
final class ServiceRequest: Model, @unchecked Sendable {
    static let schema = "service_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "kind") var kind: ServiceRequestKind
    @Field(key: "title") var title: String
    @Field(key: "details") var details: String
    /// Where the matter is (a division code), when the member said.
    @OptionalField(key: "division_code") var divisionCode: String?
    @Enum(key: "status") var status: ServiceRequestStatus
    @Enum(key: "side") var side: RequestSide
    /// The organization handling it now.
    @Field(key: "routed_org_id") var routedOrgID: Int
    @Field(key: "home_org_id") var homeOrgID: Int
    @OptionalField(key: "inflow_org_id") var inflowOrgID: Int?
    /// The contact in which a cadre heard it, when recorded from one.
    @OptionalField(key: "contact_id") var contactID: UUID?
    @Field(key: "raised_by") var raisedBy: String
    @Field(key: "submitted_on") var submittedOn: String
    @Field(key: "submitted_at") var submittedAt: Date
    @Field(key: "acknowledge_by") var acknowledgeBy: String
    @Field(key: "answer_by") var answerBy: String
    @OptionalField(key: "handler_name") var handlerName: String?
    @OptionalField(key: "accepted_on") var acceptedOn: String?
    @OptionalField(key: "reply") var reply: String?
    @OptionalField(key: "answered_on") var answeredOn: String?
    @OptionalField(key: "stars") var stars: Int?
    @OptionalField(key: "rating_comment") var ratingComment: String?
    @OptionalField(key: "closed_on") var closedOn: String?
    @Field(key: "reopened") var reopened: Int
    /// `acknowledge` or `answer`: the deadline missed when it was escalated (督办) to the parent organization.
    @OptionalField(key: "escalated_stage") var escalatedStage: String?
    @OptionalField(key: "escalated_to_org_id") var escalatedToOrgID: Int?
    @OptionalField(key: "escalated_on") var escalatedOn: String?

    init() {}
}

/// One step in a request's trail: who did what, when, with what note.
final class ServiceRequestEvent: Model, @unchecked Sendable {
    static let schema = "service_request_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @Field(key: "at") var at: Date
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "org_id") var orgID: Int?

    init() {}

    init(_ request: UUID, actor: String, action: String, note: String? = nil, org: Int? = nil, at: Date = AppClock.now)
    {
        self.id = UUID()
        self.requestID = request
        self.at = at
        self.actor = actor
        self.action = action
        self.note = note
        self.orgID = org
    }
}
