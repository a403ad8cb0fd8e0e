import Foundation
import LiudongCore
import Testing

/// The points engine on a hand-worked fixture: which facts earn what under which version, caps in date order, the
/// closed period's usage, revocation on appeal, and the editor's refusals.
@Suite("Points engine (积分规则)")
struct PointEngineTests {
    static let m = UUID(uuidString: "00000000-0000-0000-0000-0000000000AA")!
    static func d(_ s: String) -> CalendarDate { CalendarDate(s)! }

    static let v1 = PointRuleVersion(
        version: 1, effectiveFrom: d("2025-01-01"),
        items: [
            PointItem(code: "A", name: "参加组织生活", category: .orgLife, points: 3, monthCap: 6, source: .orgLifeHome),
            PointItem(
                code: "Q", name: "每周一学", category: .learning, points: 1, yearCap: 2, source: .quizPassed, threshold: 60),
            PointItem(
                code: "D", name: "缺席党员大会", category: .orgLife, points: -5, yearCap: 5, source: .memberMeetingAbsent),
            PointItem(code: "C", name: "志愿服务", category: .vanguard, points: 5, source: .claim),
        ])
    /// From 1 July item A gives 4 points with a monthly cap of 8.
    static let v2: PointRuleVersion = {
        var v = v1
        v.version = 2
        v.effectiveFrom = d("2025-07-01")
        v.items[0].points = 4
        v.items[0].monthCap = 8
        return v
    }()

    static func fact(_ s: PointSource, _ id: String, _ on: String, percent: Int? = nil, item: String? = nil)
        -> PointFact
    {
        PointFact(source: s, id: id, member: m, on: d(on), percent: percent, itemCode: item, detail: id)
    }

    static let facts: [PointFact] = [
        fact(.orgLifeHome, "a1", "2025-03-05"), fact(.orgLifeHome, "a2", "2025-03-10"),
        fact(.orgLifeHome, "a3", "2025-03-20"),
        fact(.orgLifeHome, "a4", "2025-07-02"), fact(.orgLifeHome, "a5", "2025-07-03"),
        fact(.orgLifeHome, "a6", "2025-07-04"),
        fact(.quizPassed, "q1", "2025-02-01", percent: 50), fact(.quizPassed, "q2", "2025-02-08", percent: 60),
        fact(.quizPassed, "q3", "2025-02-15", percent: 80), fact(.quizPassed, "q4", "2025-02-22", percent: 100),
        fact(.memberMeetingAbsent, "d1", "2025-03-30"), fact(.memberMeetingAbsent, "d2", "2025-06-30"),
        fact(.claim, "c1", "2025-04-01", item: "C"), fact(.claim, "c2", "2025-04-02", item: "X"),
        fact(.diaryExcellent, "e1", "2025-05-01"),
    ]

