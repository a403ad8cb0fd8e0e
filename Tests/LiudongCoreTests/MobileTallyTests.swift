import Testing

@testable import LiudongCore

@Suite("Statistics (统计): the mobile members' breakdowns counted in one pass")
struct MobileTallyTests {
    func flow(
        _ status: String, to destination: String? = "110101", reason: Int? = 1, education: String = "college",
        born: String = "1990-05-01", overdue: Bool = false, contacted: String = "2026-11-02",
        branch: String = "/1/2/3/"
    ) -> OpenFlowFacts {
        OpenFlowFacts(
            status: status, destinationCode: destination, reason: reason, education: education, birthDate: born,
            overdue: overdue, lastContactOn: contacted, branchPath: branch)
    }

    let bands = [
        MobileTally.AgeBand(label: "35岁及以下", bornAfter: "1990-12-06"),
        MobileTally.AgeBand(label: "36–45岁", bornAfter: "1980-12-06"),
    ]

    @Test func everyBreakdownCountsEachFlowOnce() {
        let flows = [
            flow("away", born: "1995-01-01", overdue: true, branch: "/1/2/3/"),
            flow("away", to: nil, reason: nil, born: "1990-12-06", contacted: "2026-09-30", branch: "/1/2/"),
            flow("arrived", to: "310101", reason: 3, education: "master", born: "1985-03-01", branch: "/1/4/9/"),
            // Overdue only counts a flow still away; older than every band counts in no band.
            flow("lost", born: "1950-01-01", overdue: true, contacted: "", branch: "/1/4/"),
        ]
        let t = MobileTally.count(flows, ageBands: bands, contactSince: "2026-10-01", parentPath: "/1/")
        #expect(t.states == ["away": 2, "arrived": 1, "lost": 1])
        #expect(t.overdue == 1)
        #expect(t.destinations == ["110101": 2, "310101": 1])
        #expect(t.reasons == [1: 2, 3: 1])
        #expect(t.educations == ["college": 3, "master": 1])
        // Born on the band's cut-off day is not after it: the next band.
        #expect(t.ageBands == ["35岁及以下": 1, "36–45岁": 2])
        #expect(t.contacted == 2)
        #expect(t.children == ["/1/2/": 2, "/1/4/": 2])
    }

    @Test func membersOfTheParentItselfAreInNoChild() {
        let t = MobileTally.count(
            [flow("away", branch: "/1/"), flow("away", branch: "/1/22/5/"), flow("away", branch: "/12/")],
            ageBands: bands, contactSince: "2026-10-01", parentPath: "/1/")
        #expect(t.children == ["/1/22/": 1])
        #expect(MobileTally.childPath(of: "/1/22/5/", under: "/1/") == "/1/22/")
        #expect(MobileTally.childPath(of: "/1/", under: "/1/") == nil)
        #expect(MobileTally.childPath(of: "/12/3/", under: "/1/") == nil)
        #expect(MobileTally.childPath(of: "/1/7", under: "/1/") == nil)
        #expect(MobileTally.count([], ageBands: bands, contactSince: "2026-10-01", parentPath: "/1/") == MobileTally())
    }
}
