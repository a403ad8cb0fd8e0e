import Fluent
import LiudongCore
import Vapor

/// A cadre (of either side) paired with one mobile member (结对).
final class Pairing: Model, @unchecked Sendable {
    static let schema = "pairings"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @OptionalField(key: "flow_id") var flowID: UUID?
    @Enum(key: "side") var side: PairingSide
    @Field(key: "cadre_name") var cadreName: String
    @Field(key: "cadre_post") var cadrePost: String
    @Field(key: "cadre_phone_enc") var cadrePhoneEnc: String
    /// Keyed hash of the phone: one cadre's load across pairings.
    @Field(key: "cadre_phone_hash") var cadrePhoneHash: String
    @Field(key: "cadre_phone_masked") var cadrePhoneMasked: String
    @Field(key: "cadre_org_id") var cadreOrgID: Int
    @OptionalField(key: "cadre_account_id") var cadreAccountID: UUID?
    @Field(key: "started_on") var startedOn: String
    @OptionalField(key: "ended_on") var endedOn: String?
    @OptionalField(key: "end_reason") var endReason: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
