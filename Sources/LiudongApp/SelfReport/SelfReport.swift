import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Where a report stands in review.
enum ReportStatus: String, Codable, CaseIterable, Sendable {
    case pending, confirmed, returned
    var label: String {
        switch self {
        case .pending: return "待审核"
        case .confirmed: return "已确认"
        case .returned: return "已退回"
        }
    }
}

/// One self-report as sent from a phone or the API, kept whole whatever review decides.
final class SelfReport: Model, @unchecked Sendable {
    static let schema = "self_reports"

    @ID(key: .id) var id: UUID?
    @Field(key: "receipt") var receipt: String
    @Enum(key: "kind") var kind: ReportKind
    @Field(key: "org_code") var orgCode: String
    /// The organization that reviews it: the home branch, or the inflow organization for an arrival.
    @Field(key: "review_org_id") var reviewOrgID: Int
    @Field(key: "review_path") var reviewPath: String
    @OptionalField(key: "home_org_id") var homeOrgID: Int?
    @OptionalField(key: "inflow_org_id") var inflowOrgID: Int?
    /// Nil when the person is not on our roster: an inflow registration from elsewhere.
    @OptionalField(key: "member_id") var memberID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "id_number_enc") var idNumberEnc: String
    @Field(key: "id_number_hash") var idNumberHash: String
    @Field(key: "id_masked") var idMasked: String
    @OptionalField(key: "phone_enc") var phoneEnc: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    @OptionalField(key: "destination_code") var destinationCode: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "employer") var employer: String?
    @OptionalField(key: "occupation") var occupation: String?
    @OptionalField(key: "reason") var reason: Int?
    @OptionalField(key: "left_on") var leftOn: String?
    @OptionalField(key: "expected_return_on") var expectedReturnOn: String?
    @OptionalField(key: "note") var note: String?
    @Enum(key: "status") var status: ReportStatus
    @OptionalField(key: "review_reason") var reviewReason: String?
    @OptionalField(key: "reviewed_by") var reviewedBy: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    /// Same content within the same ten minutes: stored once.
    @Field(key: "dedupe_key") var dedupeKey: String
    /// The name given differs from the roster's for this ID number: the reviewer checks who sent it.
    @OptionalField(key: "roster_name_differs") var rosterNameDiffers: Bool?
    @Field(key: "client_address") var clientAddress: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    var isInflowRegistration: Bool { memberID == nil }
}
