import Testing

@testable import LiudongCore

@Suite("Care (困难帮扶、节日慰问): the rules without a database")
struct CareRulesTests {
    static let today = CalendarDate("2026-12-01")!

    @Test func aRegistrationIsCheckedAndReviewedAYearOn() {
        let ok = CareRules.hardship(
            kind: "illness", level: "3", description: "本人重病住院，家中无收入。", verifiedBy: "村书记", verifiedOn: "2026-11-20",
            today: Self.today)
        #expect((try? ok.get().reviewDue.description) == "2027-11-20")
        #expect((try? ok.get().level) == .severe)
        let bad = CareRules.hardship(
            kind: "x", level: "9", description: "短", verifiedBy: nil, verifiedOn: "2026-12-02", today: Self.today)
        guard case .invalid(let problems)? = bad.error else {
            Issue.record("accepted a bad record")
            return
        }
        #expect(problems.map(\.field) == ["kind", "level", "description", "verifiedBy", "verifiedOn"])
    }

    @Test func theReviewKeepsOrClosesWithAReason() {
        #expect(CareRules.review(.active, keep: true, note: nil) == .success(nil))
        #expect(CareRules.review(.active, keep: false, note: " 已脱困 ") == .success("已脱困"))
        #expect(CareRules.review(.active, keep: false, note: "x").error == .field("note", "请写明销号原因"))
        #expect(CareRules.review(.closed, keep: true, note: nil).error == .conflict("这条记录已经销号"))
    }

    @Test func helpTable() {
        func help(_ form: String?, amount: String?, goods: String? = nil, on day: String = "2026-11-25") -> Result<
            CheckedHelp, RuleError
        > {
            CareRules.help(
                givenOn: day, form: form, amount: amount, goods: goods, givenBy: "旗委组织部", source: "党内关怀资金",
                status: .active, today: Self.today)
        }
        #expect((try? help("money", amount: " 2000 ").get().amount) == 2000)
        #expect((try? help("goods", amount: "300", goods: "米、面、油").get().kind) == .goods)
        #expect(help("goods", amount: "300").error == .field("goods", "请写明物资"))
        #expect(help("cash", amount: "300").error == .field("form", "请选择资金或物资"))
        #expect(help("money", amount: "1000001").error != nil)
        #expect(help("money", amount: "-1").error != nil)
        #expect(help("money", amount: "99999999999999999999").error != nil)
        #expect(help("money", amount: "1", on: "2026-12-02").error != nil)
        let closed = CareRules.help(
            givenOn: "2026-11-25", form: "money", amount: "1", goods: nil, givenBy: "x", source: "y", status: .closed,
            today: Self.today)
        #expect(closed.error == .conflict("这条记录已经销号"))
        #expect(HelpKind.goods.text(amount: 300, goods: "米") == "物资：米（折合300元）")
        #expect(HelpKind.money.text(amount: 500, goods: nil) == "资金500元")
    }

    @Test func aCampaignRunsAtMostThreeMonthsForSomeone() {
        let all = CareCriteria()
        let ok = CareRules.campaign(
            festival: "springFestival", name: nil, startsOn: "2026-12-01", endsOn: "2027-02-20", criteria: all,
            today: Self.today)
        #expect((try? ok.get().name) == "2026年春节慰问")
        let long = CareRules.campaign(
            festival: "julyFirst", name: "x", startsOn: "2026-12-01", endsOn: "2027-03-04", criteria: all,
            today: Self.today)
        #expect(long.error == .field("endsOn", "结束日期应在开始日期之后，且活动不超过三个月"))
        let nobody = CareRules.campaign(
            festival: "julyFirst", name: "x", startsOn: "2026-12-01", endsOn: "2026-12-20",
            criteria: CareCriteria(hardship: false, aged70: false, party50: false, longAway: false), today: Self.today)
        #expect(nobody.error == .field("criteria", "请至少选择一类慰问对象"))
        #expect(CareRules.criteriaText(CareCriteria(aged70: false, party50: false)) == "困难党员、长期在外流动党员")
    }

    @Test func aVisitFallsInTheCampaignAndNotInTheFuture() {
        func visit(_ day: String, way: String = "call") -> Result<CheckedVisit, RuleError> {
            CareRules.visit(
                visitedOn: day, way: way, visitor: "村书记", gifts: nil, situation: "身体健康", startsOn: "2026-12-01",
                endsOn: "2027-02-20", today: Self.today)
        }
        #expect((try? visit("2026-12-01").get().gifts) == "无")
        #expect(visit("2026-11-01").error == nil)
        #expect(visit("2026-10-31").error != nil)
        #expect(visit("2026-12-02").error == .field("visitedOn", "慰问日期应在活动期间（可提前30天），且不晚于今天"))
        #expect(visit("2026-12-01", way: "letter").error == .field("way", "请选择慰问方式"))
        #expect(CareVisitWay.label("video") == "视频慰问" && CareVisitWay.label("other") == "other")
    }

    @Test func progressRollsUpToTheChildrenThatHaveTargets() {
        let lines = CareRules.progress(
            targets: [("/1/2/5/", true), ("/1/2/5/", false), ("/1/2/6/", false), ("/1/3/7/", true)],
            children: [("A", "甲", "/1/2/"), ("B", "乙", "/1/3/"), ("C", "丙", "/1/4/")])
        #expect(
            lines == [
                CareProgressLine(code: "A", name: "甲", targets: 3, visited: 1),
                CareProgressLine(code: "B", name: "乙", targets: 1, visited: 1),
            ])
    }
}
