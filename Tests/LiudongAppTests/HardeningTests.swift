import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// The hardening issue, item by item: what a stranger or an unlucky file could do before, answered now.
@Suite("Hardening: no request kills the server, nothing leaks")
struct HardeningTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../LiudongCoreTests/Fixtures/fuzz-regressions").standardized

    static func healthy(_ app: Application) async throws -> Bool {
        try await app.testing().sendRequest(.GET, "/healthz").status == .ok
    }

    @Test(arguments: TestDatabase.all)
    func requestParametersGetA400NeverATrap(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            // Each of these once reached a force unwrap or went unchecked.
            for path in [
                "/ledger/150422/changes?to=1900Q1", "/ledger/150422/changes?to=99999Q1",
                "/ledger/150422?quarter=2026Q9", "/ledger/150422/export?quarter=0000Q1",
                "/reconcile/150422?quarter=abc", "/imports?quarter=9999Q5", "/ledger/150422?page=99999999999999999999",
            ] {
                let res = try await county.get(path)
                #expect(res.status == .badRequest, "\(path): \(res.status)")
                #expect(
                    res.body.string.contains("季度") || res.body.string.contains("格式")
                        || res.body.string.contains("之前没有季度"), "\(path)")
            }
            #expect(try await county.get("/ledger/150422/changes?from=1900Q1&to=1900Q1").status == .ok)
            #expect(try await county.get("/ledger/150422/changes?from=9999Q4&to=9999Q4").status == .ok)
            #expect(try await county.get("/members?page=9223372036854775807").status == .ok)
            #expect(try await county.get("/ledger/150422?page=9223372036854775807").status == .ok)
            #expect(try await Self.healthy(app))
        }
    }

    @Test(arguments: TestDatabase.all)
    func hostileUploadsBecomeRejectedImportsAndTheServerKeepsServing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            try await county.get("/imports")
            let expected = [
                "overflowing-cell-reference.xlsx": "单元格引用", "far-right-column.xlsx": "单元格引用", "zip-bomb.xlsx": "上限",
                "nan-and-huge-dates.xlsx": "出生日期",
            ]
            for (name, phrase) in expected {
                let data = try Data(contentsOf: Self.regressions.appendingPathComponent(name))
                let posted = try await county.upload(
                    "/imports", form: ["kind": "national", "quarter": AppClock.quarter.description],
                    file: ("file", name, data))
                #expect(posted.status == .seeOther, "\(name)")
                let jobPath = try #require(posted.headers.first(name: .location))
                var page = ""
                try await eventually {
                    page = try await county.get(jobPath).body.string
                    return page.contains("class=\"error\"") || page.contains("试导入结果")
                }
                #expect(page.contains(phrase), "\(name): \(page.prefix(2000))")
                #expect(!page.contains("Error(") && !page.contains("Problem."), "\(name) shows Swift error text")
                #expect(try await Self.healthy(app), "\(name)")
            }
            // Uploads live in the file store, sealed; the failed ones are gone at once, the checked one stays until
            // applied or discarded. No node keeps a copy on its disk once a run is over.
            let stored = try await (app.db as! SQLDatabase).raw(
                "SELECT count(*) AS n FROM stored_files WHERE sha256 IS NOT NULL"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(stored == 1, "only the checked file stays until applied or discarded")
            let dir = app.settings.varDirectory + "/private/imports"
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func applyingTwiceAppliesOnceAndAbandoningDeletesTheFile(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let file = try await app.files.put(Data("姓名\n".utf8), on: app.db)
            let job = ImportJob(
                id: UUID(), accountID: UUID(), kind: .national, orgID: nil, quarter: AppClock.quarter,
                fileName: "t.csv", fileSHA256: file.sha256, scopePath: "/", scopeCode: "150400", username: "county",
                phase: .checked)
            try await ImportJobStore.create(job, on: app.db)
            let db = app.db
            async let first = ImportJobStore.advance(job.id, from: .checked, to: .applying, username: "a", on: db)
            async let second = ImportJobStore.advance(job.id, from: .checked, to: .applying, username: "b", on: db)
            let results = try await [first, second]
            #expect(results.filter { $0 }.count == 1)
            // A running job cannot be discarded; a checked one can, and its file leaves the store.
            #expect(try await ImportJobStore.discard(job.id, on: db).done == false)
            _ = try await (db as! SQLDatabase).raw(
                "UPDATE import_jobs SET phase = 'checked' WHERE id = \(bind: job.id)"
            )
            .run()
            let (done, sha) = try await ImportJobStore.discard(job.id, on: db)
            #expect(done && sha == file.sha256)
            try await app.files.removeIfUnreferenced(file.sha256, app)
            #expect(try await ImportJobStore.find(job.id, cipher: app.cipher, on: db) == nil)
            #expect(try await !app.files.exists(file.sha256, on: db))
        }
    }

    /// The public answer to a report: status, and the error's code, message and fields (a receipt differs by design).
    static func publicAnswer(_ res: TestingHTTPResponse) -> String {
        guard let e = try? res.content.decode(APIErrorBody.self) else { return "\(res.status.code)" }
        return
            "\(res.status.code) \(e.error.code) \(e.error.message) \(e.error.fields.map { "\($0.field)=\($0.message)" })"
    }

    @Test(arguments: TestDatabase.all)
    func theSelfReportAnswerDoesNotDependOnWhetherTheIDIsOnTheRoster(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let stranger = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1985, month: 3, day: 14)!, sequence: 99, sex: .male)
            // A wrong name and a wrong code: the same status, fields and message for a member and a stranger.
            for org in ["NOPE", f.branchA.code] {
                let member = try await SelfReportTests.post(
                    app, SelfReportTests.outflowJSON(org: org, name: "别人", id: Fixture.idA))
                let other = try await SelfReportTests.post(
                    app, SelfReportTests.outflowJSON(org: org, name: "别人", id: stranger))
                #expect(Self.publicAnswer(member) == Self.publicAnswer(other), "\(org)")
            }
            // The phone page too.
            var phone = Browser(app)
            try await phone.get("/r/NOPE")
            let a = try await phone.post(
                "/r/\(f.branchA.code)", form: ["kind": "outflow", "name": "别人", "idNumber": Fixture.idA])
            let b = try await phone.post(
                "/r/\(f.branchA.code)", form: ["kind": "outflow", "name": "别人", "idNumber": stranger])
            #expect(a.status == b.status)
        }
    }

    @Test(arguments: TestDatabase.all)
    func bogusReportsWithSomeonesIDDoNotBlockTheirOwnReport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let limit = app.settings.reportsPerIDPerHour
            for i in 0..<(limit + 5) {
                let res = try await SelfReportTests.post(
                    app,
                    SelfReportTests.outflowJSON(
                        org: f.branchA.code, name: "冒名\(i % 3)",
                        phone: "1390476\(String(format: "%04d", i))"))
                #expect(res.status != .internalServerError)
            }
            let own = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            #expect(own.status == .created, "\(own.body.string)")
            // The person's own reports still stop at the limit.
            var last = own.status
            for i in 0..<limit {
                last = try await SelfReportTests.post(
                    app, SelfReportTests.outflowJSON(org: f.branchA.code, phone: "1380476\(String(format: "%04d", i))")
                ).status
            }
            #expect(last == .tooManyRequests)
        }
    }

    @Test(arguments: TestDatabase.all)
    func csvExportsNeutraliseFormulasFromPublicReports(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // An address typed into the public form, as a spreadsheet formula.
            let json = SelfReportTests.outflowJSON(org: f.branchA.code).replacingOccurrences(
                of: "望京街道100号", with: "=HYPERLINK(\\\"http://evil\\\",\\\"点我\\\")")
            #expect(try await SelfReportTests.post(app, json).status == .created)
            let report = try #require(try await SelfReport.query(on: app.db).first())
            try await ReviewActions.confirm(
                report, by: try await Fixture.user(app, "secretary"), gate: app.writeGate, cipher: app.cipher,
                on: app.db)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let csv = try await county.get("/ledger/1504220101/export?format=csv").body.string
            #expect(csv.contains("'=HYPERLINK"), "\(csv.prefix(600))")
            #expect(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aShortBranchNameTwoCountiesShareIsSettledByTheRoster(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // County B has a 东城村党支部 too.
            _ = try await Fixture.org(
                "1504020102", "东城村党支部", .branch, parent: f.committeeB, division: "150402", on: app.db)
            let stranger = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1970, month: 1, day: 1)!, sequence: 77, sex: .male)
            let file = try ReconciliationTests.write(
                "姓名,公民身份号码,所在党支部\n张建国,\(Fixture.idA),东城村党支部\n某人,\(stranger),东城村党支部\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            // The whole tree (the command line without --org): the member's own branch is taken, the stranger stays ambiguous.
            let whole = try await NationalImportService.run(
                path: file, fileName: "n.csv", quarter: AppClock.quarter, scopePath: f.city.path,
                scopeCode: f.city.code,
                username: "cli", apply: false, cipher: app.cipher, gate: app.writeGate, on: app.db)
            #expect(
                whole.new == 1 && whole.rejected.map(\.row) == [3]
                    && whole.rejected.first?.reason.contains("对应多个党组织") == true)
            // With the importing county (--org 150422), both rows name its own branch.
            let county = try await NationalImportService.run(
                path: file, fileName: "n.csv", quarter: AppClock.quarter, scopePath: f.countyA.path,
                scopeCode: f.countyA.code, username: "cli", apply: true, cipher: app.cipher,
                gate: app.writeGate, on: app.db)
            #expect(county.new == 2 && county.rejectedTotal == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func publicPagesListNoTreeAndAreThrottledAndImportsListOnlyTheScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // The inflow organization's page: arrival only, no list of our branches.
            let page = try await app.testing().sendRequest(.GET, "/r/\(f.external.code)").body.string
            #expect(
                page.contains("到达报到") && !page.contains("东城村党支部") && !page.contains("长青社区党支部")
                    && !page.contains("value=\"outflow\""))
            // A committee's page lists its own branches only.
            let committee = try await app.testing().sendRequest(.GET, "/r/\(f.committeeA.code)").body.string
            #expect(committee.contains("东城村党支部") && !committee.contains("长青社区党支部"))
            // County A's import is not in county B's list.
            let header = "姓名,公民身份号码,所在党支部\n"
            let file = try ReconciliationTests.write(header + "张建国,\(Fixture.idA),东城村党支部\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let a = try await Fixture.user(app, "county")
            _ = try await NationalImportService.run(
                path: file, fileName: "县A的文件.csv", quarter: AppClock.quarter, scopePath: a.scopePath,
                scopeCode: a.scopeCode,
                username: a.username, apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
            var countyA = Browser(app), countyB = Browser(app)
            try await countyA.signIn("county", Fixture.password)
            try await countyB.signIn("countyb", Fixture.password)
            #expect(try await countyA.get("/imports").body.string.contains("县A的文件.csv"))
            #expect(!(try await countyB.get("/imports").body.string.contains("县A的文件.csv")))
            // Page views are counted per client too.
            // (A client of its own behind the trusted proxy: the window starts with these requests, whatever came
            // before.)
            app.settings.trustProxy = true
            app.settings.publicViewsPerClientPerMinute = 5
            var codes: [UInt] = []
            for _ in 0..<8 {
                codes.append(
                    try await app.testing().sendRequest(
                        .GET, "/r/\(f.branchA.code)", headers: ["X-Forwarded-For": "10.8.8.8"]
                    ).status.code)
            }
            #expect(codes.contains(429))
        }
    }

    @Test(arguments: TestDatabase.all)
    func perNodeServicesExistBeforeTheFirstRequest(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // Made by configure, not lazily by whichever request comes first (two could each make their own).
            #expect(app.nodeServicesMade)
            let gate = app.writeGate, limiter = app.rateLimiter
            async let a = Task { app.writeGate === gate && app.rateLimiter === limiter }.value
            async let b = Task { app.writeGate === gate && app.rateLimiter === limiter }.value
            #expect(await [a, b] == [true, true])
        }
    }
}
