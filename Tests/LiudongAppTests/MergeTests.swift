import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("重复登记合并: every dependent row moves to the kept entry, and back within 30 days")
struct MergeTests {
    @Test(arguments: TestDatabase.all)
    func aMergeMovesEveryDependentRowAndIsUndone(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // 张建国 registered a second time in 西城村 with a mistyped number; that entry has the flow and the pairing.
            let typo = IDNumber.make(
                division: "150422", birth: CalendarDate(f.memberA.birthDate)!, sequence: 901, sex: .male)
            let twin = try await MemberService.create(
                MemberForm(
                    name: "张建国", sex: "male", ethnicity: "汉族", birthDate: f.memberA.birthDate, idNumber: typo,
                    education: "college", category: "full", joinedOn: "2010-07-01", fullOn: "2011-07-01",
                    orgCode: f.branchA2.code, phone: nil, household: nil, residence: nil, employer: nil,
                    isMigrantWorker: "1"),
                by: try await Fixture.user(app, "admin"), cipher: app.cipher, on: app.db)
            let flow = try await Mobile.open(app, twin)
            let committee = try await APIClient.signIn(app, "committee", Fixture.password)
            let pairing = try await Mobile.pair(
                app, committee, json: Mobile.pairingJSON(member: twin, org: f.branchA2.code))
            let events = try await MemberEvent.query(on: app.db).filter(\.$memberID == twin.id!).count()
            #expect(events > 0)

            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let page = try await county.get("/roster/duplicates").body.string
            #expect(page.contains("东城村党支部") && page.contains("西城村党支部"))
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/roster/duplicates").status == .forbidden)

            // Without a reason nothing happens; with one, 西城村's entry is merged into 东城村's.
            let form = ["a": f.memberA.id!.uuidString, "b": twin.id!.uuidString, "keep": f.memberA.id!.uuidString]
            _ = try await county.post("/roster/duplicates/merge", form: form)
            #expect(try await Member.find(twin.id, on: app.db)?.rosterState == nil)
            _ = try await county.post("/roster/duplicates/merge", form: form.merging(["reason": "核对户籍确认为同一人"]) { $1 })
            let kept = try #require(try await Member.find(f.memberA.id, on: app.db))
            let dropped = try #require(try await Member.find(twin.id, on: app.db))
            #expect(dropped.rosterState == RosterState.merged.rawValue && kept.flowStatus == FlowState.away.rawValue)
            #expect(try await Flow.find(flow.id, on: app.db)?.memberID == kept.id)
            #expect(try await Pairing.find(pairing, on: app.db)?.memberID == kept.id)
            // Only the merge line stays with the dropped entry.
            #expect(try await MemberEvent.query(on: app.db).filter(\.$memberID == twin.id!).count() == 1)
            let g = try #require(try await MemberMerge.query(on: app.db).first())
            #expect(g.keptHash == kept.idNumberHash && g.droppedHash == dropped.idNumberHash)
            struct Page: Decodable {
                struct M: Decodable { var name: String }
                var items: [M]
            }
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            #expect(
                try await api.get("/api/v1/members").content.decode(Page.self).items.filter { $0.name == "张建国" }.count
                    == 1)

            // Undone: every row back, both entries as before.
            _ = try await county.post("/roster/merges/\(g.id!.uuidString)/undo", form: [:])
            #expect(try await Flow.find(flow.id, on: app.db)?.memberID == twin.id)
            #expect(try await Pairing.find(pairing, on: app.db)?.memberID == twin.id)
            #expect(try await Member.find(twin.id, on: app.db)?.rosterState == nil)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.flowStatus == nil)
            #expect(try await MemberEvent.query(on: app.db).filter(\.$memberID == twin.id!).count() == events + 2)
            // A second merge, 31 days old, can no longer be undone.
            _ = try await county.post("/roster/duplicates/merge", form: form.merging(["reason": "再次核对确认"]) { $1 })
            let again = try #require(try await MemberMerge.query(on: app.db).filter(\.$undoneOn == nil).first())
            again.mergedOn = AppClock.today.adding(days: -31).description
            try await again.update(on: app.db)
            _ = try await county.post("/roster/merges/\(again.id!.uuidString)/undo", form: [:])
            #expect(try await MemberMerge.find(again.id, on: app.db)?.undoneOn == nil)
        }
    }
}
