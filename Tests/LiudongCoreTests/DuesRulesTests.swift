import Foundation
import Testing

@testable import LiudongCore

@Suite("党费: bands, versions, relief, payments and arrears — the rules without a database")
struct DuesRulesTests {
    static let std = DuesRuleSet.standard

    func yuan(_ s: String, _ c: DuesCategory = .employed, _ rules: DuesRuleSet = std) -> String {
        Fen.yuan(DuesRules.monthly(c, baseFen: Fen.parse(s)!, rules: rules))
    }

    @Test func aBandsRateReadsAsPeopleWriteIt() {
        let texts = [50, 100, 150, 110, 105, 125, 200, 1000, 1].map {
            DuesBand(upToFen: nil, basisPoints: $0).percentText
        }
        #expect(texts == ["0.5", "1", "1.5", "1.1", "1.05", "1.25", "2", "10", "0.01"])
    }

    @Test func everyBandEdgeOfThe2008Rule() {
        #expect(yuan("3000.00") == "15.00")
        #expect(yuan("3000.01") == "30.00")
        #expect(yuan("5000.00") == "50.00")
        #expect(yuan("5000.01") == "75.00")
        #expect(yuan("10000.00") == "150.00")
        #expect(yuan("10000.01") == "200.00")
        #expect(yuan("5000.00", .retired) == "25.00")
        #expect(yuan("5000.01", .retired) == "50.00")
        #expect(yuan("0.01") == "0.00")
        #expect(yuan("4646") == "46.46")
        #expect(yuan("8000", .other) == "120.00")
        #expect(yuan("99999", .farmer) == "0.50")
        #expect(yuan("0", .reduced) == "0.20")
        // Rounding is the county's: half up to the fen by default, down, or to the 角.
        #expect(yuan("2345.67") == "11.73")
        var down = Self.std
        down.rounding = .fenDown
        #expect(yuan("2345.67", .employed, down) == "11.72")
        down.rounding = .jiaoHalfUp
        #expect(yuan("2345.67", .employed, down) == "11.70")
        // A base beyond the cap is the cap, never an overflow.
        #expect(DuesRules.monthly(.employed, baseFen: Int.max, rules: Self.std) == DuesRules.maxBaseFen / 50)
    }

    @Test func moneyIsParsedAsFenNeverAsADouble() {
        #expect(Fen.parse("12.34") == 1234)
        #expect(Fen.parse("12.3") == 1230)
        #expect(Fen.parse("¥1,234元") == 123_400)
        #expect(Fen.parse("0.005") == nil)
        #expect(Fen.parse("1e5") == nil)
        #expect(Fen.parse("NaN") == nil)
        #expect(Fen.parse("-3") == nil)
        #expect(Fen.parse("99999999999999999999") == nil)
        #expect(Fen.parse("1000001", limit: 100_000_000) == nil)
        #expect(Fen.yuan(5) == "0.05" && Fen.yuan(1230) == "12.30")
        #expect(YearMonth("2026年3月") == YearMonth(year: 2026, month: 3))
        #expect(YearMonth("202603")?.description == "2026-03")
        #expect(YearMonth("2026-13") == nil && YearMonth("２０２６-03") == nil && YearMonth("26-03") == nil)
    }

