import Foundation

/// A 返乡预报 as given, checked: home from … to …, at a place.
public struct CheckedHomeVisit: Equatable, Sendable {
    public var from: CalendarDate
    public var to: CalendarDate
    public var place: String

    public init(from: CalendarDate, to: CalendarDate, place: String) {
        self.from = from
        self.to = to
        self.place = place
    }
}

/// 返乡预报 (issue 27 item 6): members home for the holidays do not file a return report — that would close their
/// flow — so the member (on `/my`) or the branch says "home from … to …, at …", and the branch expects them: expected
/// = 预报 ∪ the flows returning in the season. A session held is organizational life (座谈授课) with attendance.
public enum HomeVisitRules {
    /// The longest stay a 预报 covers, in days.
    public static let longestDays = 90
    /// How far ahead a 预报 may start, in days.
    public static let aheadDays = 366

    public static func visit(from: String?, to: String?, place: String?, today: CalendarDate)
        -> Result<CheckedHomeVisit, RuleError>
    {
        var errors: [RuleProblem] = []
        let start = Normalize.text(from).flatMap { $0.count <= 10 ? CalendarDate($0) : nil }
        let end = Normalize.text(to).flatMap { $0.count <= 10 ? CalendarDate($0) : nil }
        if let start, let end {
            if start < today.adding(days: -30) || start > today.adding(days: aheadDays) {
                errors.append(RuleProblem("from", "回乡日期应在30天前至一年内"))
            } else if end < start || end > start.adding(days: longestDays) {
                errors.append(RuleProblem("to", "离乡日期应不早于回乡日期，且在\(longestDays)天以内"))
            }
        } else {
            errors.append(RuleProblem(start == nil ? "from" : "to", "请填写回乡和离乡日期，格式如 2027-01-28"))
        }
        let place = Normalize.text(place)
        if place.map({ $0.count > 100 }) ?? true { errors.append(RuleProblem("place", "请填写在家乡的住处（100字以内）")) }
        guard errors.isEmpty, let start, let end, let place else { return .failure(.invalid(errors)) }
        return .success(CheckedHomeVisit(from: start, to: end, place: place))
    }

    /// Whether a stay overlaps a season.
    public static func overlaps(from: CalendarDate, to: CalendarDate, seasonStartsOn: String, seasonEndsOn: String)
        -> Bool
    {
        from.description <= seasonEndsOn && to.description >= seasonStartsOn
    }

    /// The members a branch expects home in a season: those who said so (their 预报 first), then those whose flow
    /// returns in it — each once, with why, and whether a session reached them.
    public static func expected(
        visits: [(member: UUID, name: String, from: String, to: String, place: String)],
        flows: [(member: UUID, name: String, expectedReturnOn: String?, returnedOn: String?)], reached: Set<UUID>
    ) -> [ExpectedHome] {
        var seen = Set<UUID>()
        var out: [ExpectedHome] = []
        for v in visits where seen.insert(v.member).inserted {
            out.append(
                ExpectedHome(
                    member: v.member, name: v.name, why: "返乡预报：\(v.from)至\(v.to)在\(v.place)",
                    reached: reached.contains(v.member)))
        }
        out += StudyAtHomeRules.expected(flows.filter { !seen.contains($0.member) }, reached: reached)
        return out
    }

    /// Reached ÷ home, as the county reads a season: "12/30（40%）".
    public static func share(reached: Int, home: Int) -> String {
        guard home > 0 else { return "\(reached)/0" }
        let r = min(max(reached, 0), home)
        return "\(r)/\(home)（\(r * 100 / home)%）"
    }
}
