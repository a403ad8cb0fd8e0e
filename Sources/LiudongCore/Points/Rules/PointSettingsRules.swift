import Foundation

/// How a county shows its published ranking to its members; the raw value is what `public_form` holds.
public enum PublicForm: String, Codable, CaseIterable, Sendable {
    /// Every member with total and rank.
    case list
    /// Only the number of members in each band (and each member's own band).
    case bands

    public var label: String { self == .list ? "公布完整名单" : "只公布各档次人数（党员本人看到自己的档次）" }
}

/// A pilot county's choices for its year-end ranking, checked.
public struct PointSettings: Equatable, Sendable {
    public var publicForm: PublicForm
    public var topPercent: Int
    public var goodAt: Int
    public var passAt: Int
    public var lowQuarterBelow: Int

    public init(publicForm: PublicForm, topPercent: Int, goodAt: Int, passAt: Int, lowQuarterBelow: Int) {
        self.publicForm = publicForm
        self.topPercent = topPercent
        self.goodAt = goodAt
        self.passAt = passAt
        self.lowQuarterBelow = lowQuarterBelow
    }
}

/// The decisions behind 积分管理's county forms: the ranking settings, a new version of the rules and where it may
/// start, the rule editor's rows, and closing a quarter.
public enum PointSettingsRules {
    /// The county's ranking settings as a form sends them (each line within its range, 合格 below 优良).
    public static func settings(
        publicForm: String?, topPercent: Int?, goodAt: Int?, passAt: Int?, lowQuarterBelow: Int?
    ) -> Result<PointSettings, RuleError> {
        var problems: [RuleProblem] = []
        let form = publicForm.flatMap(PublicForm.init(rawValue:))
        if form == nil { problems.append(RuleProblem("publicForm", "请选择公布形式")) }
        if !(1...50).contains(topPercent ?? 0) { problems.append(RuleProblem("topPercent", "前列比例应为1–50")) }
        if !(1...1000).contains(goodAt ?? 0) { problems.append(RuleProblem("goodAt", "优良分数线应为1–1000")) }
        if !(0...1000).contains(passAt ?? -1) { problems.append(RuleProblem("passAt", "合格分数线应为0–1000")) }
        if let g = goodAt, let p = passAt, p >= g { problems.append(RuleProblem("passAt", "合格分数线应低于优良分数线")) }
        if !(0...100).contains(lowQuarterBelow ?? -1) {
            problems.append(RuleProblem("lowQuarterBelow", "季度低分线应为0–100"))
        }
        guard problems.isEmpty, let form, let topPercent, let goodAt, let passAt, let lowQuarterBelow else {
            return .failure(.invalid(problems))
        }
        return .success(
            PointSettings(
                publicForm: form, topPercent: topPercent, goodAt: goodAt, passAt: passAt,
                lowQuarterBelow: lowQuarterBelow))
    }

    /// A new version of `year`'s rules starting `from`: the items must hold together, the day must fall in the year,
    /// after the closed period and not before the latest version's start. Answers the version's number.
    public static func newVersion(
        items: [PointItem], from: CalendarDate?, year: Int, closed: CalendarDate?,
        versions: [(number: Int, from: String)]
    ) -> Result<(number: Int, from: CalendarDate), RuleError> {
        var problems = PointRuleVersion.problems(items).map {
            RuleProblem("items[\($0.index)]", "第\($0.index + 1)项：\($0.message)")
        }
        if let from {
            if from.year != year { problems.append(RuleProblem("effectiveFrom", "生效日期应在\(year)年内")) }
            if let closed, from <= closed {
                problems.append(RuleProblem("effectiveFrom", "\(closed)及以前已结算，新版本的生效日期须晚于该日"))
            }
            if let latest = versions.last?.from, from.description < latest {
                problems.append(RuleProblem("effectiveFrom", "生效日期不能早于当前最新版本的生效日期\(latest)"))
            }
        } else {
            problems.append(RuleProblem("effectiveFrom", "请填写新版本的生效日期"))
        }
        guard problems.isEmpty, let from else { return .failure(.invalid(problems)) }
        return .success(((versions.map(\.number).max() ?? 0) + 1, from))
    }

    /// The rule editor's parallel columns as items; rows with neither code nor name are skipped, unreadable numbers and
    /// choices are problems of their row (`items[i]`).
    public static func editorItems(
        code: [String]?, name: [String]?, category: [String]?, points: [String]?, monthCap: [String]?,
        yearCap: [String]?, source: [String]?, threshold: [String]?
    ) -> (items: [PointItem], problems: [RuleProblem]) {
        let codes = code ?? []
        guard codes.count <= 60 else { return ([], [RuleProblem("items", "项目不能超过60个")]) }
        func at(_ a: [String]?, _ i: Int) -> String {
            i < (a?.count ?? 0) ? (a?[i] ?? "").trimmingCharacters(in: .whitespaces) : ""
        }
        var items: [PointItem] = []
        var problems: [RuleProblem] = []
        for i in codes.indices {
            let c = at(code, i)
            let n = at(name, i)
            if c.isEmpty && n.isEmpty { continue }
            func number(_ s: String, _ label: String) -> Int? {
                if s.isEmpty { return nil }
                guard s.count <= 5, let n = Int(s) else {
                    problems.append(RuleProblem("items[\(i)]", "第\(i + 1)行：\(label)应为整数"))
                    return nil
                }
                return n
            }
            let value = number(at(points, i), "分值") ?? 0
            guard let kind = PointCategory(rawValue: at(category, i)), let from = PointSource(rawValue: at(source, i))
            else {
                problems.append(RuleProblem("items[\(i)]", "第\(i + 1)行：请选择类别和来源"))
                continue
            }
            items.append(
                PointItem(
                    code: c.uppercased(), name: n, category: kind, points: value,
                    monthCap: number(at(monthCap, i), "每月上限"), yearCap: number(at(yearCap, i), "每年上限"),
                    source: from, threshold: number(at(threshold, i), "得分率门槛")))
        }
        return (items, problems)
    }

    /// Closing the ledger through the end of `quarter`: the quarter is over, the county in the pilot, not yet closed
    /// that far, and nothing waiting (claims or appeals) on or before its last day. Answers the day closed through.
    public static func close(
        _ quarter: Quarter, today: CalendarDate, county: String, enabled: Bool, closedThrough: String?, waiting: Int
    ) -> Result<String, RuleError> {
        guard quarter.lastDay < today else { return .failure(.conflict("\(quarter.chinese)尚未结束，不能结算")) }
        guard enabled else { return .failure(.conflict("\(county)未参加积分制管理试点")) }
        let end = quarter.lastDay.description
        guard (closedThrough ?? "") < end else { return .failure(.conflict("\(quarter.chinese)已经结算")) }
        guard waiting == 0 else {
            return .failure(.conflict("\(quarter.chinese)及以前尚有\(waiting)条待处理的申报或申诉，处理完后再结算"))
        }
        return .success(end)
    }

    /// The quarters still open to close, latest last: up to four completed quarters after the closed day, this year's
    /// and last year's.
    public static func closable(year: Int, today: CalendarDate, closedThrough: String?) -> [Quarter] {
        var out: [Quarter] = []
        var q = Quarter(containing: today).previous
        while let x = q, x.year >= year - 1, out.count < 4 {
            if x.lastDay.description > (closedThrough ?? "") { out.append(x) }
            q = x.previous
        }
        return out.reversed()
    }

    /// A year a form names, when it is a plausible one.
    public static func year(_ year: Int?) -> Int? { year.flatMap { (2000...2100).contains($0) ? $0 : nil } }
}
