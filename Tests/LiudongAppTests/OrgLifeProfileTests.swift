import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Each branch's requirement profile (issue 27 item 1): a 支委会 only with 7 or more full members, 党小组会 per group
/// set up, and mobile party organizations checked like branches.
@Suite("Organizational life: what each branch owes")
struct OrgLifeProfileTests {
    @Test(arguments: TestDatabase.all)
    func aSmallBranchOwesNoCommitteeMeetingAndGroupsOweTheirOwn(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            let last = try #require(Quarter(containing: today).previous)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Items: Decodable { var items: [ComplianceStore.Item] }
            func items(_ org: Organization) async throws -> [String: ComplianceStore.Item] {
                let all = try await county.get("/api/v1/org-life/compliance?org=\(org.code)&quarter=\(last)").content
                    .decode(Items.self).items
                return Dictionary(all.filter { $0.orgCode == org.code }.map { ($0.kind, $0) }) { a, _ in a }
            }
            // Branch A: a handful of members — no 支委会, no 党小组: neither is asked for (it was every month before).
            var a = try await items(f.branchA)
            #expect(a["committeeMeeting"]?.applies == false && a["committeeMeeting"]?.required == 0)
            #expect(a["groupMeeting"]?.applies == false && a["memberMeeting"]?.required == 1)
            #expect(a["themeDay"]?.applies == true && a["themeDay"]?.required == 3)

            // Seven full members before the quarter began (a probationary one does not count): a 支委会 monthly.
            var people: [Member] = []
            for i in 0..<7 {
                people.append(
                    try await NetworkTests.member(
                        app, "党员\(i)", sequence: 500 + i, branch: f.branchA, category: i == 0 ? "probationary" : "full")
                )
            }
            a = try await items(f.branchA)
            #expect(a["committeeMeeting"]?.applies == true && a["committeeMeeting"]?.required == 3)

            // Two 党小组 set up by the secretary before the quarter: 党小组会 monthly each.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            _ = try await secretary.get("/org-life/groups?org=\(f.branchA.code)")
            for (name, ids) in [("第一党小组", people[0..<3]), ("第二党小组", people[3..<6])] {
                let res = try await secretary.post(
                    "/org-life/groups",
                    form: [
                        "org": f.branchA.code, "name": name, "leader": ids.first!.id!.uuidString,
                        "members[0]": ids.map { $0.id!.uuidString }[0], "members[1]": ids.map { $0.id!.uuidString }[1],
                    ])
                #expect(res.status == .seeOther)
            }
            // A member in two groups is refused, and a leader who is not a member.
            let twice = try await secretary.post(
                "/org-life/groups",
                form: [
                    "org": f.branchA.code, "name": "第三党小组", "leader": people[6].id!.uuidString,
                    "members[0]": people[0].id!.uuidString,
                ])
            #expect(twice.headers.first(name: .location)?.contains("groups") == true)
            let groups = try await PartyGroup.query(on: app.db).all()
            #expect(groups.map(\.name).sorted() == ["第一党小组", "第二党小组"])
            for g in groups {
                g.createdOn = last.firstDay.description
                try await g.update(on: app.db)
            }
            a = try await items(f.branchA)
            #expect(a["groupMeeting"]?.applies == true && a["groupMeeting"]?.required == 6)
            let page = try await secretary.get("/org-life/groups?org=\(f.branchA.code)").body.string
            #expect(page.contains("正式党员") && page.contains("设支委会") && page.contains("党小组2个"))

            // A mobile party organization owes the same: listed and judged, its members' part counted.
            let mobile = try await Fixture.org(
                "150422M05", "驻北京流动党员党支部", .branch, .mobile, parent: f.countyA, division: "110105", on: app.db)
            try await MobileOrgMembership(
                orgID: mobile.id!, memberID: f.memberA.id!, joinedOn: last.firstDay.adding(days: -10).description,
                by: "test"
            ).create(on: app.db)
            let m = try await items(mobile)
            #expect(m["memberMeeting"]?.required == 1 && m["themeDay"]?.required == 3)
            #expect(m["committeeMeeting"]?.applies == false)
            let behind = try await ComplianceStore.behind(under: f.countyA.path, today: today, on: app.db)
            #expect(behind[mobile.id!] == 1)
        }
    }
}
