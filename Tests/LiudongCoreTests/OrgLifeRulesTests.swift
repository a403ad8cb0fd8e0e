import Foundation
import Testing

@testable import LiudongCore

@Suite("Organizational life (组织生活): the rules without a database")
struct OrgLifeRulesTests {
    static let now = OrgLifeTime.parse("2026-12-06T10:00")!

    static func event(
        kind: String? = "themeDay", starts: String? = "2026-12-06T19:30", ends: String? = nil,
        place: String? = "村委会", url: String? = nil, topic: String? = "学习党的二十届四中全会精神"
    ) -> Result<CheckedEvent, RuleError> {
        OrgLifeRules.event(
            orgProblem: nil, kind: kind, startsAt: starts, endsAt: ends, place: place, onlineUrl: url, topic: topic,
            host: nil, recorder: nil, now: now)
    }

    @Test func anEventHasAKindATimeAPlaceOrLinkAndATopic() throws {
        let ok = try Self.event().get()
        #expect(OrgLifeTime.text(ok.end) == "2026-12-06T22:30" && ok.heldOn.description == "2026-12-06")
        #expect(Self.event(place: nil, url: "https://meeting.example/1").error == nil)
        #expect(Self.event(place: nil).error == .field("place", "请填写地点或线上会议链接"))
        #expect(Self.event(place: nil, url: "ftp://x").error != nil)
        #expect(Self.event(starts: "2030-01-01T09:00").error == .field("startsAt", "开始时间应在三年前至一年后之间"))
        #expect(Self.event(starts: "明天").error == .field("startsAt", "请填写开始时间，格式如 2026-12-01T19:30"))
        #expect(Self.event(ends: "2026-12-06T19:00").error == .field("endsAt", "结束时间应晚于开始时间，且不超过三天"))
        #expect(Self.event(ends: "2026-12-10T19:00").error != nil)
        // Every problem at once, the organization's first.
        let all = OrgLifeRules.event(
            orgProblem: RuleProblem("orgCode", "请选择党组织"), kind: "party", startsAt: nil, endsAt: nil, place: nil,
            onlineUrl: nil, topic: nil, host: String(repeating: "主", count: 51), recorder: nil, now: Self.now)
        guard case .invalid(let problems)? = all.error else {
            Issue.record("accepted")
            return
        }
        #expect(problems.map(\.field) == ["orgCode", "kind", "startsAt", "place", "topic", "host"])
    }

    @Test func attendanceRowsAreCheckedAndNamedByTheirPlace() {
        let a = UUID(), b = UUID()
        let (rows, problems) = OrgLifeRules.attendance([
            AttendanceInput(memberId: "x", status: "present", reason: nil, attendedAt: nil, notCounted: nil),
            AttendanceInput(memberId: a.uuidString, status: "excused", reason: nil, attendedAt: nil, notCounted: true),
            AttendanceInput(
                memberId: b.uuidString, status: "present", reason: "note", attendedAt: nil, notCounted: true),
            AttendanceInput(memberId: b.uuidString, status: "late", reason: nil, attendedAt: nil, notCounted: nil),
        ])
        #expect(
            problems.map(\.field) == [
                "items[0].memberId", "items[1].reason", "items[1].approval", "items[2].notCounted", "items[3].memberId",
                "items[3].status",
            ])
        // Left out of 应到 only with the approval, and only a mobile member.
        let (approved, none) = OrgLifeRules.attendance([
            AttendanceInput(
                memberId: a.uuidString, status: "excused", reason: "外出", attendedAt: nil, notCounted: true,
                approval: "经某某党委同意"),
            AttendanceInput(
                memberId: b.uuidString, status: "excused", reason: "外出", attendedAt: nil, notCounted: true,
                approval: " 经党委同意 "),
        ])
        #expect(none.isEmpty && approved.map(\.approval) == ["经某某党委同意", "经党委同意"])
        #expect(OrgLifeRules.notCountedButNotMobile(approved, mobile: [a]).map(\.field) == ["items[1].notCounted"])
        let q = Quorum(roster: 5, present: 2, excused: 2, notCounted: 1, voting: true, probationaryPresent: 3)
        #expect(q.expected == 4 && !q.quorate && q.probationaryPresent == 3)
        #expect(Quorum(roster: 5, present: 2, excused: 0, notCounted: 0).probationaryPresent == 0)
        #expect(OrgLifeKind.memberMeeting.isVoting && !OrgLifeKind.partyClass.isVoting)
        #expect(rows.map(\.index) == [1, 2] && rows[1].reason == nil)
        // Who may not be listed is named by the row's own place in the submission.
        #expect(OrgLifeRules.ineligible(rows, allowed: [a]).map(\.field) == ["items[2].memberId"])
        let many = Array(
            repeating: AttendanceInput(memberId: nil, status: nil, reason: nil, attendedAt: nil, notCounted: nil),
            count: OrgLifeRules.maxItems + 1)
        #expect(OrgLifeRules.attendance(many).problems == [RuleProblem("items", "一次最多登记5000人")])
    }

    @Test func codesQuorumAndFrequencies() throws {
        #expect(OrgLifeRules.checkInCode(" ab3kx9 ") == "AB3KX9")
        #expect(OrgLifeRules.checkInCode("ＡＢ３ＫＸ９") == "AB3KX9")
        #expect(OrgLifeRules.checkInCode("AB3KX0") == nil && OrgLifeRules.checkInCode("AB3KX") == nil)
        #expect(OrgLifeRules.codeOpen(startsAt: "2026-12-06T11:00", endsAt: "2026-12-06T12:00", now: Self.now))
        #expect(!OrgLifeRules.codeOpen(startsAt: "2026-12-06T11:01", endsAt: "2026-12-06T12:00", now: Self.now))
        #expect(OrgLifeRules.codeOpen(startsAt: "2026-12-06T06:00", endsAt: "2026-12-06T08:00", now: Self.now))
        #expect(!OrgLifeRules.codeOpen(startsAt: "2026-12-06T06:00", endsAt: "2026-12-06T07:59", now: Self.now))
        #expect(Quorum(roster: 10, present: 5, excused: 2, notCounted: 1).quorate)
        #expect(!Quorum(roster: 10, present: 5, excused: 0, notCounted: 0).quorate)
        #expect(!Quorum(roster: 0, present: 0, excused: 0, notCounted: 0).quorate)
        #expect(OrgLifeRules.required(period: .month, minimum: 1) == 3)
        #expect(OrgLifeRules.required(period: .year, minimum: 1) == 1)
        #expect(OrgLifeRules.required(period: .month, minimum: Int.max) == Int.max)
        let q3 = try #require(Quarter("2026Q3")), q4 = try #require(Quarter("2026Q4"))
        #expect(!OrgLifeRules.behind(period: .year, held: 0, required: 1, quarter: q3))
        #expect(OrgLifeRules.behind(period: .year, held: 0, required: 1, quarter: q4))
        #expect(OrgLifeRules.behind(period: .quarter, held: 0, required: 1, quarter: q3))
        #expect(OrgLifeRules.sixMonthsBefore(CalendarDate("2026-08-31")!).description == "2026-02-28")
        #expect(OrgLifeRules.sixMonthsBefore(CalendarDate("2026-03-15")!).description == "2025-09-15")
    }
}
