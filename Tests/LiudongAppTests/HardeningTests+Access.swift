import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// The hardening issue, who may act: sign-in, sessions, forms, the reconciliation queue, arrivals, imports, the tree.
extension HardeningTests {
    @Test func onlyLocalPathsAreRedirectTargets() {
        for bad in [
            "/\t/evil.example", "/%09/evil.example".removingPercentEncoding!, "//evil.example", "/\\evil.example",
            "https://evil.example",
            "/\n/evil.example", "/\r\n//evil.example", "/ /evil.example", "/\u{3000}/evil", "/a\\b", nil, "",
        ] {
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
            let signed = try await b.post(
                "/login", form: ["username": "county", "password": Fixture.password, "next": "/\t/evil.example"])
            #expect(signed.headers.first(name: .location) == "/")
            // A disabled account gets the wrong-password message.
            let disabled = try #require(try await Account.query(on: app.db).filter(\.$username == "countyb").first())
            disabled.disabledAt = AppClock.now
            try await disabled.update(on: app.db)
            var c = Browser(app)
            try await c.get("/login")
            let d = try await c.post("/login", form: ["username": "countyb", "password": Fixture.password]).body.string
            let w = try await c.post("/login", form: ["username": "committee", "password": "wrong-password"]).body
                .string
            #expect(d.contains(AuthService.wrongPassword) && w.contains(AuthService.wrongPassword) && !d.contains("停用"))
            // Per client: past the limit, 429 before any password is checked.
            // A client of its own (behind the trusted proxy), so that the window starts with these five attempts
            // however long the attempts above took.
            app.settings.trustProxy = true
            app.settings.signInsPerClientPerMinute = 2
            let api: (String) async throws -> TestingHTTPResponse = { user in
                try await app.testing().sendRequest(
                    .POST, "/api/v1/session",
                    headers: ["Content-Type": "application/json", "X-Forwarded-For": "10.9.9.9"],
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
                        _ = try? await AuthService.signIn(
                            username: "committee", password: "wrong-password", settings: settings, client: "t",
                            on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "committee").first())
            #expect((account.lockedUntil ?? .distantPast) > AppClock.now)
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
            let changed = try await here.post(
                "/password",
                form: ["current": Fixture.password, "password": "new-pass-2026!", "confirm": "new-pass-2026!"])
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
            let body = ByteBuffer(
                string: "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
                    + String(repeating: "a", count: 2 << 20) + "\r\n--x--\r\n")
            for path in ["/imports", "/imports-x", "/imports/anything"] {
                let res = try await app.testing().sendRequest(.POST, path, headers: h, body: body)
                #expect(res.status == .forbidden || res.status == .payloadTooLarge, "\(path): \(res.status)")
            }
            #expect(try await Self.healthy(app))
        }
    }

    @Test(arguments: TestDatabase.all)
    func anInflowAccountCannotClaimAMemberByConfirmingAnArrival(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let inflow = try await Fixture.user(app, "inflow")
            // Someone reports member B (who has not left) as arrived at the inflow organization, with another phone.
            let posted = try await SelfReportTests.post(
                app,
                """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"王海涛","idNumber":"\(Fixture.idB)","phone":"13700000000"}
                """)
            #expect(posted.status == .created)
            let report = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .arrival).first())
            let outcome = try await ReviewActions.confirm(
                try await ReviewActions.find(report.id!, for: inflow, on: app.db), by: inflow,
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
            _ = try await SelfReportTests.post(
                app,
                """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"张建国","idNumber":"\(Fixture.idA)","phone":"13700000001"}
                """)
            let arrivalA = try #require(
                try await SelfReport.query(on: app.db).filter(\.$kind == .arrival).filter(\.$name == "张建国").first())
            #expect(
                try await ReviewActions.confirm(
                    arrivalA, by: inflow, gate: app.writeGate, cipher: app.cipher, on: app.db) == .confirmed)
            #expect(
                try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first()?.arrivalConfirmed == true)
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
            _ = try await NationalImportService.run(
                path: path, fileName: "n.csv", quarter: AppClock.quarter, scopePath: county.scopePath,
                scopeCode: county.scopeCode,
                username: "county", apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let list = try ReconciliationTests.write("姓名,公民身份号码,手机号码\n张建国,\(Fixture.idA),13904761234\n")
            defer { try? FileManager.default.removeItem(atPath: list) }
            _ = try await InflowLedgerService.upload(
                path: list, org: f.external, quarter: AppClock.quarter, username: "inflow", apply: true,
                cipher: app.cipher, gate: app.writeGate, on: app.db)
            _ = try await ReconcileService.run(
                quarter: AppClock.quarter, scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let sql = app.db as! SQLDatabase
            struct Item: Decodable {
                var id: Int
                var assignee_org_id: Int
                var category: String
            }
            let items = try await sql.raw(
                "SELECT id, assignee_org_id, category FROM reconciliation_items WHERE status = 'open'"
            ).all(decoding: Item.self)
            let conflict = try #require(items.first { $0.category == "fieldConflict" })
            var countyA = Browser(app), inflow = Browser(app)
            try await countyA.signIn("county", Fixture.password)
            try await countyA.get("/reconcile/150422")
            try await inflow.signIn("inflow", Fixture.password)
            try await inflow.get("/reconcile/X110105")
            // The inflow side sees the outflow branch's item but cannot close it (it would unblock the sign-off) or accept it.
            #expect(
                try await inflow.post("/reconcile/items/\(conflict.id)", form: ["action": "fix"]).status == .forbidden)
            #expect(
                try await inflow.post("/reconcile/items/\(conflict.id)", form: ["action": "accept"]).status
                    == .forbidden)
            // Two clicks on the same item: one acts, one is told; one timeline entry.
            let signedIn = countyA
            async let first = {
                var b = signedIn
                return try await b.post("/reconcile/items/\(conflict.id)", form: ["action": "accept"])
            }()
            async let second = {
                var b = signedIn
                return try await b.post("/reconcile/items/\(conflict.id)", form: ["action": "accept"])
            }()
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .seeOther })
            #expect(
                try await MemberEvent.query(on: app.db).filter(\.$memberID == f.memberA.id!).filter(
                    \.$kind == "reconciliation"
                ).count() == 1)
            // The inflow side signs only where it has members or items: not for county B.
            let sign = ["quarter": AppClock.quarter.description, "inflow": "\(f.external.id!)", "side": "inflow"]
            #expect(
                try await inflow.post(
                    "/reconcile/signoffs", form: sign.merging(["county": "\(f.countyB.id!)"]) { a, _ in a }
                ).status == .forbidden)
            // Everything answered by its side, both sign: then a later run that reopens an item voids both signatures.
            for item in try await sql.raw(
                "SELECT id, assignee_org_id, category FROM reconciliation_items WHERE status = 'open'"
            ).all(decoding: Item.self) {
                if item.assignee_org_id == f.external.id {
                    _ = try await inflow.post("/reconcile/items/\(item.id)", form: ["action": "explain", "note": "核实"])
                } else {
                    _ = try await countyA.post("/reconcile/items/\(item.id)", form: ["action": "fix"])
                }
            }
            _ = try await countyA.post(
                "/reconcile/signoffs",
                form: sign.merging(["county": "\(f.countyA.id!)", "side": "outflow"]) { _, b in b })
            struct S: Decodable {
                var outflow_signed_by: String?
                var inflow_signed_by: String?
            }
            #expect(
                try await sql.raw("SELECT outflow_signed_by, inflow_signed_by FROM reconciliation_signoffs").first(
                    decoding: S.self)?.outflow_signed_by == "county")
            // The inflow side hands in a new list without 张建国: his item reopens, the signature is void.
            let empty = try ReconciliationTests.write("姓名,公民身份号码,手机号码\n赵六,\(ReconciliationTests.zhao),\n")
            defer { try? FileManager.default.removeItem(atPath: empty) }
            _ = try await InflowLedgerService.upload(
                path: empty, org: f.external, quarter: AppClock.quarter, username: "inflow", apply: true,
                cipher: app.cipher, gate: app.writeGate, on: app.db)
            _ = try await ReconcileService.run(
                quarter: AppClock.quarter, scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let after = try await sql.raw("SELECT outflow_signed_by, inflow_signed_by FROM reconciliation_signoffs")
                .first(decoding: S.self)
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
                try await NationalImportService.run(
                    path: path, fileName: "n.csv", quarter: AppClock.quarter, scopePath: u.scopePath,
                    scopeCode: u.scopeCode,
                    username: u.username, apply: apply, cipher: app.cipher, gate: app.writeGate, on: app.db)
            }
            _ = try await run(fileA, a, apply: true)
            // County B's dry run says the same as for a person nobody has: new.
            let dry = try await run(fileB, b, apply: false)
            #expect(dry.new == 1 && dry.updated == 0 && dry.unchanged == 0)
            _ = try await run(fileB, b, apply: true)
            struct R: Decodable {
                var organization_id: Int
                var is_mobile: Bool
            }
            let record = try await (app.db as! SQLDatabase).raw(
                "SELECT organization_id, is_mobile FROM national_records"
            ).all(decoding: R.self)
            #expect(
                record.count == 1 && record.first?.organization_id == f.branchA.id && record.first?.is_mobile == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func externalOrganizationsStayOutsideTheTreeAndMobileOnesWhereTheyMayBeCreated(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var admin = Browser(app)
            try await admin.signIn("admin", Fixture.password)
            try await admin.get("/orgs/\(f.committeeA.code)/new")
            let external = try await admin.post(
                "/orgs/\(f.committeeA.code)/children",
                form: [
                    "kind": "external", "name": "某街道党工委", "shortName": "某街道党工委", "divisionCode": "110105",
                    "secretary": "书记",
                    "phone": "13800000000", "contactPerson": "联系人",
                ])
            #expect(external.status == .unprocessableEntity)
            #expect(try await Organization.query(on: app.db).filter(\.$name == "某街道党工委").count() == 0)
            let mobile = try await admin.post(
                "/orgs/\(f.committeeA.code)/children",
                form: [
                    "kind": "mobile", "basis": "chamber", "name": "北京巴林左旗商会流动党员党支部", "shortName": "商会党支部",
                    "divisionCode": "110105",
                    "secretary": "书记", "phone": "13800000000",
                ])
            #expect(mobile.status == .seeOther, "\(mobile.body.string.prefix(800))")
            let code = try #require(try await Organization.query(on: app.db).filter(\.$kind == .mobile).first()?.code)
            try await admin.get("/orgs/\(code)")
            _ = try await admin.post("/orgs/\(code)/move", form: ["parent": f.branchA.code])
            let moved = try #require(try await Organization.query(on: app.db).filter(\.$code == code).first())
            #expect(moved.parentID == f.committeeA.id)
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
            // The sign-in forms carry a signed pre-sign-in token (cookie + field), not a session (issue 25 item 10).
            var b = Browser(app)
            for path in ["/login", "/my/login", "/my/activate", "/login", "/my/activate"] {
                let page = try await b.get(path)
                #expect(page.status == .ok && Browser.csrf(in: page.body.string) != nil, "\(path)")
            }
            #expect(b.preCookie != nil && b.cookie == nil)
            // A wrong password is answered without a session too.
            _ = try await b.post("/login", form: ["username": "county", "password": "wrong-password"])
            _ = try await b.post("/my/login", form: ["idNumber": Fixture.idA, "password": "wrong-password"])
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
            // The token must match the cookie and carry the server's signature.
            var forged = Browser(app)
            _ = try await forged.get("/login")
            let token = try #require(forged.csrf)
            let nonce = try #require(token.split(separator: ".").first)
            let unsigned = "\(nonce).\(String(repeating: "0", count: 32))"
            forged.preCookie = "liudong_pre=" + unsigned
            forged.csrf = unsigned
            #expect(
                try await forged.post("/login", form: ["username": "county", "password": Fixture.password]).status
                    == .forbidden)
            var mismatched = Browser(app)
            _ = try await mismatched.get("/login")
            mismatched.csrf = token  // another browser's valid token, not this cookie's
            #expect(
                try await mismatched.post("/login", form: ["username": "county", "password": Fixture.password]).status
                    == .forbidden)
            // Signing in makes the first row.
            try await b.signIn("county", Fixture.password)
            #expect(try await SessionRecord.query(on: app.db).count() == 1)
            var c = Browser(app)
            try await c.signIn("county", Fixture.password)
            #expect(try await SessionRecord.query(on: app.db).count() == 2)
            #expect(try await SessionPurge.run(on: app.db) == 0)
            #expect(try await SessionPurge.run(now: AppClock.now.addingTimeInterval(9 * 3600), on: app.db) == 2)
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aTakenNumberGetsTheSameAnswerInEveryCountyAndTheAttemptIsAudited(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var answers: [String] = []
            for (user, branch) in [("county", f.branchA2.code), ("countyb", f.branchB.code)] {
                let api = try await APIClient.signIn(app, user, Fixture.password)
                let res = try await api.post("/api/v1/members", json: MemberTests.json(id: Fixture.idA, org: branch))
                #expect(res.status == .unprocessableEntity)
                answers.append(
                    try res.content.decode(APIErrorBody.self).error.fields.map { "\($0.field) \($0.message)" }.joined())
            }
            #expect(answers.count == 2 && answers[0] == answers[1])
            #expect(
                try await AuditEntry.query(on: app.db).filter(
                    \.$summary, .contains(inverse: false, .anywhere), "登记党员未成功"
                ).count() == 2)
        }
    }
}
