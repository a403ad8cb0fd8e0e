import Foundation
import Testing

@testable import LiudongCore

@Suite("Transfers and exits: the rules without a database")
struct TransferRulesTests {
    static let today = CalendarDate("2026-12-07")!

    @Test func theKindAndTheValidity() throws {
        #expect(TransferRules.kind(from: "150422", to: "150402") == .withinCity)
        #expect(TransferRules.kind(from: "150422", to: "150102") == .withinProvince)
        #expect(TransferRules.kind(from: "150422", to: "110105") == .crossProvince)
        #expect(TransferRules.kind(from: "", to: "110105") == .crossProvince)
        #expect(try TransferRules.validityDays(.withinCity, requested: nil).get() == 10)
        #expect(try TransferRules.validityDays(.withinProvince, requested: nil).get() == 30)
        #expect(try TransferRules.validityDays(.crossProvince, requested: 90).get() == 90)
        #expect(TransferRules.validityDays(.crossProvince, requested: 91).error?.problems.first?.field == "validDays")
        #expect(TransferRules.validityDays(.crossProvince, requested: 0).error != nil)
        let short = TransferRules.Validity(cityDays: 7, elsewhereDays: 20, capDays: 90)
        #expect(try TransferRules.validityDays(.withinCity, requested: nil, settings: short).get() == 7)
    }

    @Test func theStepsGoInOrderAndCancelOnlyBeforeTheReport() {
        var state = TransferState.applied
        for step in [TransferStep.approve, .issue, .reissue, .report, .receipt, .archive] {
            guard case .success(let next) = TransferRules.next(state, step) else {
                Issue.record("\(step) from \(state)")
                return
            }
            state = next
        }
        #expect(state == .archived)
        #expect(TransferRules.next(.applied, .issue).error == .conflict("当前状态为“申请”，不能开具介绍信"))
        for s in [TransferState.applied, .approved, .issued] {
            #expect((try? TransferRules.next(s, .cancel).get()) == .cancelled)
        }
        for s in [TransferState.reported, .receiptBack, .archived, .cancelled] {
            #expect(TransferRules.next(s, .cancel).error != nil)
        }
    }

    @Test func overdueFromTheDayAfter() {
        let until = Self.today
        #expect(!TransferRules.letterOverdue(.issued, validUntil: until, today: Self.today))
        #expect(TransferRules.letterOverdue(.issued, validUntil: until, today: Self.today.adding(days: 1)))
        #expect(!TransferRules.letterOverdue(.reported, validUntil: until, today: Self.today.adding(days: 5)))
        let reported = Self.today.adding(days: -30)
        #expect(!TransferRules.receiptOverdue(.reported, reportedOn: reported, today: Self.today))
        #expect(TransferRules.receiptOverdue(.reported, reportedOn: reported, today: Self.today.adding(days: 1)))
        #expect(!TransferRules.receiptOverdue(.receiptBack, reportedOn: reported, today: Self.today.adding(days: 9)))
    }

    @Test func exitsAndRestoringWithinThePeriod() throws {
        let e = try ExitRules.exit(kind: "stopped", on: "2026-01-10", reason: "连续六个月不参加组织生活", today: Self.today).get()
        #expect(e.kind == .stopped && e.day == CalendarDate("2026-01-10"))
        #expect(ExitRules.exit(kind: "transferOut", on: "2026-01-10", reason: "x转出", today: Self.today).error != nil)
        #expect(ExitRules.exit(kind: "death", on: "2026-12-08", reason: "病故", today: Self.today).error != nil)
        let on = CalendarDate("2024-12-07")!
        #expect(ExitRules.canRestore(.stopped, exitedOn: on, today: Self.today))
        #expect(!ExitRules.canRestore(.stopped, exitedOn: on, today: Self.today.adding(days: 1)))
        #expect(!ExitRules.canRestore(.removed, exitedOn: Self.today, today: Self.today))
        #expect(
            ExitRules.canRestore(.stopped, exitedOn: CalendarDate("2024-02-29")!, today: CalendarDate("2026-02-28")!))
    }
}

