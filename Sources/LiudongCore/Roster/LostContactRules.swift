import Foundation

/// How a lost member was looked for.
public enum SearchMethod: String, Codable, Sendable, CaseIterable {
    case phone, family, employer, inflowOrg, publicNotice

    public var label: String {
        switch self {
        case .phone: return "电话联系"
        case .family: return "走访家属"
        case .employer: return "联系工作单位"
        case .inflowOrg: return "联系流入地党组织"
        case .publicNotice: return "公告寻找"
        }
    }
}

/// One try at finding a lost member, checked.
public struct CheckedSearch: Equatable, Sendable {
    public var method: SearchMethod
    public var day: CalendarDate
    public var result: String
    public var found: Bool
}

/// The lost-contact procedure (失联党员): a search log, signs of life that end it, and — after the county's period
/// with enough tries — a proposal for the committee to decide (the system never decides).
public enum LostContactRules {
    /// Months lost after which the committee is asked to decide, unless the county sets another period.
    public static let decisionMonths = 6
    /// Tries in the search log before the proposal.
    public static let minimumTries = 3

    /// A try: how, on a day within the last year and not after today, what came of it (2 to 300 characters).
    public static func search(method raw: String?, on day: String?, result: String?, found: Bool, today: CalendarDate)
        -> Result<CheckedSearch, RuleError>
    {
        var problems: [RuleProblem] = []
        let method = Normalize.text(raw).flatMap(SearchMethod.init(rawValue:))
        if method == nil { problems.append(RuleProblem("method", "请选择查找方式")) }
        let d = Normalize.text(day).flatMap { CalendarDate($0) }
        if d == nil || d! > today || d! < today.adding(days: -366) {
            problems.append(RuleProblem("on", "请填写查找日期（一年内、不晚于今天）"))
        }
        let r = Normalize.text(result)
        if r == nil || !(2...300).contains(r!.count) { problems.append(RuleProblem("result", "请填写查找结果（2至300字）")) }
        guard problems.isEmpty, let method, let d, let r else { return .failure(.invalid(problems)) }
        return .success(CheckedSearch(method: method, day: d, result: r, found: found))
    }

    /// Whether to put the case before the committee: lost since `lostSince` for the period, with enough tries.
    public static func proposal(
        lostSince: CalendarDate, tries: Int, today: CalendarDate, months: Int = decisionMonths,
        minimum: Int = minimumTries
    ) -> Bool {
        tries >= minimum && CertificateRules.adding(months: months, to: lostSince) <= today
    }

    /// The day before which a case lost since then has waited the period.
    public static func proposalCutoff(today: CalendarDate, months: Int = decisionMonths) -> CalendarDate {
        CertificateRules.adding(months: -months, to: today)
    }
}
