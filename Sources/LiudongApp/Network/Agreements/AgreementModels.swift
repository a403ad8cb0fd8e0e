import Fluent
import LiudongCore
import Vapor

/// A co-management agreement (共管协议) between an organization of our tree (county, committee or branch) and an
/// inflow-side organization or one of our mobile organizations. A renewal is a new agreement naming its previous one.
final class Agreement: Model, @unchecked Sendable {
    static let schema = "agreements"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "outflow_org_id") var outflowOrgID: Int
    @Field(key: "inflow_org_id") var inflowOrgID: Int
    @OptionalField(key: "signed_on") var signedOn: String?
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_to") var validTo: String
    @Enum(key: "covers") var covers: AgreementCoverage
    @Field(key: "duties") var duties: String
    @OptionalField(key: "outflow_contact") var outflowContact: String?
    @OptionalField(key: "inflow_contact") var inflowContact: String?
    @OptionalField(key: "scan_sha256") var scanSHA256: String?
    @OptionalField(key: "scan_type") var scanType: String?
    @OptionalField(key: "scan_size") var scanSize: Int?
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "confirmed_by") var confirmedBy: String?
    @OptionalField(key: "terminated_on") var terminatedOn: String?
    @OptionalField(key: "terminated_reason") var terminatedReason: String?
    @OptionalField(key: "previous_id") var previousID: UUID?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    func status(on today: CalendarDate) -> AgreementStatus {
        AgreementStatus.of(
            signedOn: signedOn, validFrom: validFrom, validTo: validTo, terminatedOn: terminatedOn, today: today)
    }
}

enum AgreementText {
    /// Each side's duties, the default text of a new agreement (editable per agreement).
    static let defaultDuties = """
        一、共同教育管理：双方共同做好流动党员的思想教育和日常管理，流入地党组织吸收流动党员参加组织生活，流出地党组织保持经常联系。
        二、季度对账：每季度末双方核对流动党员名单（流出地台账与流入地名单），发现不一致的于十个工作日内共同核实。
        三、组织生活：流入地党组织安排流动党员参加支部党员大会、党课、主题党日等组织生活，并将参加情况告知流出地党组织。
        四、结对联系：双方各明确结对联系人，每季度至少联系流动党员一次，了解思想、工作和生活情况，帮助解决困难。
        五、变动互告：流动党员流向、工作单位、联系方式发生变化或返回、转出组织关系时，发现的一方及时告知另一方。
        """
}