    @Test func aVersionAppliesFromItsMonthAndLeavesEarlierMonthsAlone() {
        var march = Self.std
        march.farmerFen = 100
        let versions: [(from: YearMonth, rules: DuesRuleSet)] = [(YearMonth("2026-03")!, march)]
        let farmer = [DuesBase(category: .farmer, baseFen: 0, from: YearMonth("2025-01")!)]
        func due(_ m: String) -> Int? {
            DuesRules.due(YearMonth(m)!, joined: YearMonth("2000-01")!, bases: farmer, reliefs: [], versions: versions)
        }
        #expect(due("2026-02") == 50)
        #expect(due("2026-03") == 100)
        // A probationary member pays from the month of admission; no base, nothing computed.
        #expect(
            DuesRules.due(
                YearMonth("2026-02")!, joined: YearMonth("2026-03")!, bases: farmer, reliefs: [], versions: [])
                == nil)
        #expect(
            DuesRules.due(YearMonth("2026-02")!, joined: YearMonth("2020-01")!, bases: [], reliefs: [], versions: [])
                == nil)
        // The once-a-year policy moves a later change to January; a first base applies at once.
        let july = YearMonth("2026-07")!
        #expect(DuesRules.effectiveMonth(declared: july, policy: .january, hasEarlier: true) == YearMonth("2027-01"))
        #expect(DuesRules.effectiveMonth(declared: july, policy: .january, hasEarlier: false) == july)
        #expect(DuesRules.effectiveMonth(declared: july, policy: .fromPayMonth, hasEarlier: true) == july)
        // A county's form: bands written as text, checked; a past month refused.
        let today = CalendarDate("2026-12-07")!
        let ok = DuesRuleForm.parse(
            from: "2027-01", employed: "3000:0.5, 5000:1, 10000:1.5, 2", retired: "5000:0.5, 1", farmer: "0.8",
            reduced: "0.2", rounding: "fenHalfUp", policy: "january", backMonths: "6", today: today)
        #expect((try? ok.get())?.1.employed == Self.std.employed)
        #expect((try? ok.get())?.1.farmerFen == 80)
        let past = DuesRuleForm.parse(
            from: "2026-11", employed: "2", retired: "1", farmer: "0.5", reduced: "0.2", rounding: "fenHalfUp",
            policy: "january", backMonths: "6", today: today)
        #expect(past.error?.problems.first?.field == "from")
        let dear = DuesRuleForm.parse(
            from: "2027-01", employed: "5000:1, 2", retired: "1", farmer: "1.5", reduced: "0.2", rounding: "fenHalfUp",
            policy: "january", backMonths: "6", today: today)
        #expect(dear.error?.problems.map(\.field) == ["farmerFen"])
        let unordered = DuesRuleForm.parse(
            from: "2027-01", employed: "5000:1, 3000:0.5, 2", retired: "1", farmer: "0.5", reduced: "0.2",
            rounding: "fenHalfUp", policy: "january", backMonths: "6", today: today)
        #expect(unordered.error?.problems.map(\.field) == ["employed"])
    }

    @Test func reliefReducesOrExcusesOnlyItsMonths() {
        let base = [DuesBase(category: .employed, baseFen: 800_000, from: YearMonth("2026-01")!)]
        let reliefs = [
            DuesRelief(kind: .reduce, amountFen: 20, from: YearMonth("2026-04")!, to: YearMonth("2026-05")!),
            DuesRelief(kind: .exempt, amountFen: 0, from: YearMonth("2026-06")!, to: YearMonth("2026-06")!),
        ]
        func due(_ m: String) -> Int? {
            DuesRules.due(YearMonth(m)!, joined: YearMonth("2010-01")!, bases: base, reliefs: reliefs, versions: [])
        }
        #expect(due("2026-03") == 12_000 && due("2026-04") == 20 && due("2026-05") == 20)
        #expect(due("2026-06") == 0 && due("2026-07") == 12_000)
        #expect(
            DuesRules.relief(kind: "reduce", amount: nil, from: "2026-01", to: "2026-03", reason: "失业").error?.problems
                .first?.field == "amount")
        #expect(
            DuesRules.relief(kind: "exempt", amount: nil, from: "2026-03", to: "2026-01", reason: "x").error?.problems
                .first?.field == "to")
        #expect(
            DuesRules.relief(kind: "exempt", amount: nil, from: "2026-01", to: "2026-03", reason: " ").error?.problems
                .first?.field == "reason")
    }

    func facts(
        due: [String: Int] = [:], paid: [DuesPaidMonth] = [], consent: Bool = false, home: Bool = true,
        joined: String = "2000-01"
    ) -> DuesPaymentFacts {
        DuesPaymentFacts(
            today: CalendarDate("2026-12-07")!, joined: YearMonth(joined)!,
            due: Dictionary(uniqueKeysWithValues: due.map { (YearMonth($0.key)!, $0.value) }), alreadyPaid: paid,
            rules: Self.std, consent: consent, byHomeBranch: home)
    }

    func months(_ from: String, _ to: String) -> [YearMonth] { YearMonth(from)!.through(YearMonth(to)!) }

    @Test func aMonthIsPaidOnceWhereverWithinTheBackLimitAndAheadOnlyWithConsent() {
        let due = ["2026-10": 3000, "2026-11": 3000, "2026-12": 3000]
        let ok = DuesPaymentRules.check(
            months: months("2026-10", "2026-12"), amountFen: 9000, note: nil, facts: facts(due: due))
        #expect((try? ok.get())?.dueFen == 9000)
        // Paid elsewhere already: refused with where and when.
        let twice = DuesPaymentRules.check(
            months: months("2026-11", "2026-11"), amountFen: 3000, note: nil,
            facts: facts(
                due: due, paid: [DuesPaidMonth(month: YearMonth("2026-11")!, paidTo: "望京街道党工委", paidOn: "2026-11-20")]))
        #expect(twice.error == .conflict("2026年11月的党费已于2026-11-20交至望京街道党工委，同一月份不能重复交纳"))
        // Less than due is refused; more is voluntary, 1,000 元 beyond goes to the centre.
        #expect(
            DuesPaymentRules.check(
                months: months("2026-10", "2026-12"), amountFen: 8999, note: nil, facts: facts(due: due)
            ).error?.problems.first?.field == "amountFen")
        let big = try? DuesPaymentRules.check(
            months: months("2026-12", "2026-12"), amountFen: 103_000, note: nil, facts: facts(due: due)
        ).get()
        #expect(big?.voluntaryFen == 100_000 && big?.toCentre == true)
        let small = try? DuesPaymentRules.check(
            months: months("2026-12", "2026-12"), amountFen: 102_999, note: nil, facts: facts(due: due)
        ).get()
        #expect(small?.toCentre == false)
        // Back payment: six months without a note; older only by the home branch with its note.
        #expect(
            (try? DuesPaymentRules.check(months: months("2026-06", "2026-06"), amountFen: 0, note: nil, facts: facts())
                .get()) != nil)
        #expect(
            DuesPaymentRules.check(months: months("2026-05", "2026-06"), amountFen: 0, note: nil, facts: facts()).error?
                .problems.first?.field == "note")
        #expect(
            DuesPaymentRules.check(
                months: months("2026-05", "2026-06"), amountFen: 0, note: "外出务工失联后补交", facts: facts(home: false)
            ).error
                == .conflict("补交超过6个月的欠缴党费，须由党员所在党支部登记"))
        #expect(
            (try? DuesPaymentRules.check(
                months: months("2026-05", "2026-06"), amountFen: 0, note: "外出务工失联后补交", facts: facts()
            ).get()) != nil)
        // Ahead (by the quarter) only with the branch's consent, at most three months.
        #expect(
            DuesPaymentRules.check(months: months("2026-12", "2027-02"), amountFen: 9000, note: nil, facts: facts())
                .error
                == .conflict("提前交纳以后月份的党费（按季度交纳）须经党支部同意，请先由党支部登记同意"))
        #expect(
            (try? DuesPaymentRules.check(
                months: months("2026-12", "2027-02"), amountFen: 9000, note: nil, facts: facts(consent: true)
            ).get()) != nil)
        #expect(
            DuesPaymentRules.check(
                months: months("2027-01", "2027-04"), amountFen: 9000, note: nil, facts: facts(consent: true)
            ).error?.problems.first?.field == "to")
        // Before admission nothing is owed.
        #expect(
            DuesPaymentRules.check(
                months: months("2026-09", "2026-10"), amountFen: 100, note: nil, facts: facts(joined: "2026-10")
            ).error?.problems.first?.field == "from")
    }

    @Test func theFieldsAreCheckedBeforeAnythingElse() {
        let today = CalendarDate("2026-12-07")!
        #expect(
            DuesPaymentRules.fields(from: "2026-13", to: nil, amountFen: 100, paidOn: "2026-12-01", today: today).error?
                .problems.map(\.field) == ["from", "to"])
        #expect(
            DuesPaymentRules.fields(from: "2026-01", to: "2027-01", amountFen: 100, paidOn: "2026-12-01", today: today)
                .error?.problems.map(\.field) == ["to"])
        #expect(
            DuesPaymentRules.fields(from: "2026-12", to: nil, amountFen: 0, paidOn: "2026-12-08", today: today).error?
                .problems.map(\.field) == ["amountFen", "paidOn"])
        #expect(
            DuesPaymentRules.fields(from: "2026-12", to: nil, amountFen: Int.max, paidOn: "x", today: today).error?
                .problems.map(\.field) == ["amountFen", "paidOn"])
        #expect(
            (try? DuesPaymentRules.fields(from: "2026-11", to: "", amountFen: 100, paidOn: "2026-12-01", today: today)
                .get())?.months == [YearMonth("2026-11")!])
    }

    @Test func arrearsRunBackFromLastMonth() {
        let unpaid: Set<YearMonth> = [
            YearMonth("2026-09")!, YearMonth("2026-10")!, YearMonth("2026-11")!, YearMonth("2026-07")!,
        ]
        #expect(
            DuesPaymentRules.unpaidRun(unpaid, through: DuesPaymentRules.lastDueMonth(CalendarDate("2026-12-01")!)) == 3
        )
        #expect(
            DuesPaymentRules.unpaidRun(unpaid, through: DuesPaymentRules.lastDueMonth(CalendarDate("2026-11-30")!)) == 2
        )
        let paid: Set<YearMonth> = [YearMonth("2026-06")!, YearMonth("2026-08")!]
        #expect(DuesPaymentRules.paidThrough(paid: paid, unpaid: unpaid) == YearMonth("2026-06"))
        #expect(DuesPaymentRules.paidThrough(paid: paid, unpaid: []) == YearMonth("2026-08"))
        #expect(DuesPaymentRules.rateText(DuesPaymentRules.ratePermille(paid: 1, due: 3)) == "33.3%")
        #expect(DuesPaymentRules.rateText(DuesPaymentRules.ratePermille(paid: 0, due: 0)) == "—")
    }
}
