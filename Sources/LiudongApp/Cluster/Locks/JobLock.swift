import Fluent
import Foundation
import LiudongCore
import SQLKit

/// One run at a time of a scheduled job (`liudong sweep`, `liudong notify`) across every node and cron entry.
/// PostgreSQL: a session advisory lock on a connection held for the run (released when the run ends, and by the
/// server if the process dies). SQLite: a row in `job_locks` with a lease the run renews every minute; a run that died
/// holds it at most `lease` seconds.
enum JobLock {
    struct Held: Error {
        var job: String
        /// Who holds it and since when, where the database can tell (SQLite's row); nil on PostgreSQL.
        var holder: String?
        var since: Date?
    }

    static let lease: TimeInterval = 600

    /// Runs `body` holding the lock `job`; throws `Held` at once when another run holds it.
    static func run<T: Sendable>(
        _ job: String, holder: String = JobLock.thisProcess, on db: Database,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        if try db.sql().dialect.name == "postgresql" {
            return try await db.withConnection { conn in
                let sql = try conn.sql()
                let key = advisoryKey(job)
                guard
                    try await sql.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS ok").first(decoding: Ok.self)?.ok
                        == true
                else { throw Held(job: job) }
                do {
                    let result = try await body()
                    _ = try await sql.raw("SELECT pg_advisory_unlock(\(bind: key)) AS ok").first(decoding: Ok.self)
                    return result
                } catch {
                    _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key)) AS ok").first(decoding: Ok.self)
                    throw error
                }
            }
        }
        try await acquireRow(job, holder: holder, on: db)
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 60_000_000_000)
                if Task.isCancelled { break }
                try? await db.sql().raw(
                    """
                    UPDATE job_locks SET until = \(bind: AppClock.system.addingTimeInterval(lease))
                    WHERE name = \(bind: job) AND holder = \(bind: holder)
                    """
                ).run()
            }
        }
        defer { renewal.cancel() }
        do {
            let result = try await body()
            try await releaseRow(job, holder: holder, on: db)
            return result
        } catch {
            try? await releaseRow(job, holder: holder, on: db)
            throw error
        }
    }

    /// This process on this machine, as the lock row names it.
    static let thisProcess: String = {
        let host = ProcessInfo.processInfo.hostName
        return "\(host.prefix(60)):\(ProcessInfo.processInfo.processIdentifier)"
    }()

    /// A stable 63-bit key for the job's name (PostgreSQL's advisory locks take a bigint).
    static func advisoryKey(_ job: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "liudong:\(job)".utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int64(bitPattern: h & 0x7fff_ffff_ffff_ffff)
    }

    private struct Ok: Decodable { var ok: Bool }
    private struct Row: Decodable {
        var holder: String
        var since: Date
    }

    /// Takes the row when it is free or its lease ran out (the system clock: a lease is real time, not the app's day).
    static func acquireRow(_ job: String, holder: String, now: Date = AppClock.system, on db: Database) async throws {
        let sql = try db.sql()
        let taken = try await sql.raw(
            """
            INSERT INTO job_locks (name, holder, since, until)
            VALUES (\(bind: job), \(bind: holder), \(bind: now), \(bind: now.addingTimeInterval(lease)))
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, since = excluded.since, until = excluded.until
            WHERE job_locks.until < \(bind: now)
            RETURNING holder, since
            """
        ).first(decoding: Row.self)
        guard taken?.holder == holder else {
            let current = try await sql.raw("SELECT holder, since FROM job_locks WHERE name = \(bind: job)")
                .first(decoding: Row.self)
            throw Held(job: job, holder: current?.holder, since: current?.since)
        }
    }

    static func releaseRow(_ job: String, holder: String, on db: Database) async throws {
        try await db.sql().raw("DELETE FROM job_locks WHERE name = \(bind: job) AND holder = \(bind: holder)").run()
    }
}

extension JobLock.Held {
    /// What the operator reads when a second run is refused.
    var message: String {
        var s = "liudong \(job) 已有一次运行尚未结束"
        if let holder { s += "（\(holder)" + (since.map { "，自 \(Format.dateTime($0)) 起" } ?? "") + "）" }
        return s + "：本次不运行，稍后由下一次定时任务接着做。"
    }
}