extension TransferRulesTests {
    @Test func theSixMonthPromptAndTheYearlyRecheckOfAHold() {
        let since = CalendarDate("2026-06-07")!
        func suggest(_ today: String, abroad: Bool = false, open: Bool = false, held: String? = nil) -> Bool {
            TransferRules.suggestTransfer(
                since: since, abroad: abroad, transferInProgress: open, heldOn: held.flatMap { CalendarDate($0) },
                today: CalendarDate(today)!)
        }
        #expect(!suggest("2026-12-06") && suggest("2026-12-07"))
        #expect(!suggest("2026-12-07", abroad: true) && !suggest("2026-12-07", open: true))
        #expect(!suggest("2026-12-07", held: "2026-11-01") && !suggest("2027-10-31", held: "2026-11-01"))
        #expect(suggest("2027-11-01", held: "2026-11-01"))
        #expect(TransferRules.suggestCutoff(today: CalendarDate("2026-12-07")!) == since)
    }
}

extension TransferRulesTests {
    @Test func theNationalToDoIsTickedWhenTheExportShowsTheChange() {
        let mobile = NationalSighting(present: true, isMobile: true, inBranch: true)
        let home = NationalSighting(present: true, isMobile: false, inBranch: false)
        let gone = NationalSighting(present: false, isMobile: false, inBranch: false)
        #expect(NationalTodoRules.shows(.mobile, mobile) && !NationalTodoRules.shows(.mobile, home))
        #expect(NationalTodoRules.shows(.notMobile, home) && !NationalTodoRules.shows(.notMobile, gone))
        #expect(NationalTodoRules.shows(.absent, gone) && !NationalTodoRules.shows(.absent, home))
        #expect(NationalTodoRules.shows(.inBranch, mobile) && !NationalTodoRules.shows(.inBranch, home))
        #expect(!NationalTodoRules.shows(.none, mobile) && !NationalTodoRules.shows(.none, gone))
        let since = Self.today.adding(days: -30)
        #expect(!NationalTodoRules.overdue(since: since, today: Self.today))
        #expect(NationalTodoRules.overdue(since: since, today: Self.today.adding(days: 1)))
        #expect(NationalTodoRules.entered(on: "2026-12-08", since: since, today: Self.today).error != nil)
        #expect((try? NationalTodoRules.entered(on: "2026-12-01", since: since, today: Self.today).get()) != nil)
    }
}

extension TransferRulesTests {
    @Test func theLostContactLogAndTheProposal() {
        let ok = LostContactRules.search(
            method: "family", on: "2026-12-01", result: "家属称已去南方打工", found: false, today: Self.today)
        #expect((try? ok.get().method) == .family)
        #expect(
            LostContactRules.search(method: "guess", on: "2026-12-09", result: "", found: false, today: Self.today)
                .error?.problems.map(\.field) == ["method", "on", "result"])
        let since = CalendarDate("2026-06-07")!
        #expect(!LostContactRules.proposal(lostSince: since, tries: 3, today: CalendarDate("2026-12-06")!))
        #expect(LostContactRules.proposal(lostSince: since, tries: 3, today: Self.today))
        #expect(!LostContactRules.proposal(lostSince: since, tries: 2, today: Self.today))
    }
}

extension TransferRulesTests {
    @Test func duplicatePairsAndTheThirtyDaysToUndo() {
        let (a, b, c, d) = (UUID(), UUID(), UUID(), UUID())
        let pairs = MergeRules.pairs([
            (a, "张建国", "1976-12-26"), (b, "张建国", "1976-12-26"), (c, "张建国", "1980-01-01"), (d, "张建国", "1976-12-26"),
        ])
        #expect(pairs.count == 3 && pairs.allSatisfy { $0.a != c && $0.b != c })
        #expect(MergeRules.canUndo(mergedOn: Self.today.adding(days: -30), today: Self.today))
        #expect(!MergeRules.canUndo(mergedOn: Self.today.adding(days: -31), today: Self.today))
        #expect(MergeRules.reason(" ").error != nil)
        #expect(
            MergeRules.tables.contains { $0.table == "flows" }
                && MergeRules.tables.contains { $0.table == "member_events" })
    }
}