    @Test func eachFactEarnsWhatTheHandWorkedLedgerSays() {
        let out = PointEngine.compute(facts: Self.facts.reversed(), versions: [Self.v2, Self.v1])
        let got = out.map { "\($0.sourceID) v\($0.ruleVersion) \($0.points)\($0.capped ? " capped" : "")" }
        #expect(
            got == [
                "q2 v1 1", "q3 v1 1", "q4 v1 0 capped",  // 50% earns nothing; the year cap of 2 stops the third
                "a1 v1 3", "a2 v1 3", "a3 v1 0 capped",  // March: the monthly cap of 6
                "d1 v1 -5", "c1 v1 5",  // a claim of an item not in the rules (c2) earns nothing
                "d2 v1 0 capped",  // deductions are capped too: at most 5 a year
                "a4 v2 4", "a5 v2 4", "a6 v2 0 capped",  // July: version 2, 4 points, cap 8
            ])
        #expect(out.reduce(0) { $0 + $1.points } == 16)
        // The capped entry explains itself.
        #expect(out.first { $0.sourceID == "a3" }?.reason.contains("已达每月上限6分，本次不计") == true)
        #expect(out.first { $0.sourceID == "a1" }?.reason.contains("第1版规则") == true)
        // Deterministic: the same input in any order, the same ledger with the same ids.
        #expect(PointEngine.compute(facts: Self.facts.shuffled(), versions: [Self.v1, Self.v2]) == out)
    }

    @Test func aPartialRoomCountsWhatIsLeft() {
        let v = PointRuleVersion(
            version: 1, effectiveFrom: Self.d("2025-01-01"),
            items: [PointItem(code: "A", name: "x", category: .orgLife, points: 4, yearCap: 10, source: .orgLifeAway)])
        let out = PointEngine.compute(
            facts: (1...3).map { Self.fact(.orgLifeAway, "f\($0)", "2025-0\($0)-01") }, versions: [v])
        #expect(out.map(\.points) == [4, 4, 2] && out.map(\.capped) == [false, false, true])
        #expect(out[2].reason.contains("已达每年上限10分，本次计+2分"))
    }

    @Test func closedUsageAndRevocationAreTakenIntoAccount() {
        // Six points of item A already counted in March (a closed period): March's open facts are capped away.
        let usage = [PointUsage(member: Self.m, itemCode: "A", on: Self.d("2025-03-01"), points: 6)]
        let march = Self.facts.filter { $0.source == .orgLifeHome && $0.on.month == 3 }
        #expect(
            PointEngine.compute(facts: march, versions: [Self.v1], usage: usage).allSatisfy {
                $0.points == 0 && $0.capped
            })
        // Revoking a1 on appeal: it counts nothing and uses up no cap, so a3 now counts.
        let a1 = PointEngine.entryID(member: Self.m, source: .orgLifeHome, sourceID: "a1", itemCode: "A")
        let out = PointEngine.compute(facts: march, versions: [Self.v1], revoked: [a1])
        #expect(out.map(\.points) == [0, 3, 3] && out[0].revoked && !out[2].capped)
    }

    @Test func theEditorRefusesLoginsTimeOnlineAndNonsense() {
        let login = PointItem(code: "X1", name: "每日登录平台", category: .learning, points: 1, source: .courseCompleted)
        #expect(login.problems().contains { $0.contains("不能按登录、在线时长或点击计分") })
        let time = PointItem(code: "X2", name: "在线学习时长满30分钟", category: .learning, points: 1, source: .courseCompleted)
        #expect(time.problems().contains { $0.contains("在线") })
        #expect(
            PointItem(code: "ok", name: "学完课程", category: .learning, points: 2, source: .courseCompleted).problems()
                .isEmpty)
        let bad = PointItem(
            code: "拼音", name: "", category: .other, points: 0, monthCap: 20, yearCap: 10, source: .quizPassed)
        #expect(bad.problems().count == 5)
        let positiveAbsence = PointItem(
            code: "D", name: "缺席", category: .orgLife, points: 5, source: .memberMeetingAbsent)
        #expect(positiveAbsence.problems() == ["缺席党员大会只能扣分（分值为负）"])
        #expect(PointRuleVersion.problems(PointRuleVersion.defaultItems).isEmpty)
        #expect(PointRuleVersion.problems(Self.v1.items + [Self.v1.items[0]]).map(\.message) == ["编码 A 重复"])
    }

    @Test func bandsFollowRankAndTheProRatedLines() {
        let b = PointBands(topPercent: 10, goodAt: 60, passAt: 30)
        #expect(b.band(rank: 1, count: 20, total: 70, months: 12) == 0)
        #expect(b.band(rank: 3, count: 20, total: 70, months: 12) == 1)
        #expect(b.band(rank: 5, count: 20, total: 30, months: 12) == 2)
        #expect(b.band(rank: 19, count: 20, total: 29, months: 12) == 3)
        // The top rank below the pass line is not shown as 前10%.
        #expect(b.band(rank: 1, count: 20, total: 10, months: 12) == 3)
        // After six months the lines are half.
        #expect(b.lines(months: 6) == (30, 15) && b.band(rank: 9, count: 20, total: 15, months: 6) == 2)
        #expect(b.label(0) == "前10%" && b.label(3) == "待提升")
    }
}
