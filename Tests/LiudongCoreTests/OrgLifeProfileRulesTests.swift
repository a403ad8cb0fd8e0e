import Foundation
import LiudongCore
import Testing

@Suite("Organizational life: the requirement profile and 党小组 without a database")
struct OrgLifeProfileRulesTests {
    @Test func theCommitteeFromSevenFullMembersAndGroupMeetingsPerGroup() {
        let small = OrgLifeProfile(fullMembers: 6, groups: 0)
        #expect(small.required(.committeeMeeting, period: .month, minimum: 1) == nil)
        #expect(small.required(.groupMeeting, period: .month, minimum: 1) == nil)
        #expect(small.required(.memberMeeting, period: .quarter, minimum: 1) == 1)
        #expect(small.exemption(.committeeMeeting)?.contains("不足7人") == true)
        #expect(small.summary == "正式党员6人 · 不设支委会 · 未设党小组")
        let big = OrgLifeProfile(fullMembers: 7, groups: 3)
        #expect(big.required(.committeeMeeting, period: .month, minimum: 1) == 3)
        #expect(big.required(.groupMeeting, period: .month, minimum: 1) == 9)
        #expect(big.exemption(.groupMeeting) == nil && big.summary.contains("党小组3个"))
        #expect(
            OrgLifeProfile(fullMembers: 9, groups: Int.max).required(.groupMeeting, period: .month, minimum: 2)
                == Int.max)
        #expect(OrgLifeProfile(fullMembers: -3, groups: -1) == OrgLifeProfile(fullMembers: 0, groups: 0))
    }

    @Test func aGroupHasANameMembersOnTheRosterInNoOtherGroupAndALeaderAmongThem() throws {
        let a = UUID(), b = UUID(), c = UUID()
        let ok = PartyGroupRules.group(
            name: " 第一党小组 ", leader: a.uuidString, members: [a.uuidString, b.uuidString, a.uuidString, "junk"],
            roster: [a, b, c], elsewhere: [])
        #expect(try ok.get() == CheckedPartyGroup(name: "第一党小组", leader: a, members: [a, b]))
        guard
            case .failure(.invalid(let problems)) = PartyGroupRules.group(
                name: String(repeating: "组", count: 31), leader: c.uuidString,
                members: [a.uuidString, UUID().uuidString],
                roster: [a, b, c], elsewhere: [a])
        else {
            Issue.record("accepted")
            return
        }
        #expect(problems.map(\.field) == ["name", "members", "members", "leader"])
        let many = Array(repeating: a.uuidString, count: PartyGroupRules.maxMembers + 1)
        #expect(throws: RuleError.self) {
            try PartyGroupRules.group(name: "组", leader: a.uuidString, members: many, roster: [a], elsewhere: []).get()
        }
    }
}

@Suite("Organizational life: corrective items without a database")
struct RectificationRulesTests {
    @Test func anItemIsDueWithinAYearOfTheMeetingAndDoneBetweenItAndToday() throws {
        let held = CalendarDate("2026-11-20")!
        let ok = try RectificationRules.item(what: " 学习不经常 ", who: "书记", dueOn: "2026-12-31", heldOn: held).get()
        #expect(ok == CheckedRectification(what: "学习不经常", who: "书记", dueOn: CalendarDate("2026-12-31")!))
        guard
            case .failure(.invalid(let p)) = RectificationRules.item(
                what: nil, who: String(repeating: "人", count: 51), dueOn: "2026-11-19", heldOn: held)
        else {
            Issue.record("accepted")
            return
        }
        #expect(p.map(\.field) == ["what", "who", "dueOn"])
        #expect(throws: RuleError.self) {
            try RectificationRules.item(what: "a", who: "b", dueOn: "2027-11-22", heldOn: held).get()
        }
        let today = CalendarDate("2026-12-06")!
        #expect(try RectificationRules.done(on: "2026-12-06", note: nil, heldOn: held, today: today).get().0 == today)
        #expect(throws: RuleError.self) {
            try RectificationRules.done(on: "2026-12-07", note: nil, heldOn: held, today: today).get()
        }
        #expect(RectificationRules.overdue(dueOn: CalendarDate("2026-12-05")!, doneOn: nil, today: today))
        #expect(!RectificationRules.overdue(dueOn: CalendarDate("2026-12-06")!, doneOn: nil, today: today))
        #expect(!RectificationRules.overdue(dueOn: CalendarDate("2026-12-01")!, doneOn: today, today: today))
        #expect(RectificationRules.records(.lifeMeeting) && !RectificationRules.records(.themeDay))
    }
}

@Suite("Study delivered home: 返乡预报 without a database")
struct HomeVisitRulesTests {
    @Test func aVisitHasItsDaysAndPlaceAndTheExpectedListPutsItFirst() throws {
        let today = CalendarDate("2027-01-20")!
        let v = try HomeVisitRules.visit(from: "2027-02-01", to: "2027-02-20", place: " 林东镇 ", today: today).get()
        #expect(v == CheckedHomeVisit(from: CalendarDate("2027-02-01")!, to: CalendarDate("2027-02-20")!, place: "林东镇"))
        for (from, to, place, field) in [
            ("2027-02-01", "2027-01-31", "x", "to"), ("2026-12-01", "2026-12-05", "x", "from"),
            ("2027-02-01", "2027-06-01", "x", "to"), ("2027-02-01", "2027-02-02", nil, "place"),
            ("bad", "2027-02-02", "x", "from"),
        ] as [(String, String, String?, String)] {
            guard case .failure(.invalid(let p)) = HomeVisitRules.visit(from: from, to: to, place: place, today: today)
            else {
                Issue.record("accepted \(from) \(to)")
                continue
            }
            #expect(p.map(\.field) == [field])
        }
        let a = UUID(), b = UUID()
        let list = HomeVisitRules.expected(
            visits: [(a, "甲", "2027-02-01", "2027-02-10", "林东")],
            flows: [(a, "甲", "2027-02-05", nil), (b, "乙", nil, "2027-02-03")], reached: [b])
        #expect(list.map(\.name) == ["甲", "乙"] && list[0].why.hasPrefix("返乡预报") && list[1].reached)
        #expect(
            HomeVisitRules.share(reached: 3, home: 4) == "3/4（75%）"
                && HomeVisitRules.share(reached: 0, home: 0) == "0/0")
        #expect(
            StudyAtHomeRules.session(
                on: "2027-01-21", place: "p", topic: "t", seasonStartsOn: "2027-01-01", seasonEndsOn: "2027-02-28",
                today: today) == .failure(.field("onDay", "请填写返乡时段内、不晚于今天的日期，地点（100字内）和学习内容（200字内）")))
    }
}
