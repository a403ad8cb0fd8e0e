import Foundation

/// 党费 category of a member's base (2008 中组部 rule): what the amount due is computed from.
public enum DuesCategory: String, CaseIterable, Codable, Sendable {
    /// 在职: the monthly wage after tax, by band.
    case employed
    /// 离退休: the monthly pension, by the retirees' bands.
    case retired
    /// 农民: a fixed amount the county sets.
    case farmer
    /// 学生、下岗失业、低保: a fixed 0.20 元.
    case reduced
    /// 其他 (self-employed and others): the last quarter's average monthly net income, by the in-service bands.
    case other

    public var label: String {
        switch self {
        case .employed: return "在职"
        case .retired: return "离退休"
        case .farmer: return "农民"
        case .reduced: return "学生·下岗失业·低保"
        case .other: return "其他"
        }
    }

    /// Whether the amount comes from a base (else it is fixed).
    public var usesBase: Bool { self == .employed || self == .retired || self == .other }
}

/// How the amount is rounded to money.
public enum DuesRounding: String, CaseIterable, Codable, Sendable {
    case fenHalfUp, fenDown, jiaoHalfUp

    public var label: String {
        switch self {
        case .fenHalfUp: return "四舍五入到分"
        case .fenDown: return "舍去分以下"
        case .jiaoHalfUp: return "四舍五入到角"
        }
    }
}

/// When a new base takes effect.
public enum DuesBasePolicy: String, CaseIterable, Codable, Sendable {
    /// From the month the new pay starts.
    case fromPayMonth
    /// Once a year, in January (a change declared in the year applies from the next January).
    case january

    public var label: String { self == .fromPayMonth ? "自新工资发放当月起调整" : "每年1月统一调整一次" }
}

/// One band: a base up to `upToFen` (inclusive; nil: any above) pays `basisPoints` / 100 percent.
public struct DuesBand: Codable, Equatable, Sendable {
    public var upToFen: Int?
    public var basisPoints: Int

    public init(upToFen: Int?, basisPoints: Int) {
        self.upToFen = upToFen
        self.basisPoints = basisPoints
    }
}

extension DuesBand {
    /// The rate as people write it, in percent without trailing zeros: 0.5, 1, 1.5, 1.25.
    public var percentText: String {
        let whole = basisPoints / 100
        let part = abs(basisPoints % 100)
        if part == 0 { return "\(whole)" }
        return part % 10 == 0 ? "\(whole).\(part / 10)" : "\(whole).\(part < 10 ? "0" : "")\(part)"
    }
}

/// A county's dues rules, versioned by the month they apply from (a change never rewrites an earlier month).
public struct DuesRuleSet: Codable, Equatable, Sendable {
    public var employed: [DuesBand]
    public var retired: [DuesBand]
    /// 农民: 20–100 fen a month, the county's choice.
    public var farmerFen: Int
    /// 学生、下岗失业、低保.
    public var reducedFen: Int
    public var rounding: DuesRounding
    public var basePolicy: DuesBasePolicy
    /// Months back a payment may reach without the branch's note.
    public var backMonths: Int

    public init(
        employed: [DuesBand], retired: [DuesBand], farmerFen: Int, reducedFen: Int, rounding: DuesRounding,
        basePolicy: DuesBasePolicy, backMonths: Int
    ) {
        self.employed = employed
        self.retired = retired
        self.farmerFen = farmerFen
        self.reducedFen = reducedFen
        self.rounding = rounding
        self.basePolicy = basePolicy
        self.backMonths = backMonths
    }

