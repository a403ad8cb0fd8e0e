import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// 两地互告: when a member's return home is confirmed, the inflow organization they reported to is told the same day,
/// the member leaves its lists and its pairing ends.
@Suite("Returns tell the inflow side")
struct ReturnTellsTheInflowSideTests {
    @Test(arguments: TestDatabase.all)
    func aConfirmedReturnIsToldToTheInflowOrganizationAndTakesTheMemberOffItsLists(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            // The inflow side pairs one of its cadres with him.
            let inflowClient = try await APIClient.signIn(app, "inflow", Fixture.password)
            let pairing = try await Mobile.pair(
                app, inflowClient, json: Mobile.pairingJSON(member: f.memberA, side: "inflow", org: f.external.code))
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            let ledger = "/ledger/\(f.external.code)/inflow"
            #expect(try await inflow.get(ledger).body.string.contains("张建国"))
            // He comes home; his branch confirms the return report.
            let res = try await SelfReportTests.post(
                app, #"{"kind":"return","orgCode":"\#(f.branchA.code)","name":"张建国","idNumber":"\#(Fixture.idA)"}"#)
            #expect(res.status == .created)
            let back = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .return).first())
            let secretary = try await Fixture.user(app, "secretary")
            try await ReviewActions.confirm(back, by: secretary, gate: app.writeGate, cipher: app.cipher, on: app.db)
            // The inflow organization is told, once, on its inbox; he is off its ledger; its pairing has ended.
            let told = try await Notice.query(on: app.db).filter(\.$orgID == f.external.id!)
                .filter(\.$kind == NoticeKind.left.rawValue).all()
            #expect(told.count == 1)
            #expect(told.first?.title == ReviewRules.returnedNotice(name: "张建国", on: AppClock.today))
            #expect(told.first?.link == ledger)
            #expect(try await inflow.get("/inbox").body.string.contains("张建国已于"))
            #expect(!(try await inflow.get(ledger).body.string.contains("张建国")))
            let ended = try #require(try await Pairing.find(pairing, on: app.db))
            #expect(ended.endedOn == AppClock.today.description && ended.endReason?.contains("流动结束") == true)
            // A return of a member who never reported anywhere tells nobody.
            try await Mobile.open(app, f.memberB)
            _ = try await SelfReportTests.post(
                app, #"{"kind":"return","orgCode":"\#(f.branchB.code)","name":"王海涛","idNumber":"\#(Fixture.idB)"}"#)
            let home = try #require(
                try await SelfReport.query(on: app.db).filter(\.$kind == .return).filter(\.$name == "王海涛").first())
            try await ReviewActions.confirm(
                home, by: try await Fixture.user(app, "countyb"), gate: app.writeGate, cipher: app.cipher, on: app.db)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == NoticeKind.left.rawValue).count() == 1)
        }
    }
}
