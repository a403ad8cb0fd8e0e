import Fluent
import Foundation
@testable import LiudongApp
import LiudongCore
import SQLKit
import Testing
import VaporTesting

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
            for path in ["/ledger/150422/changes?to=1900Q1", "/ledger/150422/changes?to=99999Q1", "/ledger/150422?quarter=2026Q9", "/ledger/150422/export?quarter=0000Q1",
                         "/reconcile/150422?quarter=abc", "/imports?quarter=9999Q5", "/ledger/150422?page=99999999999999999999"] {
                let res = try await county.get(path)
                #expect(res.status == .badRequest, "\(path): \(res.status)")
                #expect(res.body.string.contains("季度") || res.body.string.contains("格式") || res.body.string.contains("之前没有季度"), "\(path)")
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
            let expected = ["overflowing-cell-reference.xlsx": "单元格引用", "far-right-column.xlsx": "单元格引用", "zip-bomb.xlsx": "上限",
                            "nan-and-huge-dates.xlsx": "出生日期"]
            for (name, phrase) in expected {
                let data = try Data(contentsOf: Self.regressions.appendingPathComponent(name))
                let posted = try await county.upload("/imports", form: ["kind": "national", "quarter": Quarter.current().description],
                                                     file: ("file", name, data))
                #expect(posted.status == .seeOther, "\(name)")
                let jobPath = try #require(posted.headers.first(name: .location))
                var page = ""
                for _ in 0..<200 {
                    page = try await county.get(jobPath).body.string
                    if page.contains("class=\"error\"") || page.contains("试导入结果") { break }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
                #expect(page.contains(phrase), "\(name): \(page.prefix(2000))")
                #expect(!page.contains("Error(") && !page.contains("Problem."), "\(name) shows Swift error text")
                #expect(try await Self.healthy(app), "\(name)")
            }
            // Files holding personal data are private (0600 in a 0700 folder) and the failed ones are gone.
            let dir = app.settings.varDirectory + "/private/imports"
            let attributes = try FileManager.default.attributesOfItem(atPath: dir)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
            let left = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(left.count == 1, "only the checked file stays until applied or discarded: \(left)")
            for name in left {
                #expect((try FileManager.default.attributesOfItem(atPath: dir + "/" + name)[.posixPermissions] as? Int) == 0o600)
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func applyingTwiceAppliesOnceAndAbandoningDeletesTheFile(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let jobs = app.importJobs
            let path = try PrivateFiles.write(Data("x".utf8), app, "imports", name: "t.upload")
            let job = ImportJobs.Job(id: UUID(), accountID: UUID(), kind: "national", orgID: nil, quarter: .current(), fileName: "t.csv",
                                     path: path, scopePath: "/", scopeCode: "150400", phase: .checked)
            jobs.add(job)
            async let first = Task { jobs.begin(job.id, from: .checked, to: .applying) }.value
            async let second = Task { jobs.begin(job.id, from: .checked, to: .applying) }.value
            let results = await [first, second]
            #expect(results.filter { $0 }.count == 1)
            jobs.update(job.id) { $0.phase = .checked }
            jobs.discard(job.id)
            #expect(jobs.get(job.id) == nil)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// The public answer to a report: status, and the error's code, message and fields (a receipt differs by design).
    static func publicAnswer(_ res: TestingHTTPResponse) -> String {
        guard let e = try? res.content.decode(APIErrorBody.self) else { return "\(res.status.code)" }
        return "\(res.status.code) \(e.error.code) \(e.error.message) \(e.error.fields.map { "\($0.field)=\($0.message)" })"
    }

    @Test(arguments: TestDatabase.all)
    func theSelfReportAnswerDoesNotDependOnWhetherTheIDIsOnTheRoster(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let stranger = IDNumber.make(division: "150422", birth: CalendarDate(year: 1985, month: 3, day: 14)!, sequence: 99, sex: .male)
            // A wrong name and a wrong code: the same status, fields and message for a member and a stranger.
            for org in ["NOPE", f.branchA.code] {
                let member = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: org, name: "别人", id: Fixture.idA))
                let other = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: org, name: "别人", id: stranger))
                #expect(Self.publicAnswer(member) == Self.publicAnswer(other), "\(org)")
            }
            // The phone page too.
            var phone = Browser(app)
            try await phone.get("/r/NOPE")
            let a = try await phone.post("/r/\(f.branchA.code)", form: ["kind": "outflow", "name": "别人", "idNumber": Fixture.idA])
            let b = try await phone.post("/r/\(f.branchA.code)", form: ["kind": "outflow", "name": "别人", "idNumber": stranger])
            #expect(a.status == b.status)
        }
    }

    @Test(arguments: TestDatabase.all)
    func bogusReportsWithSomeonesIDDoNotBlockTheirOwnReport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let limit = app.settings.reportsPerIDPerHour
            for i in 0..<(limit + 5) {
                let res = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code, name: "冒名\(i % 3)",
                                                                                       phone: "1390476\(String(format: "%04d", i))"))
                #expect(res.status != .internalServerError)
            }
            let own = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            #expect(own.status == .created, "\(own.body.string)")
            // The person's own reports still stop at the limit.
            var last = own.status
            for i in 0..<limit { last = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code, phone: "1380476\(String(format: "%04d", i))")).status }
            #expect(last == .tooManyRequests)
        }
    }

    @Test func onlyLocalPathsAreRedirectTargets() {
        for bad in ["/\t/evil.example", "/%09/evil.example".removingPercentEncoding!, "//evil.example", "/\\evil.example", "https://evil.example",
                    "/\n/evil.example", "/\r\n//evil.example", "/ /evil.example", "/\u{3000}/evil", "/a\\b", nil, ""] {
            #expect(LocalPath.safe(bad) == "/", "\(String(describing: bad))")
        }
        #expect(LocalPath.safe("/ledger/150422?quarter=2026Q3") == "/ledger/150422?quarter=2026Q3")
        #expect(LocalPath.safe("/reconcile/150422", fallback: "/reconcile") == "/reconcile/150422")
    }

    @Test(arguments: TestDatabase.all)
    func signInIsThrottledAndTellsNothing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            // The next after a tab-bearing redirect target lands on this site.
            var b = Browser(app)
            try await b.get("/login")
            let signed = try await b.post("/login", form: ["username": "county", "password": Fixture.password, "next": "/\t/evil.example"])
            #expect(signed.headers.first(name: .location) == "/")
            // A disabled account gets the wrong-password message.
            let disabled = try #require(try await Account.query(on: app.db).filter(\.$username == "countyb").first())
            disabled.disabledAt = Date()
            try await disabled.update(on: app.db)
            var c = Browser(app)
            try await c.get("/login")
            let d = try await c.post("/login", form: ["username": "countyb", "password": Fixture.password]).body.string
            let w = try await c.post("/login", form: ["username": "committee", "password": "wrong-password"]).body.string
            #expect(d.contains(AuthService.wrongPassword) && w.contains(AuthService.wrongPassword) && !d.contains("停用"))
            // Per client: past the limit, 429 before any password is checked.
            app.settings.signInsPerClientPerMinute = 6   // three attempts above already counted
            let api: (String) async throws -> TestingHTTPResponse = { user in
                try await app.testing().sendRequest(.POST, "/api/v1/session", headers: ["Content-Type": "application/json", "X-Forwarded-For": "10.9.9.9"],
                                                    body: ByteBuffer(string: #"{"username":"\#(user)","password":"nope"}"#))
            }
            var statuses: [UInt] = []
            for i in 0..<5 { statuses.append(try await api("nobody\(i)").status.code) }
            #expect(statuses.contains(429) && statuses.first == 401, "\(statuses)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func parallelWrongPasswordsAllCountTowardsTheLockout(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let settings = app.settings
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<settings.lockoutAttempts {
                    group.addTask {
                        _ = try? await AuthService.signIn(username: "committee", password: "wrong-password", settings: settings, client: "t", on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "committee").first())
            #expect((account.lockedUntil ?? .distantPast) > Date())
        }
    }

    @Test(arguments: TestDatabase.all)
    func signingOutRevokesTheTokenAndAPasswordChangeEndsOtherSessions(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            #expect(try await api.get("/api/v1/members").status == .ok)
            var h = HTTPHeaders()
            h.bearerAuthorization = .init(token: api.token ?? "")
            #expect(try await app.testing().sendRequest(.DELETE, "/api/v1/session", headers: h).status == .noContent)
            #expect(try await api.get("/api/v1/members").status == .unauthorized)

            var here = Browser(app), there = Browser(app)
            try await here.signIn("county", Fixture.password)
            try await there.signIn("county", Fixture.password)
            #expect(try await there.get("/ledger/150422").status == .ok)
            try await here.get("/password")
            let changed = try await here.post("/password", form: ["current": Fixture.password, "password": "new-pass-2026!", "confirm": "new-pass-2026!"])
            #expect(changed.status == .seeOther)
            #expect(try await here.get("/ledger/150422").status == .ok)
            let other = try await there.get("/ledger/150422")
            #expect(other.status == .seeOther && other.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func csrfRefusesBeforeReadingAnUploadBody(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var h = HTTPHeaders()
            h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=x")
            let body = ByteBuffer(string: "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + String(repeating: "a", count: 2 << 20) + "\r\n--x--\r\n")
            for path in ["/imports", "/imports-x", "/imports/anything"] {
                let res = try await app.testing().sendRequest(.POST, path, headers: h, body: body)
                #expect(res.status == .forbidden || res.status == .payloadTooLarge, "\(path): \(res.status)")
            }
            #expect(try await Self.healthy(app))
        }
    }

    @Test(arguments: TestDatabase.all)
    func csvExportsNeutraliseFormulasFromPublicReports(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // An address typed into the public form, as a spreadsheet formula.
            let json = SelfReportTests.outflowJSON(org: f.branchA.code).replacingOccurrences(of: "望京街道100号", with: "=HYPERLINK(\\\"http://evil\\\",\\\"点我\\\")")
            #expect(try await SelfReportTests.post(app, json).status == .created)
            let report = try #require(try await SelfReport.query(on: app.db).first())
            try await ReviewService.confirm(report, by: try await Fixture.user(app, "secretary"), gate: app.writeGate, cipher: app.cipher, on: app.db)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let csv = try await county.get("/ledger/1504220101/export?format=csv").body.string
            #expect(csv.contains("'=HYPERLINK"), "\(csv.prefix(600))")
            #expect(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func anInflowAccountCannotClaimAMemberByConfirmingAnArrival(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let inflow = try await Fixture.user(app, "inflow")
            // Someone reports member B (who has not left) as arrived at the inflow organization, with another phone.
            let posted = try await SelfReportTests.post(app, """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"王海涛","idNumber":"\(Fixture.idB)","phone":"13700000000"}
                """)
            #expect(posted.status == .created)
            let report = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .arrival).first())
            let outcome = try await ReviewService.confirm(try await ReviewService.find(report.id!, for: inflow, on: app.db), by: inflow,
                                                          gate: app.writeGate, cipher: app.cipher, on: app.db)
            #expect(outcome == .handedToHome)
            #expect(try await Flow.query(on: app.db).filter(\.$memberID == f.memberB.id!).count() == 0)
            #expect(try await Member.find(f.memberB.id, on: app.db)?.phoneHash == app.cipher.hash("15004769999"))
            let moved = try #require(try await SelfReport.find(report.id, on: app.db))
            #expect(moved.status == .pending && moved.reviewOrgID == f.branchB.id)
            var b = Browser(app)
            try await b.signIn("inflow", Fixture.password)
            #expect(try await b.get("/members/\(f.memberB.id!.uuidString)/archive").status == .notFound)
            #expect(try await b.get("/members/\(f.memberB.id!.uuidString)").status == .notFound)
            // Where the home side has the flow to this organization, the arrival stands; the roster phone stays.
            try await PrivacyTests.flowing(app, f)
            _ = try await SelfReportTests.post(app, """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"张建国","idNumber":"\(Fixture.idA)","phone":"13700000001"}
                """)
            let arrivalA = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .arrival).filter(\.$name == "张建国").first())
            #expect(try await ReviewService.confirm(arrivalA, by: inflow, gate: app.writeGate, cipher: app.cipher, on: app.db) == .confirmed)
            #expect(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first()?.arrivalConfirmed == true)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.phoneHash == app.cipher.hash("13904761234"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theQueueActsOnceByTheAssignedSideAndSignaturesMeanNothingOpen(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await ReconciliationTests.setUp(app, f)
            let county = try await Fixture.user(app, "county")
            let path = try ReconciliationTests.write(ReconciliationTests.nationalCSV(f))
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try await NationalImportService.run(path: path, fileName: "n.csv", quarter: .current(), scopePath: county.scopePath, scopeCode: county.scopeCode,
                                                    username: "county", apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let list = try ReconciliationTests.write("姓名,公民身份号码,手机号码\n张建国,\(Fixture.idA),13904761234\n")
            defer { try? FileManager.default.removeItem(atPath: list) }
            _ = try await InflowLedgerService.upload(path: list, org: f.external, quarter: .current(), username: "inflow", apply: true,
                                                     cipher: app.cipher, gate: app.writeGate, on: app.db)
            _ = try await ReconcileService.run(quarter: .current(), scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let sql = app.db as! SQLDatabase
            struct Item: Decodable { var id: Int; var assignee_org_id: Int; var category: String }
            let items = try await sql.raw("SELECT id, assignee_org_id, category FROM reconciliation_items WHERE status = 'open'").all(decoding: Item.self)
            let conflict = try #require(items.first { $0.category == "fieldConflict" })
            var countyA = Browser(app), inflow = Browser(app)
            try await countyA.signIn("county", Fixture.password)
            try await countyA.get("/reconcile/150422")
            try await inflow.signIn("inflow", Fixture.password)
            try await inflow.get("/reconcile/X110105")
            // The inflow side sees the outflow branch's item but cannot close it (it would unblock the sign-off) or accept it.
            #expect(try await inflow.post("/reconcile/items/\(conflict.id)", form: ["action": "fix"]).status == .forbidden)
            #expect(try await inflow.post("/reconcile/items/\(conflict.id)", form: ["action": "accept"]).status == .forbidden)
            // Two clicks on the same item: one acts, one is told; one timeline entry.
            let signedIn = countyA
            async let first = { var b = signedIn; return try await b.post("/reconcile/items/\(conflict.id)", form: ["action": "accept"]) }()
            async let second = { var b = signedIn; return try await b.post("/reconcile/items/\(conflict.id)", form: ["action": "accept"]) }()
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .seeOther })
            #expect(try await MemberEvent.query(on: app.db).filter(\.$memberID == f.memberA.id!).filter(\.$kind == "reconciliation").count() == 1)
            // The inflow side signs only where it has members or items: not for county B.
            let sign = ["quarter": Quarter.current().description, "inflow": "\(f.external.id!)", "side": "inflow"]
            #expect(try await inflow.post("/reconcile/signoffs", form: sign.merging(["county": "\(f.countyB.id!)"]) { a, _ in a }).status == .forbidden)
            // Everything answered by its side, both sign: then a later run that reopens an item voids both signatures.
            for item in try await sql.raw("SELECT id, assignee_org_id, category FROM reconciliation_items WHERE status = 'open'").all(decoding: Item.self) {
                if item.assignee_org_id == f.external.id { _ = try await inflow.post("/reconcile/items/\(item.id)", form: ["action": "explain", "note": "核实"]) }
                else { _ = try await countyA.post("/reconcile/items/\(item.id)", form: ["action": "fix"]) }
            }
            _ = try await countyA.post("/reconcile/signoffs", form: sign.merging(["county": "\(f.countyA.id!)", "side": "outflow"]) { _, b in b })
            struct S: Decodable { var outflow_signed_by: String?; var inflow_signed_by: String? }
            #expect(try await sql.raw("SELECT outflow_signed_by, inflow_signed_by FROM reconciliation_signoffs").first(decoding: S.self)?.outflow_signed_by == "county")
            // The inflow side hands in a new list without 张建国: his item reopens, the signature is void.
            let empty = try ReconciliationTests.write("姓名,公民身份号码,手机号码\n赵六,\(ReconciliationTests.zhao),\n")
            defer { try? FileManager.default.removeItem(atPath: empty) }
            _ = try await InflowLedgerService.upload(path: empty, org: f.external, quarter: .current(), username: "inflow", apply: true,
                                                     cipher: app.cipher, gate: app.writeGate, on: app.db)
            _ = try await ReconcileService.run(quarter: .current(), scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let after = try await sql.raw("SELECT outflow_signed_by, inflow_signed_by FROM reconciliation_signoffs").first(decoding: S.self)
            #expect(after?.outflow_signed_by == nil && after?.inflow_signed_by == nil)
            #expect(try await LedgerSnapshot.closed(on: app.db).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCountysNationalImportNeitherOverwritesNorRevealsAnotherCountysRecords(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let (a, b) = (try await Fixture.user(app, "county"), try await Fixture.user(app, "countyb"))
            let header = "姓名,公民身份号码,所在党支部,手机号码,是否流动\n"
            let fileA = try ReconciliationTests.write(header + "张建国,\(Fixture.idA),东城村党支部,13904761234,是\n")
            let fileB = try ReconciliationTests.write(header + "张建国,\(Fixture.idA),长青社区党支部,13900000000,否\n")
            defer { for p in [fileA, fileB] { try? FileManager.default.removeItem(atPath: p) } }
            func run(_ path: String, _ u: CurrentUser, apply: Bool) async throws -> NationalImportService.Summary {
                try await NationalImportService.run(path: path, fileName: "n.csv", quarter: .current(), scopePath: u.scopePath, scopeCode: u.scopeCode,
                                                    username: u.username, apply: apply, cipher: app.cipher, gate: app.writeGate, on: app.db)
            }
            _ = try await run(fileA, a, apply: true)
            // County B's dry run says the same as for a person nobody has: new.
            let dry = try await run(fileB, b, apply: false)
            #expect(dry.new == 1 && dry.updated == 0 && dry.unchanged == 0)
            _ = try await run(fileB, b, apply: true)
            struct R: Decodable { var organization_id: Int; var is_mobile: Bool }
            let record = try await (app.db as! SQLDatabase).raw("SELECT organization_id, is_mobile FROM national_records").all(decoding: R.self)
            #expect(record.count == 1 && record.first?.organization_id == f.branchA.id && record.first?.is_mobile == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aShortBranchNameTwoCountiesShareIsSettledByTheRoster(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // County B has a 东城村党支部 too.
            let twin = Organization()
            twin.code = "1504020102"; twin.name = "东城村党支部"; twin.shortName = "东城村党支部"; twin.level = .branch; twin.kind = .regular
            twin.divisionCode = "150402"; twin.secretary = "书记"; twin.phone = "13800000000"; twin.parentID = f.committeeB.id; twin.path = "/"; twin.sortOrder = 0
            try await twin.create(on: app.db)
            twin.path = f.committeeB.path + "\(twin.id!)/"
            try await twin.update(on: app.db)
            let stranger = IDNumber.make(division: "150422", birth: CalendarDate(year: 1970, month: 1, day: 1)!, sequence: 77, sex: .male)
            let file = try ReconciliationTests.write("姓名,公民身份号码,所在党支部\n张建国,\(Fixture.idA),东城村党支部\n某人,\(stranger),东城村党支部\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            // The whole tree (the command line without --org): the member's own branch is taken, the stranger stays ambiguous.
            let whole = try await NationalImportService.run(path: file, fileName: "n.csv", quarter: .current(), scopePath: f.city.path, scopeCode: f.city.code,
                                                            username: "cli", apply: false, cipher: app.cipher, gate: app.writeGate, on: app.db)
            #expect(whole.new == 1 && whole.rejected.map(\.row) == [3] && whole.rejected.first?.reason.contains("对应多个党组织") == true)
            // With the importing county (--org 150422), both rows name its own branch.
            let county = try await NationalImportService.run(path: file, fileName: "n.csv", quarter: .current(), scopePath: f.countyA.path,
                                                             scopeCode: f.countyA.code, username: "cli", apply: true, cipher: app.cipher,
                                                             gate: app.writeGate, on: app.db)
            #expect(county.new == 2 && county.rejectedTotal == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func externalOrganizationsStayOutsideTheTreeAndMobileOnesWhereTheyMayBeCreated(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var admin = Browser(app)
            try await admin.signIn("admin", Fixture.password)
            try await admin.get("/orgs/\(f.committeeA.code)/new")
            let external = try await admin.post("/orgs/\(f.committeeA.code)/children", form: [
                "kind": "external", "name": "某街道党工委", "shortName": "某街道党工委", "divisionCode": "110105", "secretary": "书记",
                "phone": "13800000000", "contactPerson": "联系人"])
            #expect(external.status == .unprocessableEntity)
            #expect(try await Organization.query(on: app.db).filter(\.$name == "某街道党工委").count() == 0)
            let mobile = try await admin.post("/orgs/\(f.committeeA.code)/children", form: [
                "kind": "mobile", "basis": "chamber", "name": "北京巴林左旗商会流动党员党支部", "shortName": "商会党支部", "divisionCode": "110105",
                "secretary": "书记", "phone": "13800000000"])
            #expect(mobile.status == .seeOther, "\(mobile.body.string.prefix(800))")
            let code = try #require(try await Organization.query(on: app.db).filter(\.$kind == .mobile).first()?.code)
            try await admin.get("/orgs/\(code)")
            _ = try await admin.post("/orgs/\(code)/move", form: ["parent": f.branchA.code])
            let moved = try #require(try await Organization.query(on: app.db).filter(\.$code == code).first())
            #expect(moved.parentID == f.committeeA.id)
        }
    }

    @Test(arguments: TestDatabase.all)
    func publicPagesListNoTreeAndAreThrottledAndImportsListOnlyTheScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // The inflow organization's page: arrival only, no list of our branches.
            let page = try await app.testing().sendRequest(.GET, "/r/\(f.external.code)").body.string
            #expect(page.contains("到达报到") && !page.contains("东城村党支部") && !page.contains("长青社区党支部") && !page.contains("value=\"outflow\""))
            // A committee's page lists its own branches only.
            let committee = try await app.testing().sendRequest(.GET, "/r/\(f.committeeA.code)").body.string
            #expect(committee.contains("东城村党支部") && !committee.contains("长青社区党支部"))
            // County A's import is not in county B's list.
            let header = "姓名,公民身份号码,所在党支部\n"
            let file = try ReconciliationTests.write(header + "张建国,\(Fixture.idA),东城村党支部\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let a = try await Fixture.user(app, "county")
            _ = try await NationalImportService.run(path: file, fileName: "县A的文件.csv", quarter: .current(), scopePath: a.scopePath, scopeCode: a.scopeCode,
                                                    username: a.username, apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
            var countyA = Browser(app), countyB = Browser(app)
            try await countyA.signIn("county", Fixture.password)
            try await countyB.signIn("countyb", Fixture.password)
            #expect(try await countyA.get("/imports").body.string.contains("县A的文件.csv"))
            #expect(!(try await countyB.get("/imports").body.string.contains("县A的文件.csv")))
            // Page views are counted per client too.
            app.settings.publicViewsPerClientPerMinute = 5
            var codes: [UInt] = []
            for _ in 0..<8 { codes.append(try await app.testing().sendRequest(.GET, "/r/\(f.branchA.code)").status.code) }
            #expect(codes.contains(429))
        }
    }

    @Test(arguments: TestDatabase.all)
    func strangersLeaveNoSessionsAndSweepPurgesEndedOnes(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            for path in ["/", "/no-such-page", "/orgs/XYZ", "/r/\(f.branchA.code)", "/r/status", "/healthz"] {
                _ = try await app.testing().sendRequest(.GET, path)
            }
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
            var b = Browser(app)
            try await b.get("/login")   // the sign-in form needs its CSRF token
            #expect(try await SessionRecord.query(on: app.db).count() == 1)
            var c = Browser(app)
            try await c.signIn("county", Fixture.password)
            #expect(try await SessionRecord.query(on: app.db).count() == 2)
            #expect(try await SessionPurge.run(on: app.db) == 0)
            #expect(try await SessionPurge.run(now: Date().addingTimeInterval(9 * 3600), on: app.db) == 2)
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
        }
    }
}
