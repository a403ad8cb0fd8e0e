import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// 返乡预报 and study delivered home (issue 27 item 6): members home for the holidays are expected without closing
/// their flow, the session adds anyone mobile in the branch, and a held session is organizational life.
@Suite("Study delivered home: 返乡预报 and sessions as organizational life")
struct HomeVisitTests {
    @Test(arguments: TestDatabase.all)
    func aMemberSaysTheyAreHomeAndTheSessionCountsAsOrganizationalLife(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            // Two mobile members of branch A, neither with a return on record; the second never said anything.
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let quiet = try await NetworkTests.member(app, "王静", sequence: 620, branch: f.branchA)
            try await Mobile.open(app, quiet)
            let season = try await StudyAtHomeActions.createSeason(
                name: "春节集中返乡", startsOn: today.adding(days: -5).description,
                endsOn: today.adding(days: 20).description,
                as: .staff(try await Fixture.user(app, "county"), today: today, on: app.db))

            // The member on the phone: a bad 预报 is refused field by field, a good one kept; the flow stays open.
            var phone = Browser(app)
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            #expect(try await phone.get("/my").body.string.contains("填写返乡预报"))
            _ = try await phone.get("/my/home-visits")
            _ = try await phone.post(
                "/my/home-visits", form: ["from": today.description, "to": today.adding(days: -1).description])
            #expect(try await HomeVisit.query(on: app.db).count() == 0)
            _ = try await phone.post(
                "/my/home-visits",
                form: [
                    "from": today.adding(days: -2).description, "to": today.adding(days: 12).description,
                    "place": "林东镇富河村",
                ])
            #expect(try await HomeVisit.query(on: app.db).count() == 1)
            #expect(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first()?.status == .arrived)

            // The branch expects the member (返乡预报), and may add the other mobile member.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let page = try await secretary.get("/home-study?org=\(f.branchA.code)&season=\(season.id!.uuidString)")
                .body.string
            let expected = try #require(
                page.components(separatedBy: "id=\"expected-list\"").last?
                    .components(separatedBy: "</ul>").first)
            #expect(expected.contains("张建国") && expected.contains("返乡预报") && !expected.contains("王静"))
            #expect(page.contains("r_\(quiet.id!.uuidString)"))
            func silent() async throws -> Int {
                try await ComplianceStore.sixMonthCounts(
                    under: f.branchA.path, today: today, on: app.db as! SQLDatabase)[
                        f.branchA.id!] ?? 0
            }
            let before = try await silent()
            // Not in the future; then held today with both.
            let form: [String: String] = [
                "org": f.branchA.code, "season": season.id!.uuidString, "place": "村党员活动室", "topic": "学习党章",
                "r_\(f.memberA.id!.uuidString)": "on", "r_\(quiet.id!.uuidString)": "on",
            ]
            var future = form
            future["onDay"] = today.adding(days: 1).description
            _ = try await secretary.post("/home-study/sessions", form: future)
            #expect(try await HomeStudySession.query(on: app.db).count() == 0)
            var held = form
            held["onDay"] = today.description
            #expect(try await secretary.post("/home-study/sessions", form: held).status == .seeOther)
            let session = try #require(try await HomeStudySession.query(on: app.db).first())
            let event = try #require(try await OrgLifeEvent.find(session.eventID, on: app.db))
            #expect(event.kind == .talk && event.orgID == f.branchA.id && event.heldOn == today.description)
            let present = try await OrgLifeAttendance.query(on: app.db).filter(\.$eventID == event.id!).all()
            #expect(
                Set(present.map(\.memberID)) == [f.memberA.id!, quiet.id!]
                    && present.allSatisfy { $0.status == .present })
            // The six-month alert clears for both.
            #expect(try await silent() == before - 2)

            // The county reads reached ÷ home per branch.
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let reach = try await county.get("/home-study/reach?org=\(f.countyA.code)&season=\(season.id!.uuidString)")
                .body.string
            #expect(reach.contains("2/2（100%）"))
        }
    }
}
