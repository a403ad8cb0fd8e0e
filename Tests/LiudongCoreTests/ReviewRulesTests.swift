import Testing

@testable import LiudongCore

@Suite("Review (报到审核): what a confirmed report tells the other side — without a database")
struct ReviewRulesTests {
    @Test func onlyAReturnTakesAMemberOffTheInflowLists() {
        #expect(ReviewRules.leavesInflow(.return))
        #expect(!ReviewRules.leavesInflow(.change) && !ReviewRules.leavesInflow(.arrival))
        #expect(!ReviewRules.leavesInflow(.outflow))
        #expect(
            ReviewRules.returnedNotice(name: "张建国", on: CalendarDate("2026-12-06")!)
                == "张建国已于2026年12月6日返回流出地，不再在贵组织参加组织生活")
    }
}

extension ReviewRulesTests {
    @Test func aChangeOfDestinationLeavesTheInflowOrganization() {
        #expect(
            ReviewRules.leavesInflow(.change, newDestination: "110108", currentDestination: "110105", reportedTo: 7))
        #expect(
            !ReviewRules.leavesInflow(.change, newDestination: "110105", currentDestination: "110105", reportedTo: 7))
        #expect(!ReviewRules.leavesInflow(.change, newDestination: nil, currentDestination: "110105", reportedTo: 7))
        #expect(
            !ReviewRules.leavesInflow(.change, newDestination: "110108", currentDestination: "110105", reportedTo: nil))
        #expect(ReviewRules.leavesInflow(.return, newDestination: nil, currentDestination: nil, reportedTo: 7))
        #expect(!ReviewRules.leavesInflow(.arrival, newDestination: "110108", currentDestination: nil, reportedTo: 7))
        #expect(ReviewRules.arrivalClockStarts(leftOn: "2026-01-01", movedOn: "2026-12-01") == "2026-12-01")
        #expect(ReviewRules.arrivalClockStarts(leftOn: "2026-01-01", movedOn: nil) == "2026-01-01")
    }
}
