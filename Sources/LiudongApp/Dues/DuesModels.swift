import Fluent
import Foundation
import LiudongCore

/// A member's dues base from a month on: declared by the member or entered by the branch, confirmed by the branch.
final class DuesBaseRecord: Model, @unchecked Sendable {
    static let schema = "dues_bases"

    enum State: String, Codable, CaseIterable {
        case declared, confirmed, rejected, replaced
        var label: String {
            switch self {
            case .declared: return "待党支部确认"
            case .confirmed: return "已确认"
            case .rejected: return "未确认"
            case .replaced: return "已被更正"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "category") var category: DuesCategory
    @Field(key: "base_fen") var baseFen: Int
    @Field(key: "from_month") var fromMonth: String
    @Enum(key: "state") var state: State
    @Field(key: "declared_by") var declaredBy: String
    @Field(key: "declared_on") var declaredOn: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_on") var decidedOn: String?
    @OptionalField(key: "note") var note: String?

    init() {}

    var core: DuesBase? {
        YearMonth(fromMonth).map { DuesBase(category: category, baseFen: baseFen, from: $0) }
    }
}

/// 少交 / 免交 for some months: applied for by the member or the branch, approved by the committee.
final class DuesReliefRecord: Model, @unchecked Sendable {
    static let schema = "dues_reliefs"

    enum State: String, Codable, CaseIterable {
        case applied, approved, refused
        var label: String {
            switch self {
            case .applied: return "待基层党委审批"
            case .approved: return "已批准"
            case .refused: return "未批准"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "kind") var kind: DuesRelief.Kind
    @Field(key: "amount_fen") var amountFen: Int
    @Field(key: "from_month") var fromMonth: String
    @Field(key: "to_month") var toMonth: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "document") var document: String?
    @Enum(key: "state") var state: State
    @Field(key: "applied_by") var appliedBy: String
    @Field(key: "applied_on") var appliedOn: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_on") var decidedOn: String?

    init() {}

    var core: DuesRelief? {
        guard let f = YearMonth(fromMonth), let t = YearMonth(toMonth) else { return nil }
        return DuesRelief(kind: kind, amountFen: amountFen, from: f, to: t)
    }
}

/// One payment: the months it covers, where it was paid, how, who recorded it.
final class DuesPayment: Model, @unchecked Sendable {
    static let schema = "dues_payments"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "from_month") var fromMonth: String
    @Field(key: "to_month") var toMonth: String
    @Field(key: "amount_fen") var amountFen: Int
    @Field(key: "due_fen") var dueFen: Int
    @Field(key: "paid_on") var paidOn: String
    @Field(key: "paid_to_org_id") var paidToOrgID: Int
    @Enum(key: "paid_to_kind") var paidToKind: DuesPaidToKind
    @Enum(key: "channel") var channel: DuesChannel
    @OptionalField(key: "reference") var reference: String?
    @OptionalField(key: "receipt") var receipt: String?
    /// 代缴: who paid for the member.
    @OptionalField(key: "paid_by") var paidBy: String?
    /// The branch's note on a back payment beyond the limit.
    @OptionalField(key: "note") var note: String?
    @Field(key: "to_centre") var toCentre: Bool
    @Field(key: "source") var source: String
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "recorded_at", on: .create, format: .clock) var recordedAt: Date?

    init() {}

    var months: String {
        fromMonth == toMonth
            ? (YearMonth(fromMonth)?.chinese ?? fromMonth)
            : "\(YearMonth(fromMonth)?.chinese ?? fromMonth)至\(YearMonth(toMonth)?.chinese ?? toMonth)"
    }
}

/// A branch's record about a member's dues: its consent to pay by the quarter, or a talk (谈心谈话) about arrears.
final class DuesRecord: Model, @unchecked Sendable {
    static let schema = "dues_records"

    enum Kind: String, Codable, CaseIterable {
        case consent, talk
        var label: String { self == .consent ? "同意按季度交纳" : "谈心谈话" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "kind") var kind: Kind
    @Field(key: "on_day") var onDay: String
    @Field(key: "by_name") var byName: String
    @Field(key: "note") var note: String
    @OptionalField(key: "way") var way: String?
    @OptionalField(key: "withdrawn_on") var withdrawnOn: String?

    init() {}
}

/// A branch's collection day and how its members pay (shown on their phones).
final class DuesBranch: Model, @unchecked Sendable {
    static let schema = "dues_branches"

    @ID(custom: "org_id", generatedBy: .user) var id: Int?
    @Field(key: "collection_day") var collectionDay: Int
    @Field(key: "how_to_pay") var howToPay: String

    init() {}
}
