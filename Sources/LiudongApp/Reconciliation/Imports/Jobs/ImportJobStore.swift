import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// An uploaded import as every node sees it (`import_jobs`).
struct ImportJob: Sendable {
    var id: UUID
    var accountID: UUID
    var kind: ImportKind
    var orgID: Int?  // the inflow organization (kind inflow)
    /// Uploaded by a county or committee for an inflow organization without an account (代为上传).
    var proxy = false
    var quarter: Quarter
    var fileName: String
    var fileSHA256: String?
    var scopePath: String
    var scopeCode: String
    /// Who uploaded it, then who applied it.
    var username: String
    var phase: ImportJobPhase = .checking
    var rowsRead = 0
    var summary: NationalImportService.Summary?
    var error: String?
    var started = AppClock.now
    var owner: String?
    var attempts = 0
}

/// The job table's queries. A claim is one statement (on PostgreSQL over `FOR UPDATE SKIP LOCKED`, so two nodes never
/// take one job); every later write names the owner, so a node that lost its job (taken over after it stopped
/// heartbeating) changes nothing.
enum ImportJobStore {
    private struct Row: Decodable {
        var id: UUID
        var account_id: UUID
        var kind: String
        var org_id: Int?
        var proxy: Bool
        var quarter: String
        var file_name: String
        var file_sha256: String?
        var scope_path: String
        var scope_code: String
        var username: String
        var phase: String
        var rows_read: Int
        var summary: String?
        var error: String?
        var owner: String?
        var attempts: Int
        var started_at: Date
    }

    private struct IDRow: Decodable { var id: UUID }

    private static let columns: SQLQueryString = """
        id, account_id, kind, org_id, proxy, quarter, file_name, file_sha256, scope_path, scope_code, username, phase,
        rows_read, summary, error, owner, attempts, started_at
        """

    private static func job(_ r: Row, cipher: FieldCipher) -> ImportJob? {
        guard let quarter = Quarter(r.quarter), let kind = ImportKind(rawValue: r.kind),
            let phase = ImportJobPhase(rawValue: r.phase)
        else { return nil }
        var j = ImportJob(
            id: r.id, accountID: r.account_id, kind: kind, orgID: r.org_id, proxy: r.proxy, quarter: quarter,
            fileName: r.file_name, fileSHA256: r.file_sha256, scopePath: r.scope_path, scopeCode: r.scope_code,
            username: r.username, phase: phase, rowsRead: r.rows_read, error: r.error, started: r.started_at,
            owner: r.owner, attempts: r.attempts)
        j.summary = r.summary.flatMap { try? cipher.open($0) }.flatMap {
            try? JSONDecoder().decode(NationalImportService.Summary.self, from: Data($0.utf8))
        }
        return j
    }

    static func seal(_ summary: NationalImportService.Summary, cipher: FieldCipher) throws -> String {
        try cipher.seal(String(decoding: try JSONEncoder().encode(summary), as: UTF8.self))
    }

    static func create(_ j: ImportJob, now: Date = AppClock.now, on db: Database) async throws {
        try await db.sql().raw(
            """
            INSERT INTO import_jobs (id, account_id, kind, org_id, proxy, quarter, file_name, file_sha256, scope_path,
                                     scope_code, username, phase, rows_read, attempts, started_at, created_at)
            VALUES (\(bind: j.id), \(bind: j.accountID), \(bind: j.kind.rawValue), \(bind: j.orgID), \(bind: j.proxy),
                    \(bind: j.quarter.description), \(bind: j.fileName), \(bind: j.fileSHA256), \(bind: j.scopePath),
                    \(bind: j.scopeCode), \(bind: j.username), \(bind: j.phase.rawValue), 0, 0, \(bind: now), \(bind: now))
            """
        ).run()
    }

    static func find(_ id: UUID, cipher: FieldCipher, on db: Database) async throws -> ImportJob? {
        try await db.sql().raw("SELECT \(columns) FROM import_jobs WHERE id = \(bind: id)")
            .first(decoding: Row.self).flatMap { job($0, cipher: cipher) }
    }

