import Foundation
import Testing

@testable import LiudongCore

@Suite("Points: claims and appeals without a database")
struct PointClaimRulesTests {
    static let today = CalendarDate("2026-08-10")!
    static let items = PointRuleVersion.defaultItems.filter { $0.source == .claim }
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        + Array(repeating: 0, count: 32)

    func claim(
        _ day: String?, code: String = "v02", text: String = "在社区帮独居老人打扫卫生一次", photo: [UInt8]? = nil,
        closed: String? = nil
    )
        -> Result<PointClaimDraft, RuleError>
    {
        PointClaimRules.claim(
            itemCode: code, on: day, description: text, photo: photo, today: Self.today,
            closed: closed.flatMap { CalendarDate($0) }, items: Self.items)
    }

    @Test func aClaimIsADeedOfTheLast90DaysAfterTheClosedPeriod() {
        let ok = try? claim("2026-08-01", photo: Self.png).get()
        #expect(ok?.itemCode == "V02" && ok?.photo == .png && ok?.on == CalendarDate("2026-08-01"))
        #expect(claim("2026-08-11").error == .field("on", "日期应为今天或90天以内"))
        #expect(claim("2026-05-12").error == nil)
        #expect(claim("2026-05-11").error == .field("on", "日期应为今天或90天以内"))
        #expect(claim("2026-06-30", closed: "2026-06-30").error == .field("on", "2026-06-30及以前的积分已结算，不能再申报"))
        #expect(claim(nil).error == .field("on", "请填写事情发生的日期（YYYY-MM-DD）"))
        #expect(claim("2026-08-01", text: "太短").error == .field("description", "请用10–1000字说明做了什么"))
        #expect(claim("2026-08-01", photo: [1, 2, 3]).error == .field("photo", "照片应为 JPG 或 PNG 图片"))
        guard case .invalid(let p)? = claim("2026-08-01", code: "L01").error else {
            Issue.record("accepted an item that is not claimed")
            return
        }
        #expect(p.first?.field == "itemCode" && p.first?.message.contains("V02 志愿服务、帮扶群众") == true)
        #expect(PointClaimRules.itemsDay(CalendarDate("2026-07-01"), today: Self.today) == CalendarDate("2026-07-01"))
        #expect(PointClaimRules.itemsDay(CalendarDate("2025-07-01"), today: Self.today) == Self.today)
    }

    @Test func theSameDeedTwiceIsTheSameKey() {
        #expect(PointClaimRules.textKey("帮老人 打扫卫生。") == PointClaimRules.textKey("帮老人打扫卫生"))
        #expect(PointClaimRules.textKey("ABC，１２３") == PointClaimRules.textKey("abc123"))
        #expect(PointClaimRules.textKey("帮老人打扫卫生") != PointClaimRules.textKey("帮老人买药"))
        #expect(PointClaimRules.duplicate(sameText: true, samePhoto: true) == .conflict("您已申报过内容相同的事项，同一件事不能重复申报"))
        #expect(PointClaimRules.duplicate(sameText: false, samePhoto: true) != nil)
        #expect(PointClaimRules.duplicate(sameText: false, samePhoto: false) == nil)
    }

    @Test func decisionsAndAppealsFollowTheirStates() {
        #expect(PointClaimRules.decide(.pending, approve: false, reason: " ").error == .field("reason", "不通过时请写明理由"))
        #expect((try? PointClaimRules.decide(.pending, approve: true, reason: nil).get()) == .some(nil))
        #expect(PointClaimRules.decide(.approved, approve: true, reason: nil).error == .conflict("这项申报已经处理过"))
        let open = PointClaimRules.AppealedEntry(on: "2026-07-05", status: "counted", closedThrough: "2026-06-30")
        #expect((try? PointClaimRules.appeal(entry: open, reason: "当天请过假", pendingAppeal: false).get()) == "当天请过假")
        #expect(
            PointClaimRules.appeal(entry: nil, reason: "当天请过假", pendingAppeal: false).error
                == .field("entryId", "找不到这条积分记录"))
        #expect(
            PointClaimRules.appeal(entry: open, reason: "请假", pendingAppeal: false).error
                == .field("reason", "请用5–500字写明申诉理由"))
        var closed = open
        closed.on = "2026-06-30"
        #expect(
            PointClaimRules.appeal(entry: closed, reason: "当天请过假", pendingAppeal: false).error
                == .conflict("这条记录所在期间已结算（2026-06-30及以前），不能再申诉"))
        var revoked = open
        revoked.status = "revoked"
        #expect(
            PointClaimRules.appeal(entry: revoked, reason: "当天请过假", pendingAppeal: false).error == .conflict("这条记录已撤销"))
        #expect(
            PointClaimRules.appeal(entry: open, reason: "当天请过假", pendingAppeal: true).error == .conflict("这条记录的申诉正在处理中")
        )
        #expect(PointClaimRules.decideAppeal(.pending, outcome: nil).error == .field("outcome", "请写明处理意见，党员本人会看到"))
        #expect(PointClaimRules.decideAppeal(.upheld, outcome: "已核实").error == .conflict("这项申诉已经处理过"))
    }
}

