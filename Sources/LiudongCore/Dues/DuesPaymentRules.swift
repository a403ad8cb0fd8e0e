import Foundation

/// Where a payment was made (缴至).
public enum DuesPaidToKind: String, CaseIterable, Codable, Sendable {
    /// The member's own branch.
    case home
    /// The inflow organization the member reports to.
    case inflow
    /// A mobile party organization the member takes part in.
    case mobile

    public var label: String {
        switch self {
        case .home: return "所在党支部"
        case .inflow: return "流入地党组织"
        case .mobile: return "流动党员党组织"
        }
    }
}

/// How the money came.
public enum DuesChannel: String, CaseIterable, Codable, Sendable {
    case cash, bank, online

    public var label: String {
        switch self {
        case .cash: return "现金"
        case .bank: return "银行转账"
        case .online: return "线上缴纳"
        }
    }
}

/// Where a month already paid was paid, for the refusal of a second payment.
public struct DuesPaidMonth: Equatable, Sendable {
    public var month: YearMonth
    public var paidTo: String
    public var paidOn: String

    public init(month: YearMonth, paidTo: String, paidOn: String) {
        self.month = month
        self.paidTo = paidTo
        self.paidOn = paidOn
    }
}

/// What a payment is checked against: the months it covers with what each costs, the months of them already paid,
/// and who records it.
public struct DuesPaymentFacts: Sendable {
    public var today: CalendarDate
    /// The first month the member owes (the month of admission).
    public var joined: YearMonth
    /// The amount due for each covered month that has one (a month without a base on record has none).
    public var due: [YearMonth: Int]
    public var alreadyPaid: [DuesPaidMonth]
    public var rules: DuesRuleSet
    /// The branch's consent to pay by the quarter (in advance) is on record.
    public var consent: Bool
    /// The member's own branch records it (back payments beyond the limit need its note).
    public var byHomeBranch: Bool

    public init(
        today: CalendarDate, joined: YearMonth, due: [YearMonth: Int], alreadyPaid: [DuesPaidMonth],
        rules: DuesRuleSet, consent: Bool, byHomeBranch: Bool
    ) {
        self.today = today
        self.joined = joined
        self.due = due
        self.alreadyPaid = alreadyPaid
        self.rules = rules
        self.consent = consent
        self.byHomeBranch = byHomeBranch
    }
}

/// A payment as recorded: its months, what they cost, and the voluntary part beyond.
public struct DuesPaymentPlan: Equatable, Sendable {
    public var months: [YearMonth]
    public var dueFen: Int
    /// Paid beyond what is due (自愿多交).
    public var voluntaryFen: Int
    /// A voluntary 1,000 元 or more at once: goes wholly to the centre (全额上缴中央).
    public var toCentre: Bool
}

/// Payments and arrears: what a payment must satisfy, what is unpaid, the alerts at 3 and 6 months.
public enum DuesPaymentRules {
    /// A single voluntary payment from this amount on goes wholly to the centre.
    public static let centreFen = 100_000
    /// Months a payment may cover at once.
    public static let maxMonths = 12
    /// Months ahead a payment may reach with the branch's consent (a quarter).
    public static let aheadMonths = 3
    /// The largest payment accepted (100,000 元).
    public static let maxAmountFen = 10_000_000
    /// Consecutive unpaid months for the branch worklist, and for the six-month alert.
    public static let worklistMonths = 3
    public static let alertMonths = 6