    /// The 2008 中组部 rule: ≤ 3,000 → 0.5%, ≤ 5,000 → 1%, ≤ 10,000 → 1.5%, above → 2%; retirees ≤ 5,000 → 0.5%,
    /// above → 1%; farmers 0.50 元 until the county sets its amount; students, unemployed, 低保 0.20 元.
    public static let standard = DuesRuleSet(
        employed: [
            DuesBand(upToFen: 300_000, basisPoints: 50), DuesBand(upToFen: 500_000, basisPoints: 100),
            DuesBand(upToFen: 1_000_000, basisPoints: 150), DuesBand(upToFen: nil, basisPoints: 200),
        ],
        retired: [DuesBand(upToFen: 500_000, basisPoints: 50), DuesBand(upToFen: nil, basisPoints: 100)],
        farmerFen: 50, reducedFen: 20, rounding: .fenHalfUp, basePolicy: .fromPayMonth, backMonths: 6)

    /// What is wrong with the set (a county's form), each with its field.
    public var problems: [RuleProblem] {
        var out: [RuleProblem] = []
        for (name, bands) in [("employed", employed), ("retired", retired)] {
            if bands.isEmpty || bands.count > 8 || bands.last?.upToFen != nil {
                out.append(RuleProblem(name, "档次应为1–8档，最后一档不设上限"))
            }
            let bounds = bands.compactMap(\.upToFen)
            if bounds != bounds.sorted() || Set(bounds).count != bounds.count || bounds.contains(where: { $0 <= 0 }) {
                out.append(RuleProblem(name, "各档上限应逐档递增"))
            }
            if bands.contains(where: { !(1...1000).contains($0.basisPoints) }) {
                out.append(RuleProblem(name, "比例应在0.01%–10%之间"))
            }
        }
        if !(20...100).contains(farmerFen) { out.append(RuleProblem("farmerFen", "农民党员每月应交0.20–1.00元")) }
        if !(0...100).contains(reducedFen) { out.append(RuleProblem("reducedFen", "学生、下岗失业、低保党员每月应为0–1.00元")) }
        if !(1...24).contains(backMonths) { out.append(RuleProblem("backMonths", "补交月数应为1–24")) }
        return out
    }
}

/// A base on record: category and monthly base (fen), from a month on.
public struct DuesBase: Equatable, Sendable {
    public var category: DuesCategory
    public var baseFen: Int
    public var from: YearMonth

    public init(category: DuesCategory, baseFen: Int, from: YearMonth) {
        self.category = category
        self.baseFen = baseFen
        self.from = from
    }
}

/// Relief (少交 / 免交) approved for some months.
public struct DuesRelief: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case reduce, exempt
        public var label: String { self == .reduce ? "少交" : "免交" }
    }
    public var kind: Kind
    /// What a 少交 month costs.
    public var amountFen: Int
    public var from: YearMonth
    public var to: YearMonth

    public init(kind: Kind, amountFen: Int, from: YearMonth, to: YearMonth) {
        self.kind = kind
        self.amountFen = amountFen
        self.from = from
        self.to = to
    }

    public func covers(_ m: YearMonth) -> Bool { from <= m && m <= to }
}

/// The amounts due: a month's amount from a base and the rule set, the base in force, relief, the version in force.
public enum DuesRules {
    /// Largest base accepted (1,000,000 元 a month).
    public static let maxBaseFen = 100_000_000

    /// The amount for one month of a base under `rules`.
    public static func monthly(_ category: DuesCategory, baseFen: Int, rules: DuesRuleSet) -> Int {
        switch category {
        case .farmer: return rules.farmerFen
        case .reduced: return rules.reducedFen
        case .employed, .other: return byBand(baseFen, rules.employed, rules.rounding)
        case .retired: return byBand(baseFen, rules.retired, rules.rounding)
        }
    }

    /// The band's percentage of the base, rounded as the rules say.
    static func byBand(_ base: Int, _ bands: [DuesBand], _ rounding: DuesRounding) -> Int {
        let b = min(max(base, 0), maxBaseFen)
        let band = bands.first { $0.upToFen.map { b <= $0 } ?? true } ?? bands.last
        let bp = band?.basisPoints ?? 0
        return round(b * bp, rounding)
    }

