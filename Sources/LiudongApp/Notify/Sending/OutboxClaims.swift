import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The sender's queries. A claim takes due messages and their recipients' rows under lock (`FOR UPDATE SKIP LOCKED`
/// on PostgreSQL, so that senders on several nodes take disjoint recipients; on SQLite the one writer), and moves
/// every message it decides on out of `queued` before the transaction ends: no two senders ever hold one message.
enum OutboxClaims {
    struct Claimed: Decodable, Sendable {
        var id: Int64
        var recipient: String
        var member_id: UUID?
        var org_id: Int
        var org_path: String
        var category: String
        var event: String
        var params: String
        var sealed: String?
        var attempts: Int
        var phone_enc: String?
        var org_phone: String?
        var muted: String
    }

    private struct Key: Decodable {
        var id: Int64
        var recipient: String
    }

    private struct RecipientRow: Decodable {
        var recipient: String
    }

    private struct WeekCount: Decodable {
        var recipient: String
        var n: Int
    }

    static func list<T: Encodable & Sendable>(_ values: [T]) -> SQLGroupExpression {
        SQLGroupExpression(values.map { SQLBind($0) as any SQLExpression })
    }

    /// Messages left `sending` past their lease (a node stopped while sending) go back to the queue.
    static func reclaim(now: Date, on sql: SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE notifications SET status = \(bind: OutboxStatus.queued.rawValue), claimed_until = NULL
            WHERE status = \(bind: OutboxStatus.sending.rawValue) AND claimed_until < \(bind: now)
            """
        ).run()
    }

    /// Up to `limit` due messages' recipients, locked, with every due message of theirs (at most `4 × limit`).
    static func claim(limit: Int, now: Date, on sql: SQLDatabase) async throws -> [Claimed] {
        let pg = sql.dialect.name == "postgresql"
        let skip: SQLQueryString = pg ? " FOR UPDATE SKIP LOCKED" : ""
        let keys = try await sql.raw(
            """
            SELECT id, recipient FROM notifications
            WHERE status = \(bind: OutboxStatus.queued.rawValue) AND due_after <= \(bind: now)
            ORDER BY due_after, id LIMIT \(bind: limit)\(skip)
            """
        ).all(decoding: Key.self)
        guard !keys.isEmpty else { return [] }
        // Every recipient has its row (`Notify.enqueue` makes it; a row written otherwise must not wait forever).
        try await sql.raw(
            """
            INSERT INTO notify_recipients (recipient, muted, updated_at)
            SELECT DISTINCT recipient, '', \(bind: now) FROM notifications WHERE id IN \(list(keys.map(\.id)))
            ON CONFLICT (recipient) DO NOTHING
            """
        ).run()
        let wanted = Array(Set(keys.map(\.recipient)))
        let locked = try await sql.raw(
            "SELECT recipient FROM notify_recipients WHERE recipient IN \(list(wanted))\(skip)"
        ).all(decoding: RecipientRow.self).map(\.recipient)
        guard !locked.isEmpty else { return [] }
        let ofN: SQLQueryString = pg ? " FOR UPDATE OF n SKIP LOCKED" : ""
        return try await sql.raw(
            """
            SELECT n.id, n.recipient, n.member_id, n.org_id, n.org_path, n.category, n.event, n.params, n.sealed,
              n.attempts, m.phone_enc, o.phone AS org_phone, r.muted
            FROM notifications n JOIN notify_recipients r ON r.recipient = n.recipient
            LEFT JOIN members m ON m.id = n.member_id LEFT JOIN organizations o ON o.id = n.org_id
            WHERE n.recipient IN \(list(locked)) AND n.status = \(bind: OutboxStatus.queued.rawValue)
              AND n.due_after <= \(bind: now)
            ORDER BY n.id LIMIT \(bind: limit * 4)\(ofN)
            """
        ).all(decoding: Claimed.self)
    }

    /// Non-urgent SMS sent (or being sent) to each recipient since `since`.
    static func sentSince(_ since: Date, recipients: [String], on sql: SQLDatabase) async throws -> [String: Int] {
        guard !recipients.isEmpty else { return [:] }
        let rows = try await sql.raw(
            """
            SELECT recipient, COUNT(*) AS n FROM notifications
            WHERE recipient IN \(list(recipients)) AND sent_at >= \(bind: since)
              AND category <> \(bind: NotifyCategory.security.rawValue)
              AND status IN \(list([OutboxStatus.sending.rawValue, OutboxStatus.sent.rawValue, OutboxStatus.delivered.rawValue]))
            GROUP BY recipient
            """
        ).all(decoding: WeekCount.self)
        return Dictionary(rows.map { ($0.recipient, $0.n) }, uniquingKeysWith: +)
    }

    static func markSending(_ ids: [Int64], now: Date, lease: Date, on sql: SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw(
            """
            UPDATE notifications SET status = \(bind: OutboxStatus.sending.rawValue), sent_at = \(bind: now),
              attempts = attempts + 1, claimed_until = \(bind: lease)
            WHERE id IN \(list(ids))
            """
        ).run()
    }

    static func hold(_ ids: [Int64], _ why: NotifyRules.Held, digest: Int64? = nil, on sql: SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw(
            """
            UPDATE notifications SET status = \(bind: OutboxStatus.suppressed.rawValue), held = \(bind: why.rawValue),
              digest_id = \(bind: digest)
            WHERE id IN \(list(ids))
            """
        ).run()
    }

    static func defer_(_ ids: [Int64], until: Date, on sql: SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw("UPDATE notifications SET due_after = \(bind: until) WHERE id IN \(list(ids))").run()
    }

    enum Result: Sendable {
        case accepted(id: Int64, provider: String, providerID: String)
        case retry(id: Int64, error: String, at: Date)
        case failed(id: Int64, error: String)
    }

    /// What the provider answered, written back (only over a message still `sending`).
    static func record(_ results: [Result], on sql: SQLDatabase) async throws {
        let sending = OutboxStatus.sending.rawValue
        for r in results {
            switch r {
            case .accepted(let id, let provider, let pid):
                try await sql.raw(
                    """
                    UPDATE notifications SET status = \(bind: OutboxStatus.sent.rawValue), provider = \(bind: provider),
                      provider_id = \(bind: pid), last_error = NULL, claimed_until = NULL
                    WHERE id = \(bind: id) AND status = \(bind: sending)
                    """
                ).run()
            case .retry(let id, let error, let at):
                try await sql.raw(
                    """
                    UPDATE notifications SET status = \(bind: OutboxStatus.queued.rawValue), due_after = \(bind: at),
                      sent_at = NULL, last_error = \(bind: String(error.prefix(200))), claimed_until = NULL
                    WHERE id = \(bind: id) AND status = \(bind: sending)
                    """
                ).run()
            case .failed(let id, let error):
                try await sql.raw(
                    """
                    UPDATE notifications SET status = \(bind: OutboxStatus.failed.rawValue),
                      last_error = \(bind: String(error.prefix(200))), claimed_until = NULL
                    WHERE id = \(bind: id) AND status = \(bind: sending)
                    """
                ).run()
            }
        }
    }

    struct Sent: Decodable, Sendable {
        var id: Int64
        var recipient: String
        var status: String
        var provider_id: String?
        var phone_hash: String?
        var org_phone: String?
    }

    static func sent(_ id: Int64, on sql: SQLDatabase) async throws -> Sent? {
        try await sql.raw(
            """
            SELECT n.id, n.recipient, n.status, n.provider_id, m.phone_hash, o.phone AS org_phone
            FROM notifications n LEFT JOIN members m ON m.id = n.member_id LEFT JOIN organizations o ON o.id = n.org_id
            WHERE n.id = \(bind: id)
            """
        ).first(decoding: Sent.self)
    }

    /// A delivery report: delivered, or failed with the carrier's reason — only over a message `sent` (a replay
    /// changes nothing).
    static func deliver(_ id: Int64, delivered: Bool, error: String?, at: Date, on sql: SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE notifications SET status = \(bind: delivered ? OutboxStatus.delivered.rawValue : OutboxStatus.failed.rawValue),
              delivered_at = \(bind: delivered ? at : nil), last_error = \(bind: error.map { String($0.prefix(200)) })
            WHERE id = \(bind: id) AND status = \(bind: OutboxStatus.sent.rawValue)
            """
        ).run()
    }

    /// A digest SMS standing for `count` messages of one recipient, made `sending` at once.
    static func insertDigest(
        for c: Claimed, count: Int, now: Date, lease: Date, on sql: SQLDatabase
    ) async throws -> Int64? {
        let params = String(decoding: try JSONEncoder.sorted.encode(["count": "\(count)"]), as: UTF8.self)
        return try await sql.raw(
            """
            INSERT INTO notifications (recipient, member_id, org_id, org_path, category, event, params, dedupe, day,
              created_at, due_after, status, sent_at, attempts, claimed_until)
            VALUES (\(bind: c.recipient), \(bind: c.member_id), \(bind: c.org_id), \(bind: c.org_path),
              \(bind: NotifyCategory.digest.rawValue), \(bind: NotifyEvent.digest.rawValue), \(bind: params),
              \(bind: "digest:\(c.recipient):\(now.timeIntervalSince1970)"), \(bind: CalendarDate(date: now).description),
              \(bind: now), \(bind: now), \(bind: OutboxStatus.sending.rawValue), \(bind: now), 1, \(bind: lease))
            RETURNING id
            """
        ).first(decoding: OutboxID.self)?.id
    }
}