    /// The first checks of a payment's fields: months, amount, day; answers the months covered.
    public static func fields(from: String?, to: String?, amountFen: Int?, paidOn: String?, today: CalendarDate)
        -> Result<(months: [YearMonth], amountFen: Int, paidOn: CalendarDate), RuleError>
    {
        var problems: [RuleProblem] = []
        let f = from.flatMap { YearMonth($0) }
        let t =
            (to.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 })
            .map { YearMonth($0) } ?? f
        if f == nil { problems.append(RuleProblem("from", "起始月份应为 2026-10 这样的年月")) }
        if t == nil { problems.append(RuleProblem("to", "截止月份应为 2026-12 这样的年月")) }
        if let f, let t, t < f { problems.append(RuleProblem("to", "截止月份不能早于起始月份")) }
        if let f, let t, t.index - f.index >= maxMonths {
            problems.append(RuleProblem("to", "一次最多交纳\(maxMonths)个月"))
        }
        if !(1...maxAmountFen).contains(amountFen ?? 0) {
            problems.append(RuleProblem("amountFen", "金额应大于0且不超过10万元"))
        }
        let day = paidOn.flatMap { CalendarDate($0) }
        if let day {
            if day > today { problems.append(RuleProblem("paidOn", "缴纳日期不能晚于今天")) }
            if day.year < 2000 { problems.append(RuleProblem("paidOn", "缴纳日期有误")) }
        } else {
            problems.append(RuleProblem("paidOn", "缴纳日期应为 2026-11-05 这样的日期"))
        }
        guard problems.isEmpty, let f, let t, let amountFen, let day else { return .failure(.invalid(problems)) }
        return .success((f.through(t), amountFen, day))
    }

    /// Whether the payment may be recorded: no month paid twice (wherever), none before admission, back payment
    /// within the limit unless the home branch notes why, months ahead only with consent, at least what is due. Back
    /// and ahead count from the month it was paid in (`paidOn`, else today): an old book's payments were on time then.
    public static func check(
        months: [YearMonth], amountFen: Int, note: String?, paidOn: CalendarDate? = nil, facts: DuesPaymentFacts
    ) -> Result<DuesPaymentPlan, RuleError> {
        if let p = facts.alreadyPaid.sorted(by: { $0.month < $1.month }).first {
            let more = facts.alreadyPaid.count > 1 ? "等\(facts.alreadyPaid.count)个月" : ""
            return .failure(.conflict("\(p.month.chinese)\(more)的党费已于\(p.paidOn)交至\(p.paidTo)，同一月份不能重复交纳"))
        }
        guard let first = months.first, let last = months.last else {
            return .failure(.field("from", "请填写交纳的月份"))
        }
        if first < facts.joined {
            return .failure(.field("from", "入党（\(facts.joined.chinese)）以前的月份无需交纳党费"))
        }
        let current = YearMonth(containing: paidOn ?? facts.today)
        if first < current.adding(-facts.rules.backMonths) {
            let noted = !(note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            if !facts.byHomeBranch {
                return .failure(.conflict("补交超过\(facts.rules.backMonths)个月的欠缴党费，须由党员所在党支部登记"))
            }
            if !noted {
                return .failure(.field("note", "补交超过\(facts.rules.backMonths)个月的欠缴党费，须由党支部注明情况"))
            }
        }
        if last > current {
            if !facts.consent {
                return .failure(.conflict("提前交纳以后月份的党费（按季度交纳）须经党支部同意，请先由党支部登记同意"))
            }
            if last > current.adding(aheadMonths) {
                return .failure(.field("to", "最多提前交纳到\(current.adding(aheadMonths).chinese)"))
            }
        }
        let due = months.reduce(0) { $0 + (facts.due[$1] ?? 0) }
        if amountFen < due {
            return .failure(.field("amountFen", "金额少于这几个月应交的\(Fen.yuan(due))元"))
        }
        let voluntary = amountFen - due
        return .success(
            DuesPaymentPlan(months: months, dueFen: due, voluntaryFen: voluntary, toCentre: voluntary >= centreFen))
    }

    /// The last month that can be in arrears today: the month before this one.
    public static func lastDueMonth(_ today: CalendarDate) -> YearMonth { YearMonth(containing: today).previous }

    /// Consecutive unpaid months ending at `last` (months with nothing due break the run, as paid ones do).
    public static func unpaidRun(_ unpaid: Set<YearMonth>, through last: YearMonth) -> Int {
        var n = 0
        var m = last
        while unpaid.contains(m) {
            n += 1
            m = m.previous
        }
        return n
    }

    /// 党费交至: the month before the first unpaid month due, else the last month paid; nil when nothing was paid.
    public static func paidThrough(paid: Set<YearMonth>, unpaid: Set<YearMonth>) -> YearMonth? {
        if let firstUnpaid = unpaid.min() {
            let before = firstUnpaid.previous
            return paid.contains(where: { $0 <= before }) ? before : nil
        }
        return paid.max()
    }

    /// A collection rate in tenths of a percent (paid over due), nil when nothing is due.
    public static func ratePermille(paid: Int, due: Int) -> Int? {
        guard due > 0 else { return nil }
        return min(1000, paid * 1000 / due)
    }

    /// `rate` as 95.3%.
    public static func rateText(_ permille: Int?) -> String {
        guard let p = permille else { return "—" }
        return "\(p / 10).\(p % 10)%"
    }
}