    /// `tenThousandths` of a fen (base × basis points) to money.
    public static func round(_ tenThousandths: Int, _ rounding: DuesRounding) -> Int {
        switch rounding {
        case .fenHalfUp: return (tenThousandths + 5_000) / 10_000
        case .fenDown: return tenThousandths / 10_000
        case .jiaoHalfUp: return (tenThousandths + 50_000) / 100_000 * 10
        }
    }

    /// The version in force in `month`: the latest starting on or before it, else the standard rule.
    public static func version(for month: YearMonth, in versions: [(from: YearMonth, rules: DuesRuleSet)])
        -> DuesRuleSet
    {
        versions.filter { $0.from <= month }.max { $0.from < $1.from }?.rules ?? .standard
    }

    /// The base in force in `month` (the latest starting on or before it).
    public static func base(for month: YearMonth, in bases: [DuesBase]) -> DuesBase? {
        bases.filter { $0.from <= month }.max { $0.from < $1.from }
    }

    /// What the month costs the member: nil before admission (a probationary member pays from the month of
    /// admission) or without a base; relief applied.
    public static func due(
        _ month: YearMonth, joined: YearMonth, bases: [DuesBase], reliefs: [DuesRelief],
        versions: [(from: YearMonth, rules: DuesRuleSet)]
    ) -> Int? {
        guard month >= joined, let base = base(for: month, in: bases) else { return nil }
        let amount = monthly(base.category, baseFen: base.baseFen, rules: version(for: month, in: versions))
        return relieved(amount, month, reliefs)
    }

    /// The amount after relief for the month.
    public static func relieved(_ amount: Int, _ month: YearMonth, _ reliefs: [DuesRelief]) -> Int {
        guard let r = reliefs.last(where: { $0.covers(month) }) else { return amount }
        return r.kind == .exempt ? 0 : min(amount, r.amountFen)
    }

    /// The month a newly declared base takes effect: the month the new pay starts, or — a county that adjusts once a
    /// year — the next January (a first base applies at once).
    public static func effectiveMonth(declared: YearMonth, policy: DuesBasePolicy, hasEarlier: Bool) -> YearMonth {
        guard policy == .january, hasEarlier, declared.month != 1 else { return declared }
        return YearMonth(year: declared.year + 1, month: 1) ?? declared
    }

    /// A base as a form or the API sends it: category, the base in 元 (needed for the categories that use one).
    public static func base(category: String?, base: String?, from: String?) -> Result<DuesBase, RuleError> {
        var problems: [RuleProblem] = []
        let cat = category.flatMap(DuesCategory.init(rawValue:))
        if cat == nil { problems.append(RuleProblem("category", "请选择人员类别")) }
        let month = from.flatMap { YearMonth($0) }
        if month == nil { problems.append(RuleProblem("from", "起始月份应为 2026-11 这样的年月")) }
        var fen = 0
        let text = (base ?? "").trimmingCharacters(in: .whitespaces)
        if cat?.usesBase ?? false {
            if let f = Fen.parse(text, limit: maxBaseFen), f > 0 {
                fen = f
            } else {
                problems.append(RuleProblem("base", "请填写税后月收入（元，最多两位小数，不超过100万）"))
            }
        } else if !text.isEmpty {
            fen = Fen.parse(text, limit: maxBaseFen) ?? 0
        }
        guard problems.isEmpty, let cat, let month else { return .failure(.invalid(problems)) }
        return .success(DuesBase(category: cat, baseFen: fen, from: month))
    }

