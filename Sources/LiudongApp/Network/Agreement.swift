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

enum AgreementCoverage: String, Codable, Sendable {
    /// Every member of the outflow organization's subtree reporting to the inflow organization.
    case all
    /// Only the members listed.
    case list

    var label: String { self == .all ? "本组织在对方报到的全部流动党员" : "名单所列流动党员" }
}

/// Derived from the dates, never stored: a status can never go stale.
enum AgreementStatus: String, Codable, Sendable, CaseIterable {
    case draft, pending, active, expiring, expired, terminated

    static let expiringDays = 30

    static func of(
        signedOn: String?, validFrom: String, validTo: String, terminatedOn: String?, today: CalendarDate
    ) -> AgreementStatus {
        let day = today.description
        if let t = terminatedOn, t <= day { return .terminated }
        guard signedOn != nil else { return .draft }
        if validFrom > day { return .pending }
        if validTo < day { return .expired }
        if validTo <= today.adding(days: expiringDays).description { return .expiring }
        return .active
    }

    var label: String {
        switch self {
        case .draft: return "草稿"
        case .pending: return "待生效"
        case .active: return "生效"
        case .expiring: return "30天内到期"
        case .expired: return "已到期"
        case .terminated: return "已终止"
        }
    }

    /// In force: the members it covers count as covered.
    var inForce: Bool { self == .active || self == .expiring }
}

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
