import Fluent
import LiudongCore
import Vapor

/// The electronic 流动党员活动证 of one flow: number `{county code}-{year}-{5 digits}`, valid one year, extended by
/// each annual check (年审), revoked when the flow ends. Its QR code carries a signed token, never the ID number;
/// `token_version` changes when it is re-issued, so an old QR code stops working.
final class Certificate: Model, @unchecked Sendable {
    static let schema = "certificates"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "flow_id") var flowID: UUID
    @Field(key: "issued_on") var issuedOn: String
    @Field(key: "valid_to") var validTo: String
    @Field(key: "token_version") var tokenVersion: Int
    @OptionalField(key: "revoked_on") var revokedOn: String?
    @OptionalField(key: "revoked_reason") var revokedReason: String?
    @Field(key: "issued_by") var issuedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    func status(on today: CalendarDate) -> CertificateStatus {
        if revokedOn != nil { return .revoked }
        return validTo < today.description ? .expired : .valid
    }
}

enum CertificateStatus: String, Codable, Sendable {
    case valid, expired, revoked

    var label: String {
        switch self {
        case .valid: return "有效"
        case .expired: return "已过期"
        case .revoked: return "已注销"
        }
    }
}

/// The democratic appraisal's grades (民主评议党员).
enum AppraisalGrade: String, Codable, Sendable, CaseIterable {
    case excellent, qualified, basicallyQualified, unqualified

    var label: String {
        switch self {
        case .excellent: return "优秀"
        case .qualified: return "合格"
        case .basicallyQualified: return "基本合格"
        case .unqualified: return "不合格"
        }
    }
}

/// One annual check (年审): the year's appraisal result and the validity it extends to.
final class CertificateCheck: Model, @unchecked Sendable {
    static let schema = "certificate_checks"

    @ID(key: .id) var id: UUID?
    @Field(key: "certificate_id") var certificateID: UUID
    @Field(key: "year") var year: Int
    @Enum(key: "appraisal") var appraisal: AppraisalGrade
    @Field(key: "checked_on") var checkedOn: String
    @Field(key: "valid_to") var validTo: String
    @Field(key: "checked_by") var checkedBy: String

    init() {}
}

/// A check-in (登记报到) an inflow or mobile organization recorded by scanning the certificate.
final class CertificateCheckin: Model, @unchecked Sendable {
    static let schema = "certificate_checkins"

    @ID(key: .id) var id: UUID?
    @Field(key: "certificate_id") var certificateID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "org_id") var orgID: Int
    @Field(key: "checked_in_on") var checkedInOn: String
    @Field(key: "by_username") var byUsername: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
