import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("全国系统待录入: each change made here is a line until staff tick it or a later import shows it")
struct NationalTodoTests {
    struct Items: Decodable {
        struct Item: Decodable {
            var id: UUID
            var name: String
            var change: String
            var overdue: Bool
        }
        var items: [Item]
    }

    @Test(arguments: TestDatabase.all)
    func linesAreWrittenTickedByStaffAndByTheNextImport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // A leaving report confirmed: 流出登记 to enter.
            let res = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            #expect(res.status == .created, "\(res.body.string)")
            let report = try #require(try await SelfReport.query(on: app.db).first())
            let secretary = try await Fixture.user(app, "secretary")
            try await ReviewActions.confirm(report, by: secretary, gate: app.writeGate, cipher: app.cipher, on: app.db)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            var open = try await county.get("/api/v1/national-todo?state=open").content.decode(Items.self).items
            #expect(open.map(\.change) == ["outflow"] && open[0].name == "张建国" && !open[0].overdue)
            // Open more than 30 days: overdue on the worklist.
            let work = try await Worklist.compute(
                for: secretary, on: app.db, settings: app.settings, today: AppClock.today.adding(days: 31))
            #expect(work.first { $0.kind == "nationalTodo" }?.overdue.values.reduce(0, +) == 1)

            // Staff tick it with the day it was entered.
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            #expect(try await browser.get("/national-todo").body.string.contains("流出登记"))
            _ = try await browser.post(
                "/national-todo/\(open[0].id.uuidString)/done", form: ["on": AppClock.today.adding(days: 1).description]
            )
            #expect(try await NationalTodo.find(open[0].id, on: app.db)?.doneOn == nil)  // not a day in the future
            _ = try await browser.post(
                "/national-todo/\(open[0].id.uuidString)/done", form: ["on": AppClock.today.description])
            #expect(try await NationalTodo.find(open[0].id, on: app.db)?.doneBy == "secretary")

            // His return, and 李秀英's death: two more lines; the next import of the county shows both.
            try await ExitActions.record(
                try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first()), kind: .death,
                on: AppClock.today, org: f.committeeA.id!, reason: "病故", transfer: nil, by: "committee", on: app.db)
            let back = try await SelfReportTests.post(
                app, #"{"kind":"return","orgCode":"\#(f.branchA.code)","name":"张建国","idNumber":"\#(Fixture.idA)"}"#)
            #expect(back.status == .created)
            let ret = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .return).first())
            try await ReviewActions.confirm(ret, by: secretary, gate: app.writeGate, cipher: app.cipher, on: app.db)
            open = try await county.get("/api/v1/national-todo").content.decode(Items.self).items
            #expect(Set(open.map(\.change)) == ["return", "exit"])
            // The export lists 张建国, not mobile, and no longer 李秀英.
            let file = try ReconciliationTests.write("姓名,公民身份号码,所在党支部,是否流动\n张建国,\(Fixture.idA),东城村党支部,否\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let summary = try await NationalImportService.run(
                path: file, fileName: "n.csv", quarter: AppClock.quarter, scopePath: f.countyA.path,
                scopeCode: f.countyA.code, username: "county", apply: true, cipher: app.cipher, gate: app.writeGate,
                on: app.db)
            #expect(summary.nationalTodosTicked == 2)
            #expect(try await county.get("/api/v1/national-todo").content.decode(Items.self).items.isEmpty)
            let done = try await NationalTodo.query(on: app.db).filter(\.$doneBy == "全国系统导入").count()
            #expect(done == 2)
            #expect(try await county.get("/api/v1/national-todo?state=bogus").status == .unprocessableEntity)
        }
    }
}
