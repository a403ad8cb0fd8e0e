import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 31 item 2: import jobs in the database — any node shows them and runs them, a job whose node stopped is
/// taken over (a dry run from the start, an apply that never committed from the start) or failed with its reason,
/// and a job is never applied twice.
@Suite("Import jobs across nodes: claim, progress, takeover")
struct ImportJobTests {
    /// A national export of the fixture's county, stored as an upload, and a job for it in `phase`.
    static func job(
        _ app: Application, _ f: Fixture, phase: ImportJobPhase, owner: String?, heartbeat: Date?
    ) async throws -> ImportJob {
        let path = app.settings.varDirectory + "/export-\(UUID().uuidString).csv"
        _ = try await NationalExportWriter.write(
            under: f.countyA.path, format: .csv, messy: false, to: path, cipher: app.cipher, on: app.db)
        let file = try await app.files.put(path: path, on: app.db)
        let account = try #require(try await Account.query(on: app.db).filter(\.$username == "county").first())
        let job = ImportJob(
            id: UUID(), accountID: try account.requireID(), kind: .national, orgID: nil, quarter: AppClock.quarter,
            fileName: "全国系统导出.csv", fileSHA256: file.sha256, scopePath: f.countyA.path, scopeCode: f.countyA.code,
            username: "county", phase: phase)
        try await ImportJobStore.create(job, on: app.db)
        _ = try await (app.db as! SQLDatabase).raw(
            "UPDATE import_jobs SET owner = \(bind: owner), heartbeat_at = \(bind: heartbeat) WHERE id = \(bind: job.id)"
        ).run()
        return job
    }

    static func applied(_ app: Application) async throws -> Int {
        try await (app.db as! SQLDatabase).raw("SELECT count(*) AS n FROM national_imports").first()?
            .decode(column: "n", as: Int.self) ?? -1
    }

    @Test(arguments: TestDatabase.all)
    func anotherNodeShowsTheJobAndTakesItOverWhenItsNodeStops(db: TestDatabase) async throws {
        try await withTestApp(db) { a in
            let f = try await Fixture.build(a)
            let now = AppClock.now
            // Node A is checking a file, alive: nobody else may take it.
            let alive = try await Self.job(a, f, phase: .checking, owner: "node-a", heartbeat: now)
            try await withSecondNode(of: a) { b in
                #expect(try await b.importWorker.runOne(b, now: now) == false)
                // Node A stops: a minute without its heartbeat and node B runs the dry run from the start.
                let later = now.addingTimeInterval(ImportJobRules.staleAfter + 1)
                #expect(try await b.importWorker.runOne(b, now: later))
                let checked = try #require(try await ImportJobStore.find(alive.id, cipher: b.cipher, on: b.db))
                #expect(checked.phase == .checked && checked.owner == nil && checked.attempts == 1)
                #expect((checked.summary?.rows ?? 0) > 0 && checked.summary?.new == checked.summary?.rows)
                #expect(try await Self.applied(b) == 0)
                // The uploader's page and progress answer on node A as on node B.
                var county = Browser(a)
                try await county.signIn("county", Fixture.password)
                let progress = try await county.get("/imports/\(alive.id)/progress").body.string
                #expect(progress.contains(#""phase":"checked""#), "\(progress)")
                // A node that lost the job changes nothing when it comes back.
                #expect(
                    try await ImportJobStore.finish(
                        alive.id, owner: "node-a", phase: .failed, summary: nil, rowsRead: 0, error: "x",
                        keepFile: false, on: a.db) == false)
                // Applied on node A, run by node B: once.
                #expect(try await county.get("/imports/\(alive.id)").body.string.contains("应用"))
                _ = try await county.post("/imports/\(alive.id)/apply", form: [:])
                try await eventually {
                    if try await ImportJobStore.find(alive.id, cipher: a.cipher, on: a.db)?.phase == .applied {
                        return true
                    }
                    _ = try await b.importWorker.runOne(b)
                    return false
                }
                #expect(try await ImportJobStore.find(alive.id, cipher: a.cipher, on: a.db)?.phase == .applied)
                #expect(try await Self.applied(a) == 1)
                #expect(try await county.post("/imports/\(alive.id)/apply", form: [:]).status == .seeOther)
                #expect(try await Self.applied(a) == 1)
                // Its upload left the store with the job's end.
                #expect(try await !a.files.exists(alive.fileSHA256 ?? "", on: a.db))
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func anApplyWhoseNodeStoppedRunsAgainFromTheStartAndAJobThatKeepsStoppingFails(db: TestDatabase) async throws {
        try await withTestApp(db) { a in
            let f = try await Fixture.build(a)
            let stale = AppClock.now.addingTimeInterval(-ImportJobRules.staleAfter - 5)
            // Node A died during an apply: its transaction never committed, so nothing was applied; node B applies.
            let dead = try await Self.job(a, f, phase: .applying, owner: "node-a", heartbeat: stale)
            try await withSecondNode(of: a) { b in
                #expect(try await b.importWorker.runOne(b))
                let done = try #require(try await ImportJobStore.find(dead.id, cipher: b.cipher, on: b.db))
                #expect(done.phase == .applied && (done.summary?.new ?? 0) > 0)
                #expect(try await Self.applied(b) == 1)
                // A job whose nodes stopped three times fails with the reason, and nothing is applied for it.
                let cursed = try await Self.job(a, f, phase: .applying, owner: "node-c", heartbeat: stale)
                _ = try await (a.db as! SQLDatabase).raw(
                    "UPDATE import_jobs SET attempts = \(bind: ImportJobRules.maxAttempts) WHERE id = \(bind: cursed.id)"
                ).run()
                #expect(try await b.importWorker.runOne(b))
                let failed = try #require(try await ImportJobStore.find(cursed.id, cipher: b.cipher, on: b.db))
                #expect(failed.phase == .failed && failed.error?.contains("3次中断") == true, "\(failed.error ?? "")")
                #expect(try await Self.applied(b) == 1)
            }
        }
    }
}
