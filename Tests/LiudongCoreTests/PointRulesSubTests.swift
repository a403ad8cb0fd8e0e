import Foundation
import Testing

@testable import LiudongCore

@Suite("Points (积分管理): settings, versions, closing — the rules without a database")
struct PointSettingsRulesTests {
    static let today = CalendarDate("2026-08-10")!

    @Test func settingsAreWithinTheirRangesAndPassIsBelowGood() {
        let ok = PointSettingsRules.settings(
            publicForm: "list", topPercent: 10, goodAt: 60, passAt: 30, lowQuarterBelow: 5)
        #expect(
            (try? ok.get())
                == PointSettings(publicForm: .list, topPercent: 10, goodAt: 60, passAt: 30, lowQuarterBelow: 5))
        let bad = PointSettingsRules.settings(
            publicForm: "shame", topPercent: 0, goodAt: 2000, passAt: 3000, lowQuarterBelow: -1)
        guard case .invalid(let problems)? = bad.error else {
            Issue.record("accepted bad settings")
            return
        }
        #expect(problems.map(\.field) == ["publicForm", "topPercent", "goodAt", "passAt", "passAt", "lowQuarterBelow"])
        #expect(
            PointSettingsRules.settings(publicForm: "bands", topPercent: 10, goodAt: 30, passAt: 30, lowQuarterBelow: 0)
                .error == .field("passAt", "合格分数线应低于优良分数线"))
    }

    @Test func aNewVersionStartsInTheYearAfterTheClosedDayAndTheLatestVersion() {
        let items = PointRuleVersion.defaultItems
        let versions = [(number: 1, from: "2026-01-01"), (number: 2, from: "2026-04-01")]
        func start(_ day: String?, closed: String? = "2026-06-30") -> Result<
            (number: Int, from: CalendarDate), RuleError
        > {
            PointSettingsRules.newVersion(
                items: items, from: day.flatMap { CalendarDate($0) }, year: 2026,
                closed: closed.flatMap { CalendarDate($0) },
                versions: versions)
        }
        #expect((try? start("2026-07-01").get())?.number == 3)
        #expect(start("2026-06-30").error == .field("effectiveFrom", "2026-06-30及以前已结算，新版本的生效日期须晚于该日"))
        #expect(start("2026-03-01", closed: nil).error == .field("effectiveFrom", "生效日期不能早于当前最新版本的生效日期2026-04-01"))
        #expect(start("2027-01-01").error == .field("effectiveFrom", "生效日期应在2026年内"))
        #expect(start(nil).error == .field("effectiveFrom", "请填写新版本的生效日期"))
        var twice = items
        twice.append(items[0])
        guard
            case .invalid(let problems)? = PointSettingsRules.newVersion(
                items: twice, from: CalendarDate("2026-07-01"), year: 2026, closed: nil, versions: versions
            ).error
        else {
            Issue.record("accepted a code used twice")
            return
        }
        #expect(problems == [RuleProblem("items[\(items.count)]", "第\(items.count + 1)项：编码 L01 重复")])
    }

    @Test func theEditorsRowsBecomeItemsAndBadCellsProblemsOfTheirRow() {
        let (items, problems) = PointSettingsRules.editorItems(
            code: ["v09", "", "X1", "X2"], name: ["互助", "", "坏数", "坏类"], category: ["vanguard", "", "other", "nope"],
            points: ["4", "", "十", "1"], monthCap: ["8", "", "", ""], yearCap: ["", "", "", ""],
            source: ["claim", "", "claim", "claim"], threshold: ["", "", "", ""])
        #expect(items.map(\.code) == ["V09", "X1"])
        #expect(items.first?.monthCap == 8 && items.first?.points == 4)
        #expect(problems == [RuleProblem("items[2]", "第3行：分值应为整数"), RuleProblem("items[3]", "第4行：请选择类别和来源")])
        let many = Array(repeating: "A", count: 61)
        #expect(
            PointSettingsRules.editorItems(
                code: many, name: many, category: nil, points: nil, monthCap: nil, yearCap: nil, source: nil,
                threshold: nil
            ).problems == [RuleProblem("items", "项目不能超过60个")])
    }

    @Test func aQuarterClosesOnceItIsOverAndNothingWaits() {
        let q2 = Quarter(year: 2026, number: 2)!
        let q3 = Quarter(year: 2026, number: 3)!
        func close(_ q: Quarter, enabled: Bool = true, closed: String? = "2026-03-31", waiting: Int = 0) -> Result<
            String, RuleError
        > {
            PointSettingsRules.close(
                q, today: Self.today, county: "巴林左旗", enabled: enabled, closedThrough: closed, waiting: waiting)
        }
        #expect((try? close(q2).get()) == "2026-06-30")
        #expect(close(q3).error == .conflict("2026年第三季度尚未结束，不能结算"))
        #expect(close(q2, enabled: false).error == .conflict("巴林左旗未参加积分制管理试点"))
        #expect(close(q2, closed: "2026-06-30").error == .conflict("2026年第二季度已经结算"))
        #expect(close(q2, waiting: 3).error == .conflict("2026年第二季度及以前尚有3条待处理的申报或申诉，处理完后再结算"))
        #expect(
            PointSettingsRules.closable(year: 2026, today: Self.today, closedThrough: "2026-03-31").map(\.description)
                == ["2026Q2"])
        #expect(
            PointSettingsRules.closable(year: 2026, today: Self.today, closedThrough: nil).map(\.description)
                == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"])
        #expect(PointSettingsRules.year(1999) == nil && PointSettingsRules.year(2026) == 2026)
    }
}

