import Foundation

/// Whom an agreement covers; the raw value is what `agreements.covers` holds.
public enum AgreementCoverage: String, Codable, Sendable {
    /// Every member of the outflow organization's subtree reporting to the inflow organization.
    case all
    /// Only the members listed.
    case list

    public var label: String { self == .all ? "本组织在对方报到的全部流动党员" : "名单所列流动党员" }
}

/// Derived from the dates, never stored: a status can never go stale.
public enum AgreementStatus: String, Codable, Sendable, CaseIterable {
    case draft, pending, active, expiring, expired, terminated

    public static let expiringDays = 30

    public static func of(
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

    public var label: String {
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
    public var inForce: Bool { self == .active || self == .expiring }
}

/// One side of an agreement as the rules see it: found or not, and what it is.
public struct AgreementSide: Sendable {
    public var id: Int
    /// A regular organization of our tree (county, committee, general branch or branch), or the other side's kind.
    public var regular: Bool
    public var signsForUs: Bool
    public var closed: Bool
    /// The signing account's scope covers it (and the account stands in our tree).
    public var inReach: Bool

    public init(id: Int, regular: Bool, signsForUs: Bool, closed: Bool, inReach: Bool) {
        self.id = id
        self.regular = regular
        self.signsForUs = signsForUs
        self.closed = closed
        self.inReach = inReach
    }
}

/// An agreement as checked, ready to store.
public struct AgreementDraft: Sendable {
    public var number: String
    public var signedOn: CalendarDate?
    public var validFrom: CalendarDate
    public var validTo: CalendarDate
    public var covers: AgreementCoverage
    public var duties: String
    public var outflowContact: String?
    public var inflowContact: String?
}

/// The rules of co-management agreements (共管协议): who may sign with whom, the number, the dates, whom it covers,
/// the text, and termination.
public enum AgreementRules {
    public static let maxListed = 2000
    public static let maxYears = 10

    /// The outflow side's problem, if any (nil: it may sign). `given`: whether the form named one.
    public static func outflowProblem(_ side: AgreementSide?, given: Bool) -> String? {
        guard let o = side else { return given ? "本方党组织不存在" : "请选择本方党组织" }
        if !o.inReach { return "本方党组织不在您的管理范围内" }
        if !o.regular || !o.signsForUs { return "共管协议的流出地一方应为旗县区、基层党委、党总支或党支部" }
        if o.closed { return "本方党组织已撤销" }
        return nil
    }

    /// The member list's problem for a `list` agreement (nil: fine). `found`: how many of the ids are members of the
    /// outflow side the account sees (nil when they could not be looked up: the outflow side has a problem).
    public static func listProblem(raw: [String], distinct: Int, found: Int?) -> String? {
        if raw.isEmpty { return "请列出协议覆盖的党员" }
        if raw.count > maxListed { return "名单一次最多\(maxListed)人" }
        if let found, distinct != raw.count || found != distinct { return "名单中有\(raw.count - found)人不存在或不属于本方党组织" }
        return nil
    }

    /// Every field of a new agreement, each problem on its field.
    public static func draft(
        outflow: AgreementSide?, outflowGiven: Bool, inflow: AgreementSide?, inflowGiven: Bool, number: String?,
        numberTaken: Bool, signedOn: String?, validFrom: String?, validTo: String?, covers: String?,
        listProblem: String?, duties: String?, defaultDuties: String, outflowContact: String?, inflowContact: String?,
        today: CalendarDate
    ) -> Result<AgreementDraft, RuleError> {
        var problems: [RuleProblem] = []
        if let p = outflowProblem(outflow, given: outflowGiven) { problems.append(RuleProblem("outflowOrgCode", p)) }
        if let i = inflow {
            if i.regular {
                problems.append(RuleProblem("inflowOrgCode", "对方应为流入地党组织或流动党员党组织"))
            } else if i.closed {
                problems.append(RuleProblem("inflowOrgCode", "对方党组织已撤销"))
            } else if i.id == outflow?.id {
                problems.append(RuleProblem("inflowOrgCode", "协议双方不能是同一个党组织"))
            }
        } else {
            problems.append(RuleProblem("inflowOrgCode", inflowGiven ? "流入地党组织不存在" : "请选择流入地党组织"))
        }
        let number = Normalize.text(number)
        if number == nil || (number?.count ?? 0) > 60 {
            problems.append(RuleProblem("number", "请填写协议编号（60字以内）"))
        } else if numberTaken, let number {
            problems.append(RuleProblem("number", "协议编号“\(number)”已被使用"))
        }
        var signed: CalendarDate?
        if let s = Normalize.text(signedOn) {
            signed = CalendarDate(s)
            if let d = signed {
                if d > today { problems.append(RuleProblem("signedOn", "签订日期不能晚于今天")) }
            } else {
                problems.append(RuleProblem("signedOn", "签订日期格式应为 2026-01-31"))
            }
        }
        let from = Normalize.text(validFrom).flatMap { CalendarDate($0) }
        let to = Normalize.text(validTo).flatMap { CalendarDate($0) }
        if from == nil { problems.append(RuleProblem("validFrom", "请填写生效日期，格式如 2026-01-31")) }
        if to == nil { problems.append(RuleProblem("validTo", "请填写截止日期，格式如 2026-12-31")) }
        if let from, let to {
            if to <= from {
                problems.append(RuleProblem("validTo", "截止日期应晚于生效日期"))
            } else if to > from.adding(days: 366 * maxYears) {
                problems.append(RuleProblem("validTo", "协议有效期不能超过\(maxYears)年"))
            }
            if let signed, signed > to { problems.append(RuleProblem("signedOn", "签订日期不能晚于截止日期")) }
        }
        let coverage = Normalize.text(covers).flatMap(AgreementCoverage.init(rawValue:))
        if coverage == nil { problems.append(RuleProblem("covers", "covers 应为 all（全部报到党员）或 list（名单）")) }
        if coverage == .list, let p = listProblem { problems.append(RuleProblem("memberIds", p)) }
        let text = Normalize.text(duties) ?? defaultDuties
        if text.count > 5000 { problems.append(RuleProblem("duties", "双方职责不超过5000字")) }
        for (field, value) in [("outflowContact", outflowContact), ("inflowContact", inflowContact)] {
            if (Normalize.text(value)?.count ?? 0) > 120 { problems.append(RuleProblem(field, "联系人及电话不超过120字")) }
        }
        guard problems.isEmpty, let number, let from, let to, let coverage else { return .failure(.invalid(problems)) }
        return .success(
            AgreementDraft(
                number: number, signedOn: signed, validFrom: from, validTo: to, covers: coverage, duties: text,
                outflowContact: Normalize.text(outflowContact), inflowContact: Normalize.text(inflowContact)))
    }

    /// Terminating: once, with a reason of at most 500 characters.
    public static func terminate(terminatedOn: String?, reason: String?) -> Result<String, RuleError> {
        guard terminatedOn == nil else { return .failure(.conflict("该协议已终止")) }
        guard let reason = Normalize.text(reason), reason.count <= 500 else {
            return .failure(.field("reason", "请填写终止原因（500字以内）"))
        }
        return .success(reason)
    }

    /// Whether an agreement counts toward the coverage rate: in force, and real — the other side confirmed it, or the
    /// signed and stamped scan is on file. A draft entered by one side alone does not count.
    public static func countsTowardCoverage(_ status: AgreementStatus, confirmed: Bool, scanned: Bool) -> Bool {
        status.inForce && (confirmed || scanned)
    }

    /// Confirming by the other side: once.
    public static func confirm(confirmed: Bool) -> Result<Void, RuleError> {
        confirmed ? .failure(.conflict("该协议已确认")) : .success(())
    }
}
