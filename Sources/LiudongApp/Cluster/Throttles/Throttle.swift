import Fluent
import Foundation
import LiudongCore
import SQLKit

/// Fixed-window counters that protect accounts (sign-in per client address and per username, a member's activation
/// and sign-in, organizational-life codes), kept in the database: every node behind the load balancer counts the
/// same attempts, so three nodes do not give a guesser three budgets. One statement per hit, atomic on both
/// databases (an upsert that starts a new window when the old one has ended). The load-shedding limits of the
/// public pages stay per node (`RateLimiter`).
enum Throttle {
    private struct Row: Decodable {
        var hits: Int
        var ends_at: Date
    }

    /// Counts one hit for `key`; the seconds to wait when more than `limit` hits fell in the current window.
    static func hit(_ key: String, limit: Int, window: TimeInterval, now: Date = AppClock.now, on db: Database)
        async throws -> Int?
    {
        let ends = now.addingTimeInterval(window)
        let row = try await db.sql().raw(
            """
            INSERT INTO throttles (key, hits, ends_at) VALUES (\(bind: String(key.prefix(200))), 1, \(bind: ends))
            ON CONFLICT (key) DO UPDATE SET
              hits = CASE WHEN throttles.ends_at <= \(bind: now) THEN 1 ELSE throttles.hits + 1 END,
              ends_at = CASE WHEN throttles.ends_at <= \(bind: now) THEN \(bind: ends) ELSE throttles.ends_at END
            RETURNING hits, ends_at
            """
        ).first(decoding: Row.self)
        guard let row, row.hits > limit else { return nil }
        return ThrottleWindow.wait(until: row.ends_at, now: now, window: window)
    }

    /// Counts hits for each `(key, limit)` in turn with one window, stopping at the first that is over its limit
    /// (a refused client is not also counted against the username); the seconds to wait, or nil.
    static func first(
        _ limits: [(key: String, limit: Int)], window: TimeInterval, now: Date = AppClock.now, on db: Database
    ) async throws -> Int? {
        for l in limits {
            if let wait = try await hit(l.key, limit: l.limit, window: window, now: now, on: db) { return wait }
        }
        return nil
    }

    /// Forgets windows that ended (the daily sweep); returns how many.
    static func sweep(now: Date = AppClock.now, on db: Database) async throws -> Int {
        let sql = try db.sql()
        let n =
            try await sql.raw("SELECT count(*) AS n FROM throttles WHERE ends_at <= \(bind: now)").first(
                decoding: ThrottleCountRow.self)?.n ?? 0
        try await sql.raw("DELETE FROM throttles WHERE ends_at <= \(bind: now)").run()
        return n
    }
}

private struct ThrottleCountRow: Decodable { var n: Int }
