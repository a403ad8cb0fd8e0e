import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// The masking rule on every surface, and what a database dump without the data key holds.
@Suite("Privacy: masked stays masked, a dump rebuilds nothing")
struct PrivacyTests {
    /// Member A reports leaving and the branch confirms: A is on every ledger surface.
    static func flowing(_ app: Application, _ f: Fixture) async throws {
        #expect(
            try await SelfReportTests.post(
                app, SelfReportTests.outflowJSON(org: f.branchA.code, inflow: f.external.code)
            ).status == .created)
        let report = try #require(
            try await SelfReport.query(on: app.db).filter(\.$kind == .outflow).filter(\.$memberID == f.memberA.id!)
                .first())
        try await ReviewActions.confirm(
            report, by: try await Fixture.user(app, "secretary"), gate: app.writeGate, cipher: app.cipher, on: app.db)
    }

    /// This quarter's national import, the inflow organization's list and the city's reconciliation.
    static func reconciled(_ app: Application, _ f: Fixture) async throws {
        let csv = ReconciliationTests.nationalCSV(f)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("n-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
        _ = try await NationalImportService.run(
            path: file, fileName: "n.csv", quarter: AppClock.quarter, scopePath: f.city.path, scopeCode: f.city.code,
            username: "t", apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
        _ = try await InflowLedgerService.confirm(
            org: f.external, quarter: AppClock.quarter, username: "inflow", cipher: app.cipher, gate: app.writeGate,
            on: app.db)
        _ = try await ReconcileService.run(
            quarter: AppClock.quarter, scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
    }

    /// Whatever a view shows of member A must not complete A's number.
    static func checkSurface(_ body: String, _ what: String) {
        let id = Fixture.idA
        let old = String(id.prefix(6)) + "********" + String(id.suffix(4))
        #expect(!body.contains(id), "\(what): the full number")
        #expect(!body.contains(old), "\(what): the old masked form")
        // The last four characters alone, beside the name and a link to the member (issue 25 item 3).
        let tail = String(id.suffix(4))
        for shown in ["…" + tail, ">" + tail + "<", "\":\"" + tail + "\"", "*" + tail] {
            #expect(!body.contains(shown), "\(what): the last four characters (\(shown))")
        }
        for birth in ["1985-03-14", "1985/3/14", "19850314", "1985年3月14日"] {
            #expect(!body.contains(birth), "\(what): the full birth date")
        }
        if body.contains(Masking.idNumber(id)) {
            // The masked form with the birth month and the sex beside it.
            #expect(Masking.candidates(masked: Masking.idNumber(id), birth: "1985-03", male: true) >= 1000)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everySurfaceShowsTheMaskedFormWithTheBirthMonthOnly(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flowing(app, f)
            let id = try #require(f.memberA.id).uuidString
            // A reconciled quarter: its queue is one of the surfaces.
            try await Self.reconciled(app, f)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            for path in [
                "/members?q=张建国", "/members?q=\(Fixture.idA.suffix(4))", "/members/\(id)", "/members/\(id)/archive",
                "/ledger/1504220101",
                "/ledger/15042201", "/ledger/150422", "/ledger/150422/export?format=csv", "/reviews?status=confirmed",
                "/reconcile/150422",
            ] {
                let res = try await county.get(path)
                #expect(res.status == .ok, "\(path)")
                Self.checkSurface(res.body.string, path)
            }
            // The queue names its people with the check digit alone (it showed the last four beside the link).
            let queue = try await county.get("/reconcile/150422").body.string
            #expect(queue.contains("<span class=\"mono\">…***"), "\(queue.prefix(3000))")
            // The roster shows the new masked form, found by the last four characters (searched through their keyed hash).
            #expect(
                try await county.get("/members?q=\(Fixture.idA.suffix(4))").body.string.contains(
                    Masking.idNumber(Fixture.idA)))
            // The API.
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            for path in ["/api/v1/members?q=张建国", "/api/v1/members/\(id)"] {
                let body = try await api.get(path).body.string
                Self.checkSurface(body, path)
                #expect(
                    body.contains("\"birthMonth\":\"1985-03\"") && !body.contains("birthDate"),
                    "\(path): \(body.prefix(400))")
            }
            // The inflow organization the member reports to.
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            for path in ["/members/\(id)/archive", "/imports", "/ledger/X110105/inflow"] {
                let res = try await inflow.get(path)
                if res.status == .ok { Self.checkSurface(res.body.string, "inflow \(path)") }
            }
            // The masked .xlsx: the ID cell is the masked form, the birth cell the first of the month.
            let xlsx = try await county.get("/ledger/1504220101/export")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("mask-\(UUID().uuidString).xlsx")
                .path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(buffer: xlsx.body).write(to: URL(fileURLWithPath: path))
            var found = false
            try XLSXReader(path: path).rows { _, cells in
                if cells.contains(where: { $0?.description == Masking.idNumber(Fixture.idA) }) {
                    found = true
                    #expect(!cells.contains(where: { $0?.description == "1985-03-14" }))
                }
            }
            #expect(found)
        }
    }

    /// Every text value of every table, as a dump without the key would show it.
    static func dump(_ sql: SQLDatabase) async throws -> [(table: String, values: [String])] {
        struct Name: Decodable { var name: String }
        let tables =
            sql.dialect.name == "postgresql"
            ? try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").all(
                decoding: Name.self)
            : try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all(decoding: Name.self)
        var out: [(String, [String])] = []
        for t in tables.map(\.name) {
            for row in try await sql.raw("SELECT * FROM \(ident: t)").all() {
                out.append((t, row.allColumns.compactMap { try? row.decode(column: $0, as: String?.self) ?? nil }))
            }
        }
        return out
    }

    @Test(arguments: TestDatabase.all)
    func aDumpWithoutTheKeyHoldsNoNumberNorItsTail(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flowing(app, f)
            // A national import, an inflow list, a reconciliation and a frozen quarter: every table that held tails.
            try await Self.reconciled(app, f)
            if let last = AppClock.quarter.previous {
                _ = try await LedgerSnapshot.close(last, by: "t", gate: app.writeGate, on: app.db)
            }
            let rows = try await Self.dump(app.db as! SQLDatabase)
            #expect(rows.count > 20)
            // Control: the dump does read the columns (the phone's last four stay in clear by design: 7 of 11 digits).
            #expect(rows.contains { $0.table == "members" && $0.values.contains("1234") })
            for id in [Fixture.idA, Fixture.idA2, Fixture.idB] {
                let tail = String(id.suffix(4))
                for (table, values) in rows {
                    #expect(!values.contains(where: { $0.contains(id) }), "\(table) holds \(id)")
                    #expect(!values.contains(tail), "\(table) holds the tail of \(id) as a value")
                    #expect(
                        !values.contains(where: { $0.contains(String(id.prefix(6)) + "********" + tail) }),
                        "\(table) holds the old masked form")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func theMigrationConvertsADatabaseOfTheOldSchema(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flowing(app, f)
            // One connection throughout, as a deployment migrates: a second pooled SQLite connection may still hold
            // the schema from before the revert when the migration runs again.
            let db = app.db
            let sql = db as! SQLDatabase
            // Back to the schema before the migration, with rows written the old way.
            let migration = ProtectIDTails(cipher: app.cipher)
            try await migration.revert(on: db)
            let tail = String(Fixture.idA.suffix(4))
            try await sql.update("members").set("id_tail", to: tail).where("id", .equal, f.memberA.id!).run()
            try await sql.raw(
                "UPDATE self_reports SET id_masked = \(bind: String(Fixture.idA.prefix(6)) + "********" + tail)"
            ).run()
            try await sql.insert(into: "inflow_ledger_entries").columns(
                "quarter", "org_id", "id_hash", "id_tail", "name", "home_org", "source", "created_at"
            )
            .values(
                [
                    AppClock.quarter.description, f.external.id!, app.cipher.hash(Fixture.idA), tail, "张建国", "东城村党支部",
                    "upload", AppClock.now,
                ]
                    as [any Encodable & Sendable]
            ).run()
            try await Audit.record(
                .create, "member", ref: "x", summary: "登记党员张建国（\(String(Fixture.idA.prefix(6)))********\(tail)）",
                user: nil,
                username: "old", client: "t", on: app.db)
            // MUT
            try await migration.prepare(on: db)
            // validate
            struct M: Decodable {
                var id_tail: String
                var id_tail_hash: String?
            }
            let m = try #require(
                try await sql.raw("SELECT id_tail, id_tail_hash FROM members WHERE id = \(bind: f.memberA.id!)").first(
                    decoding: M.self))
            #expect(m.id_tail == "" && m.id_tail_hash == app.cipher.tailHash(Fixture.idA))
            struct R: Decodable { var id_masked: String }
            #expect(
                try await sql.raw("SELECT id_masked FROM self_reports").all(decoding: R.self).allSatisfy {
                    $0.id_masked.hasSuffix("************")
                })
            struct E: Decodable {
                var id_tail: String
                var id_tail_enc: String?
            }
            let e = try #require(
                try await sql.raw("SELECT id_tail, id_tail_enc FROM inflow_ledger_entries").first(decoding: E.self))
            let opened = try e.id_tail_enc.map { try app.cipher.open($0) }
            #expect(e.id_tail == "" && opened == tail)
            #expect(
                try await AuditEntry.query(on: app.db).filter(
                    \.$summary, .contains(inverse: false, .anywhere), "********\(tail)"
                ).count() == 0)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$username == "migration").count() == 1)
            // The log is append-only again.
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET summary = 'x'").run()
            }
            // Search by the last four still finds the member.
            let found = try await MemberService.search(
                org: nil, q: tail, page: 1, for: try await Fixture.user(app, "county"), cipher: app.cipher, on: app.db)
            #expect(found.members.map(\.id) == [f.memberA.id])
        }
    }
}
