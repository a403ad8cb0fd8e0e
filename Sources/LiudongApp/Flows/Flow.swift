import Fluent
import LiudongCore
import SQLKit
import Vapor

/// A member's time away from home (流动): opened by a confirmed leaving report, closed by return or transfer.
final class Flow: Model, @unchecked Sendable {
    static let schema = "flows"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "status") var status: FlowState
    @Field(key: "left_on") var leftOn: String
    @OptionalField(key: "expected_return_on") var expectedReturnOn: String?
    @OptionalField(key: "destination_code") var destinationCode: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "employer") var employer: String?
    @OptionalField(key: "occupation") var occupation: String?
    @OptionalField(key: "reason") var reason: Int?
    @OptionalField(key: "inflow_org_id") var inflowOrgID: Int?
    @OptionalField(key: "arrived_on") var arrivedOn: String?
    @Field(key: "arrival_confirmed") var arrivalConfirmed: Bool
    @OptionalField(key: "returned_on") var returnedOn: String?
    /// The last day anyone heard from the member (report, confirmation, contact).
    @Field(key: "last_contact_on") var lastContactOn: String
    @OptionalField(key: "overdue_since") var overdueSince: String?
    @OptionalField(key: "lost_candidate_since") var lostCandidateSince: String?
    /// The day the member moved on from the inflow organization they had reported to (a confirmed change of
    /// destination); the time to report at the new place counts from it.
    @OptionalField(key: "moved_on") var movedOn: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    var reasonLabel: String { reason.flatMap(OutflowReason.init(rawValue:))?.label ?? "" }
    var destinationName: String { destinationCode.map { Divisions.shared.fullName($0) } ?? "" }
}
