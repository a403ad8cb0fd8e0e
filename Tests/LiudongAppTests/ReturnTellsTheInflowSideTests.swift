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

    @Test(arguments: TestDatabase.all)
    func aConfirmedChangeOfDestinationTellsTheOldInflowOrganizationAndRestartsTheTimeToReport(db: TestDatabase)
        async throws
    {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let inflowClient = try await APIClient.signIn(app, "inflow", Fixture.password)
            let pairing = try await Mobile.pair(
                app, inflowClient, json: Mobile.pairingJSON(member: f.memberA, side: "inflow", org: f.external.code))
            let secretary = try await Fixture.user(app, "secretary")
            func confirmChange(_ extra: String) async throws {
                let res = try await SelfReportTests.post(
                    app,
                    #"{"kind":"change","orgCode":"\#(f.branchA.code)","name":"张建国","idNumber":"\#(Fixture.idA)",\#(extra)}"#
                )
                #expect(res.status == .created, "\(res.body.string)")
                let r = try #require(
                    try await SelfReport.query(on: app.db).filter(\.$kind == .change).filter(\.$status == .pending)
                        .first())
                try await ReviewActions.confirm(r, by: secretary, gate: app.writeGate, cipher: app.cipher, on: app.db)
            }
            // A new address at the same destination tells nobody.
            try await confirmChange(#""address":"望京街道新址8号""#)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == NoticeKind.left.rawValue).count() == 0)
            // He moves to 海淀区: 望京 is told, he leaves its lists, its pairing ends with the reason.
            try await confirmChange(#""destinationCode":"110108""#)
            let told = try await Notice.query(on: app.db).filter(\.$orgID == f.external.id!)
                .filter(\.$kind == NoticeKind.left.rawValue).all()
            #expect(told.map(\.title) == [ReviewRules.movedNotice(name: "张建国", on: AppClock.today, to: "北京市海淀区")])
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            #expect(!(try await inflow.get("/ledger/\(f.external.code)/inflow").body.string.contains("张建国")))
            let ended = try #require(try await Pairing.find(pairing, on: app.db))
            #expect(ended.endedOn == AppClock.today.description && ended.endReason?.contains("流向地变更") == true)
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(flow.status == .away && flow.inflowOrgID == nil && flow.movedOn == AppClock.today.description)
            // Left home 200 days ago, yet not 流出逾期未报到 until the time to report has passed since the move.
            let due = app.settings.arrivalDueDays
            _ = try await FlowService.sweep(
                today: AppClock.today.adding(days: due - 1), settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(try await Flow.find(flow.id, on: app.db)?.overdueSince == nil)
            _ = try await FlowService.sweep(
                today: AppClock.today.adding(days: due + 1), settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(try await Flow.find(flow.id, on: app.db)?.overdueSince != nil)
        }
    }
}