    /// Takes the oldest job that needs a node and has none (or whose node stopped heartbeating), for `owner`.
    static func claim(owner: String, now: Date, cipher: FieldCipher, on db: Database) async throws -> ImportJob? {
        let sql = try db.sql()
        let skip: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let stale = now.addingTimeInterval(-ImportJobRules.staleAfter)
        let running = SQLBind.group(ImportJobPhase.allCases.filter(\.isRunning).map(\.rawValue))
        // A read first: the poll every two seconds on every node takes no write lock when there is nothing to claim.
        let waiting = try await sql.raw(
            """
            SELECT id FROM import_jobs
            WHERE phase IN \(running) AND (owner IS NULL OR heartbeat_at IS NULL OR heartbeat_at <= \(bind: stale)) LIMIT 1
            """
        ).first(decoding: IDRow.self)
        guard waiting != nil else { return nil }
        let claimed = try await sql.raw(
            """
            UPDATE import_jobs SET owner = \(bind: owner), heartbeat_at = \(bind: now), attempts = attempts + 1,
                   rows_read = 0, started_at = \(bind: now)
            WHERE id = (SELECT id FROM import_jobs
                        WHERE phase IN \(running) AND (owner IS NULL OR heartbeat_at IS NULL OR heartbeat_at <= \(bind: stale))
                        ORDER BY created_at, id LIMIT 1\(skip))
              AND phase IN \(running) AND (owner IS NULL OR heartbeat_at IS NULL OR heartbeat_at <= \(bind: stale))
            RETURNING \(columns)
            """
        ).first(decoding: Row.self)
        return claimed.flatMap { job($0, cipher: cipher) }
    }

    /// The owner's heartbeat and progress; false when the job is no longer this owner's.
    static func beat(_ id: UUID, owner: String, rowsRead: Int, now: Date, on db: Database) async throws -> Bool {
        try await db.sql().raw(
            """
            UPDATE import_jobs SET heartbeat_at = \(bind: now), rows_read = \(bind: rowsRead)
            WHERE id = \(bind: id) AND owner = \(bind: owner) RETURNING id
            """
        ).first(decoding: IDRow.self) != nil
    }

    /// The owner ends its run: the dry run's outcome, a failure, or (inside the apply's own transaction) applied.
    /// False when the job is no longer this owner's (the caller then undoes its work: an apply rolls back).
    @discardableResult
    static func finish(
        _ id: UUID, owner: String, phase: ImportJobPhase, summary: String?, rowsRead: Int, error: String?,
        keepFile: Bool, on db: Database
    ) async throws -> Bool {
        let file: SQLQueryString = keepFile ? "file_sha256" : "NULL"
        return try await db.sql().raw(
            """
            UPDATE import_jobs SET phase = \(bind: phase.rawValue), summary = \(bind: summary), rows_read = \(bind: rowsRead),
                   error = \(bind: error), owner = NULL, heartbeat_at = NULL, file_sha256 = \(file)
            WHERE id = \(bind: id) AND owner = \(bind: owner) RETURNING id
            """
        ).first(decoding: IDRow.self) != nil
    }

    /// Moves a job from one phase to the next only if it is still in the first (true when this caller moved it).
    static func advance(_ id: UUID, from: ImportJobPhase, to: ImportJobPhase, username: String, on db: Database)
        async throws -> Bool
    {
        try await db.sql().raw(
            """
            UPDATE import_jobs SET phase = \(bind: to.rawValue), username = \(bind: username), owner = NULL,
                   heartbeat_at = NULL, attempts = 0, rows_read = 0
            WHERE id = \(bind: id) AND phase = \(bind: from.rawValue) RETURNING id
            """
        ).first(decoding: IDRow.self) != nil
    }

    /// The uploader abandons a job that is not running: the job is forgotten. Returns its file's SHA-256.
    static func discard(_ id: UUID, on db: Database) async throws -> (done: Bool, sha256: String?) {
        let running = SQLBind.group(ImportJobPhase.allCases.filter(\.isRunning).map(\.rawValue))
        let row = try await db.sql().raw(
            "DELETE FROM import_jobs WHERE id = \(bind: id) AND phase NOT IN \(running) RETURNING file_sha256"
        ).first(decoding: GoneJobRow.self)
        return (row != nil, row?.file_sha256)
    }

    /// Jobs over and older than `before` are forgotten (a day after upload); their files' SHA-256s.
    static func forget(before: Date, on db: Database) async throws -> [String?] {
        let running = SQLBind.group(ImportJobPhase.allCases.filter(\.isRunning).map(\.rawValue))
        return try await db.sql().raw(
            "DELETE FROM import_jobs WHERE created_at < \(bind: before) AND phase NOT IN \(running) RETURNING file_sha256"
        ).all(decoding: GoneJobRow.self).map(\.file_sha256)
    }
}

/// The daily part of import jobs.
enum ImportJobs {
    /// Forgets jobs over and a day old, and removes their files; how many.
    static func forget(_ app: Application, now: Date = AppClock.now) async throws -> Int {
        let shas = try await ImportJobStore.forget(before: now.addingTimeInterval(-86_400), on: app.db)
        for sha in Set(shas.compactMap { $0 }) { try await app.files.removeIfUnreferenced(sha, app) }
        return shas.count
    }
}

private struct GoneJobRow: Decodable { var file_sha256: String? }
