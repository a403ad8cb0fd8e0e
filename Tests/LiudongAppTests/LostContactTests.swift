import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("失联党员: the search log, signs of life ending a case, the committee's proposal after the period")
struct LostContactTests {
    @Test(arguments: TestDatabase.all)
    func signsOfLifeEndACaseAndTheCommitteeIsAskedAfterThePeriod(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // 张建国 a candidate: silent for seven months.
            let a = try await Mobile.open(app, f.memberA)
            a.lastContactOn = AppClock.today.adding(days: -210).description
            a.lostCandidateSince = AppClock.today.adding(days: -20).description
            try await a.update(on: app.db)
            // 王海涛 confirmed lost eight months ago.
            let b = try await Mobile.open(app, f.memberB)
            b.status = .lost
            b.lastContactOn = AppClock.today.adding(days: -440).description
            b.lostCandidateSince = AppClock.today.adding(days: -240).description
            try await b.update(on: app.db)
            f.memberB.flowStatus = FlowState.lost.rawValue
            try await f.memberB.update(on: app.db)

            // He signs in on his phone: contact today, the candidacy over, the branch told.
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            let back = try #require(try await Flow.find(a.id, on: app.db))
            #expect(back.lostCandidateSince == nil && back.lastContactOn == AppClock.today.description)
            #expect(
                try await Notice.query(on: app.db).filter(\.$orgID == f.branchA.id!).all().contains {
                    $0.title.contains("有了音讯（登录手机端）")
                })

            // Three tries logged for 王海涛: the county is asked to decide; the page says so.
            var county = Browser(app)
            try await county.signIn("countyb", Fixture.password)
            let countyUser = try await Fixture.user(app, "countyb")
            func proposed() async throws -> Int? {
                try await Worklist.compute(for: countyUser, on: app.db, settings: app.settings)
                    .first { $0.kind == "lostContactProposal" }?.total
            }
            _ = try await county.get("/lost-contact")
            let id = f.memberB.id!.uuidString
            #expect(
                try await county.post("/members/\(id)/searches", form: ["method": "guess", "on": "", "result": ""])
                    .status == .seeOther)
            #expect(try await LostSearch.query(on: app.db).count() == 0)
            for (method, result) in [("phone", "电话停机"), ("family", "家属不知去向"), ("employer", "单位称已离职")] {
                #expect(try await proposed() == nil)
                _ = try await county.post(
                    "/members/\(id)/searches",
                    form: ["method": method, "on": AppClock.today.description, "result": result])
            }
            #expect(try await proposed() == 1)
            #expect(try await county.get("/lost-contact").body.string.contains("请党委研究：停止党籍或继续查找"))
            // A branch account is never asked.
            #expect(
                try await Worklist.compute(
                    for: try await Fixture.user(app, "secretaryb"), on: app.db, settings: app.settings
                ).first { $0.kind == "lostContactProposal" } == nil)
            // A try that finds him ends the case: back as away, off the proposal.
            _ = try await county.post(
                "/members/\(id)/searches",
                form: ["method": "inflowOrg", "on": AppClock.today.description, "result": "在天津找到本人", "found": "1"])
            let found = try #require(try await Flow.find(b.id, on: app.db))
            #expect(found.status == .away && found.lostCandidateSince == nil)
            #expect(try await proposed() == nil)
        }
    }
}