@Suite("Points: rankings without a database")
struct PointRankingRulesTests {
    @Test func equalTotalsShareARankAndTheNextSkips() {
        #expect(PointRankingRules.competitionRanks([30, 20, 20, 10]) == [1, 2, 2, 4])
        #expect(PointRankingRules.competitionRanks([]) == [])
        let bands = PointBands(topPercent: 10, goodAt: 60, passAt: 30)
        let r = PointRankingRules.ranks(distribution: [(10, 5), (70, 1), (40, 4)], bands: bands, months: 12)
        #expect(r.count == 10 && r.rankOf == [70: 1, 40: 2, 10: 6])
        #expect(r.bandCounts == [1, 0, 4, 5])
        #expect(r.standing(40, bands: bands, months: 12) == (2, "合格"))
        #expect(r.standing(70, bands: bands, months: 12).band == "前10%")
    }

    @Test func linesAreProRatedAndAYearIsPublishedOnceAfterItEnds() {
        let today = CalendarDate("2026-03-15")!
        #expect(PointRankingRules.months(year: 2025, today: today) == 12)
        #expect(PointRankingRules.months(year: 2026, today: today) == 2)
        #expect(PointRankingRules.months(year: 2027, today: today) == 0)
        func publish(_ year: Int, published: Bool = false, enabled: Bool = true, waiting: Int = 0) -> RuleError? {
            PointRankingRules.publish(
                year: year, today: today, county: "翁牛特旗", published: published, enabled: enabled, waiting: waiting
            ).error
        }
        #expect(publish(2025) == nil)
        #expect(publish(0) == .field("year", "评比年度应为2000年至2025年"))
        #expect(publish(2026) == .conflict("2026年尚未结束，年底之后才能公布评比结果"))
        #expect(publish(2025, published: true) == .conflict("翁牛特旗2025年的积分评比已经公布，公布后不再改变"))
        #expect(publish(2025, enabled: false) == .conflict("翁牛特旗未参加积分制管理试点"))
        #expect(publish(2025, waiting: 1) == .conflict("尚有待处理的积分申报或申诉，处理完后再公布"))
    }
}

@Suite("Points: talks with long-term low scorers without a database")
struct PointTalkRulesTests {
    static let today = CalendarDate("2026-10-20")!

    @Test func theLastTwoCompletedQuartersAreJudgedWhileRulesCoverThem() {
        let q = PointTalkRules.quarters(today: Self.today)
        #expect(q?.earlier.description == "2026Q2" && q?.later.description == "2026Q3")
        #expect(
            PointTalkRules.quarters(today: CalendarDate("2026-02-01")!).map { "\($0.earlier),\($0.later)" }
                == "2025Q3,2025Q4")
        let q2 = Quarter(year: 2026, number: 2)!
        #expect(PointTalkRules.rulesCover(q2, earlierYearStarts: ["2026-01-01"], laterYearHasRules: true))
        #expect(!PointTalkRules.rulesCover(q2, earlierYearStarts: ["2026-05-01"], laterYearHasRules: true))
        #expect(!PointTalkRules.rulesCover(q2, earlierYearStarts: ["2026-01-01"], laterYearHasRules: false))
    }

    @Test func aTalkIsThisQuartersWithWhatWasSaidAndAgreed() {
        func talk(
            _ day: String, way: String = "phone", summary: String = "了解到在外务工时间紧，近两个季度未参加", steps: String = "每月参加一次"
        )
            -> Result<PointTalkDraft, RuleError>
        {
            PointTalkRules.talk(talkedOn: day, way: way, summary: summary, steps: steps, today: Self.today)
        }
        let ok = try? talk("2026-10-16").get()
        #expect(ok?.way == .phone && ok?.quarters == "2026Q2,2026Q3")
        #expect(talk("2026-09-30").error == .field("talkedOn", "谈话日期应在本季度内且不晚于今天"))
        #expect(talk("2026-10-21").error == .field("talkedOn", "谈话日期应在本季度内且不晚于今天"))
        guard case .invalid(let p)? = talk("2026-10-16", way: "letter", summary: "短", steps: "").error else {
            Issue.record("accepted a bad talk")
            return
        }
        #expect(p.map(\.field) == ["way", "summary", "steps"])
    }
}
