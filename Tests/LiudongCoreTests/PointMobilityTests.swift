import Foundation
import LiudongCore
import Testing

@Suite("Points: the months a member was mobile")
struct PointMobilityTests {
    func span(_ from: String, _ to: String?) -> PointMobility.Span {
        .init(from: CalendarDate(from)!, to: to.map { CalendarDate($0)! })
    }

    @Test func aMonthCountsWhenTheMemberWasAwayOnAnyDayOfIt() {
        // Away from December 2024 to 15 November 2025: January to November of 2025.
        let home = PointMobility.months([span("2024-12-20", "2025-11-15")], year: 2025)
        #expect(home == 0x7FF && PointMobility.label(home) == "1月—11月")
        #expect(PointMobility.months([span("2024-12-20", "2025-11-15")], year: 2024) == 0x800)
        #expect(PointMobility.months([span("2024-12-20", "2025-11-15")], year: 2026) == 0)
        // Still away: every month from the one they left; two stretches in a year; a reversed stretch is nothing.
        #expect(PointMobility.months([span("2025-03-31", nil)], year: 2025) == 0xFFC)
        #expect(PointMobility.months([span("2020-01-01", nil)], year: 2025) == PointMobility.wholeYear)
        let two = PointMobility.months(
            [span("2025-01-05", "2025-01-20"), span("2025-03-01", "2025-05-02")], year: 2025)
        #expect(PointMobility.label(two) == "1月、3月—5月")
        #expect(PointMobility.months([span("2025-06-01", "2025-05-01")], year: 2025) == 0)
        #expect(PointMobility.label(PointMobility.wholeYear) == "全年" && PointMobility.label(0) == "无")
    }

    @Test func linesAreProRatedToTheMobileMonthsAmongTheCompletedOnes() {
        // Home in November, seen after the year: 11 months; in the year's 8th month: the 7 completed.
        #expect(PointMobility.counted(0x7FF, completed: 12) == 11)
        #expect(PointMobility.counted(0x7FF, completed: 7) == 7)
        #expect(PointMobility.counted(0xFFC, completed: 7) == 5)
        #expect(PointMobility.counted(PointMobility.wholeYear, completed: 99) == 12)
        #expect(PointMobility.counted(PointMobility.wholeYear, completed: -3) == 0)
        let bands = PointBands(topPercent: 10, goodAt: 12, passAt: 6)
        #expect(bands.band(rank: 2, count: 2, total: 11, months: 11) == 1)
        #expect(bands.band(rank: 2, count: 2, total: 11, months: 12) == 2)
        // Ranks by total whatever the months; bands by each group's own months.
        let r = PointRankingRules.ranks(distribution: [(15, 1, 12), (11, 1, 11), (11, 1, 12)], bands: bands)
        #expect(r.rankOf == [15: 1, 11: 2] && r.count == 3 && r.bandCounts == [1, 1, 1, 0])
    }

    @Test func onlyTheFactsOfTheMobileMonthsCount() {
        let m = UUID()
        func fact(_ day: String) -> PointFact {
            PointFact(source: .claim, id: day, member: m, on: CalendarDate(day)!, detail: "")
        }
        let kept = PointMobility.whileMobile(
            [fact("2025-03-10"), fact("2025-11-20"), fact("2025-12-10")], months: [m: 0x7FF])
        #expect(kept.map(\.id) == ["2025-03-10", "2025-11-20"])
        #expect(PointMobility.whileMobile([fact("2025-03-10")], months: [:]).isEmpty)
    }
}

@Suite("Points: the notice period of a publication")
struct PointNoticeRulesTests {
    @Test func fiveWorkingDaysThenFinal() throws {
        let cal = WorkCalendar(holidays: [CalendarDate("2027-01-04")!])
        // Published on Friday 1 January 2027: Monday the 4th is a holiday, so the 5th to the 11th.
        #expect(
            PointNoticeRules.until(publishedOn: CalendarDate("2027-01-01")!, calendar: cal)
                == CalendarDate("2027-01-11"))
        #expect(PointNoticeRules.open(until: "2027-01-11", today: CalendarDate("2027-01-11")!))
        #expect(!PointNoticeRules.open(until: "2027-01-11", today: CalendarDate("2027-01-12")!))
        #expect(!PointNoticeRules.open(until: nil, today: CalendarDate("2027-01-12")!))
        #expect(PointNoticeRules.status(until: "2027-01-11", today: CalendarDate("2027-01-12")!).contains("最终结果"))
        let closed = PointClaimRules.AppealedEntry(on: "2026-05-01", status: "counted", closedThrough: "2026-12-31")
        #expect(throws: RuleError.self) {
            try PointClaimRules.appeal(entry: closed, reason: "理由写够五个字", pendingAppeal: false).get()
        }
        var objection = closed
        objection.objectionOpen = true
        #expect(
            try PointClaimRules.appeal(entry: objection, reason: "理由写够五个字", pendingAppeal: false).get() == "理由写够五个字")
    }
}