@Suite("Points: the ledger plan without a database")
struct PointLedgerPlanTests {
    static let member = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!

    static func entry(_ id: Int, on: String, points: Int, status: EntryStatus = .counted) -> PointLedgerEntry {
        PointLedgerEntry(
            id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", id))!, member: member, on: on,
            code: "L01", name: "学完点学课程", category: "learning", version: 1, nominal: 2, points: points, capped: false,
            kind: "courseCompleted", sourceID: "c\(id)", status: status.rawValue, reason: "学完", county: 7, year: 2026)
    }

    @Test func theClosedDayDecidesWhatIsReadAgain() {
        #expect(PointLedgerPlan.open(year: 2026, closed: nil) == (false, nil, ""))
        let mid = PointLedgerPlan.open(year: 2026, closed: CalendarDate("2026-06-30"))
        #expect(mid.yearClosed == false && mid.after == CalendarDate("2026-06-30") && mid.cut == "2026-06-30")
        #expect(PointLedgerPlan.open(year: 2026, closed: CalendarDate("2026-12-31")).cut == "9999")
        #expect(PointLedgerPlan.open(year: 2025, closed: CalendarDate("2026-03-31")).yearClosed)
        #expect(PointLedgerPlan.open(year: 2027, closed: CalendarDate("2026-12-31")) == (false, nil, ""))
    }

    @Test func onlyWhatDiffersIsWritten() {
        let same = Self.entry(1, on: "2026-02-01", points: 2)
        let changed = Self.entry(2, on: "2026-02-02", points: 2)
        let new = Self.entry(3, on: "2026-02-03", points: 2)
        let gone = Self.entry(4, on: "2026-02-04", points: 2).id
        let stored: [UUID: Int?] = [same.id: same.signature, changed.id: changed.signature &+ 1, gone: nil]
        let (inserts, removals) = PointLedgerPlan.changes([same, changed, new], stored: stored)
        #expect(inserts.map(\.id) == [changed.id, new.id])
        #expect(Set(removals) == [changed.id, gone])
        #expect(PointLedgerPlan.changes([same], stored: [same.id: same.signature]).inserts.isEmpty)
    }

    @Test func totalsSumQuartersForEveryoneCountedAndTheFingerprintIgnoresOrder() {
        let a = Self.entry(1, on: "2026-02-01", points: 2)
        let b = Self.entry(2, on: "2026-08-01", points: -5)
        let other = UUID()
        let totals = PointLedgerPlan.totals([a, b], people: [(Self.member, 11, 0xFFF), (other, 12, 0b11)])
        #expect(totals[Self.member] == [11, -3, 2, 0, -5, 0, 0xFFF])
        #expect(totals[other] == [12, 0, 0, 0, 0, 0, 0b11])
        #expect(PointLedgerPlan.fingerprint([a, b]) == PointLedgerPlan.fingerprint([b, a]))
        #expect(PointLedgerPlan.fingerprint([a]) != PointLedgerPlan.fingerprint([a, b]))
        #expect(a.signature != Self.entry(1, on: "2026-02-01", points: 2, status: .appealed).signature)
    }
}