    /// A relief application: kind, months (at most three years), the 少交 amount, the reason.
    public static func relief(
        kind: String?, amount: String?, from: String?, to: String?, reason: String?
    ) -> Result<DuesRelief, RuleError> {
        var problems: [RuleProblem] = []
        let k = kind.flatMap(DuesRelief.Kind.init(rawValue:))
        if k == nil { problems.append(RuleProblem("kind", "请选择少交或免交")) }
        let f = from.flatMap { YearMonth($0) }
        let t = to.flatMap { YearMonth($0) }
        if f == nil { problems.append(RuleProblem("from", "起始月份应为 2026-11 这样的年月")) }
        if t == nil { problems.append(RuleProblem("to", "截止月份应为 2026-12 这样的年月")) }
        if let f, let t, t < f || t.index - f.index >= 36 {
            problems.append(RuleProblem("to", "截止月份应不早于起始月份，且不超过36个月"))
        }
        var fen = 0
        if k == .reduce {
            if let a = Fen.parse(amount ?? "", limit: 1_000_000) {
                fen = a
            } else {
                problems.append(RuleProblem("amount", "请填写少交后每月应交金额（元）"))
            }
        }
        if (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(RuleProblem("reason", "请填写原因"))
        }
        guard problems.isEmpty, let k, let f, let t else { return .failure(.invalid(problems)) }
        return .success(DuesRelief(kind: k, amountFen: fen, from: f, to: t))
    }
}

/// A county's form for a new version of its dues rules.
public enum DuesRuleForm {
    /// `3000:0.5, 5000:1, 10000:1.5, 2` → bands (元 up to : percent; the last without a bound).
    public static func bands(_ text: String?) -> [DuesBand]? {
        let parts = (text ?? "").replacingOccurrences(of: "，", with: ",").replacingOccurrences(of: "：", with: ":")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...8).contains(parts.count) else { return nil }
        var out: [DuesBand] = []
        for p in parts {
            let pair = p.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard pair.count <= 2, let pct = Fen.parse(pair.last ?? "", limit: 1000) else { return nil }
            let bound = pair.count == 2 ? Fen.parse(pair[0], limit: DuesRules.maxBaseFen) : nil
            if pair.count == 2 && bound == nil { return nil }
            out.append(DuesBand(upToFen: bound, basisPoints: pct))
        }
        return out
    }

    /// The whole form: the month it applies from (this month or later), the bands, the fixed amounts, the choices.
    public static func parse(
        from: String?, employed: String?, retired: String?, farmer: String?, reduced: String?, rounding: String?,
        policy: String?, backMonths: String?, today: CalendarDate
    ) -> Result<(YearMonth, DuesRuleSet), RuleError> {
        var problems: [RuleProblem] = []
        let month = from.flatMap { YearMonth($0) }
        if let m = month {
            if m < YearMonth(containing: today) {
                problems.append(RuleProblem("from", "新规则只能从本月或以后的月份起执行，不改变以前月份"))
            }
        } else {
            problems.append(RuleProblem("from", "起始月份应为 2027-01 这样的年月"))
        }
        let e = bands(employed)
        let r = bands(retired)
        if e == nil { problems.append(RuleProblem("employed", "在职档次应写成 3000:0.5, 5000:1, 10000:1.5, 2")) }
        if r == nil { problems.append(RuleProblem("retired", "离退休档次应写成 5000:0.5, 1")) }
        let f = Fen.parse(farmer ?? "", limit: 100)
        let d = Fen.parse(reduced ?? "", limit: 100)
        if f == nil { problems.append(RuleProblem("farmerFen", "农民党员每月应交0.20–1.00元")) }
        if d == nil { problems.append(RuleProblem("reducedFen", "学生、下岗失业、低保党员每月金额应为0–1.00元")) }
        let ro = rounding.flatMap(DuesRounding.init(rawValue:))
        let po = policy.flatMap(DuesBasePolicy.init(rawValue:))
        if ro == nil || po == nil { problems.append(RuleProblem("rounding", "请选择取整方式和基数调整方式")) }
        let back = backMonths.flatMap { Int($0.trimmingCharacters(in: .whitespaces).prefix(3)) }
        guard problems.isEmpty, let month, let e, let r, let f, let d, let ro, let po, let back else {
            return .failure(.invalid(problems.isEmpty ? [RuleProblem("backMonths", "补交月数应为1–24")] : problems))
        }
        let set = DuesRuleSet(
            employed: e, retired: r, farmerFen: f, reducedFen: d, rounding: ro, basePolicy: po, backMonths: back)
        let more = set.problems
        guard more.isEmpty else { return .failure(.invalid(more)) }
        return .success((month, set))
    }
}
