import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Every query of the outbox but the sender's (`OutboxClaims`): writing a message, a recipient's inbox and switches,
/// the staff's figures, a branch's group list, a member's messages on the archive.
enum NotifyStore {
    struct Home: Decodable {
        var org_id: Int
        var path: String
    }

    static func home(of member: UUID, on sql: SQLDatabase) async throws -> Home? {
        try await sql.raw(
            """
            SELECT m.organization_id AS org_id, o.path FROM members m JOIN organizations o ON o.id = m.organization_id
            WHERE m.id = \(bind: member)
            """
        ).first(decoding: Home.self)
    }

    /// The same message (by its dedupe key) was made after `since`.
    static func sentWithin(_ dedupe: String, since: Date, on sql: SQLDatabase) async throws -> Bool {
        try await sql.raw(
            "SELECT 1 AS n FROM notifications WHERE dedupe = \(bind: dedupe) AND created_at > \(bind: since) LIMIT 1"
        ).first() != nil
    }

    static func insert(
        _ to: Notify.To, event: NotifyEvent, params: String, sealed: String?, link: String?, dedupe: String,
        at now: Date,
        on sql: SQLDatabase
    ) async throws -> Int64? {
        try await sql.raw(
            """
            INSERT INTO notify_recipients (recipient, muted, updated_at) VALUES (\(bind: to.key), '', \(bind: now))
            ON CONFLICT (recipient) DO NOTHING
            """
        ).run()
        return try await sql.raw(
            """
            INSERT INTO notifications (recipient, member_id, org_id, org_path, category, event, params, sealed, link,
              dedupe, day, created_at, due_after, status, attempts)
            VALUES (\(bind: to.key), \(bind: to.memberID), \(bind: to.orgID), \(bind: to.orgPath),
              \(bind: event.category.rawValue), \(bind: event.rawValue), \(bind: params), \(bind: sealed), \(bind: link),
              \(bind: dedupe), \(bind: CalendarDate(date: now).description), \(bind: now), \(bind: now),
              \(bind: OutboxStatus.queued.rawValue), 0)
            RETURNING id
            """
        ).first(decoding: OutboxID.self)?.id
    }

    // MARK: The member's inbox

    struct InboxRow: Decodable, Sendable {
        var id: Int64
        var event: String
        var params: String
        var link: String?
        var created_at: Date
        var read_at: Date?
        var status: String
        var held: String?
    }

    /// Events shown in an inbox (an activation code and a digest are SMS only).
    static var inboxEvents: SQLGroupExpression {
        SQLGroupExpression(NotifyEvent.allCases.filter(\.inInbox).map { SQLBind($0.rawValue) as any SQLExpression })
    }

    static func inbox(_ recipient: String, limit: Int, offset: Int, on sql: SQLDatabase) async throws -> [InboxRow] {
        try await sql.raw(
            """
            SELECT id, event, params, link, created_at, read_at, status, held FROM notifications
            WHERE recipient = \(bind: recipient) AND event IN \(inboxEvents)
            ORDER BY id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all(decoding: InboxRow.self)
    }

    static func inboxCount(_ recipient: String, unreadOnly: Bool = false, on sql: SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM notifications WHERE recipient = \(bind: recipient) AND event IN \(inboxEvents)
            \(unsafeRaw: unreadOnly ? "AND read_at IS NULL" : "")
            """
        ).first(decoding: CountResult.self)?.n ?? 0
    }

    /// Marks the recipient's messages read (one, or all).
    static func markRead(_ recipient: String, id: Int64? = nil, at now: Date, on sql: SQLDatabase) async throws {
        if let id {
            try await sql.raw(
                """
                UPDATE notifications SET read_at = \(bind: now)
                WHERE recipient = \(bind: recipient) AND id = \(bind: id) AND read_at IS NULL
                """
            ).run()
        } else {
            try await sql.raw(
                """
                UPDATE notifications SET read_at = \(bind: now) WHERE recipient = \(bind: recipient) AND read_at IS NULL
                """
            ).run()
        }
    }

    static func message(_ id: Int64, of recipient: String, on sql: SQLDatabase) async throws -> InboxRow? {
        try await sql.raw(
            """
            SELECT id, event, params, link, created_at, read_at, status, held FROM notifications
            WHERE id = \(bind: id) AND recipient = \(bind: recipient) AND event IN \(inboxEvents)
            """
        ).first(decoding: InboxRow.self)
    }

    // MARK: Switches

    private struct Muted: Decodable { var muted: String }

    static func muted(_ recipient: String, on sql: SQLDatabase) async throws -> Set<NotifyCategory> {
        let raw =
            try await sql.raw("SELECT muted FROM notify_recipients WHERE recipient = \(bind: recipient)")
            .first(decoding: Muted.self)?.muted ?? ""
        return Set(raw.split(separator: ",").compactMap { NotifyCategory(rawValue: String($0)) })
    }

    static func setMuted(_ recipient: String, _ muted: Set<NotifyCategory>, at now: Date, on sql: SQLDatabase)
        async throws
    {
        let text = muted.filter { !$0.alwaysOn }.map(\.rawValue).sorted().joined(separator: ",")
        try await sql.raw(
            """
            INSERT INTO notify_recipients (recipient, muted, updated_at) VALUES (\(bind: recipient), \(bind: text), \(bind: now))
            ON CONFLICT (recipient) DO UPDATE SET muted = excluded.muted, updated_at = excluded.updated_at
            """
        ).run()
    }

    // MARK: Staff

    struct DayFigure: Decodable, Sendable {
        var day: String
        var category: String
        var status: String
        var n: Int
    }

    /// Messages per day, category and status, for an organization's subtree, from `since` (a day) on.
    static func figures(under path: String, since: String, on sql: SQLDatabase) async throws -> [DayFigure] {
        try await sql.raw(
            """
            SELECT day, category, status, COUNT(*) AS n FROM notifications
            WHERE \(PathPrefix("org_path", path)) AND day >= \(bind: since)
            GROUP BY day, category, status ORDER BY day DESC, category
            """
        ).all(decoding: DayFigure.self)
    }

    struct ListRow: Decodable, Sendable {
        var id: Int64
        var recipient: String
        var name: String?
        var org_name: String
        var event: String
        var params: String
        var status: String
        var held: String?
        var created_at: Date
    }

    /// A branch's messages of one day, member by member: what to send to whom through the branch's own group.
    static func groupList(org: Int, day: String, limit: Int, on sql: SQLDatabase) async throws -> [ListRow] {
        try await sql.raw(
            """
            SELECT n.id, n.recipient, m.name, o.name AS org_name, n.event, n.params, n.status, n.held, n.created_at
            FROM notifications n JOIN organizations o ON o.id = n.org_id LEFT JOIN members m ON m.id = n.member_id
            WHERE n.org_id = \(bind: org) AND n.day = \(bind: day) AND n.event IN \(inboxEvents)
            ORDER BY m.name, n.id LIMIT \(bind: limit)
            """
        ).all(decoding: ListRow.self)
    }

    struct ArchiveRow: Decodable, Sendable {
        var event: String
        var params: String
        var status: String
        var held: String?
        var created_at: Date
        var sent_at: Date?
        var last_error: String?
    }

    /// A member's messages (for the archive), newest first.
    static func messages(of member: UUID, limit: Int, on sql: SQLDatabase) async throws -> [ArchiveRow] {
        try await sql.raw(
            """
            SELECT event, params, status, held, created_at, sent_at, last_error FROM notifications
            WHERE recipient = \(bind: "m:" + member.uuidString) ORDER BY id DESC LIMIT \(bind: limit)
            """
        ).all(decoding: ArchiveRow.self)
    }
}

extension NotifyEvent {
    /// The text of a stored message (a sealed one reads as its label: its secret stays sealed).
    func text(stored params: String) -> String {
        guard !secret else { return label }
        let p = (try? JSONDecoder().decode([String: String].self, from: Data(params.utf8))) ?? [:]
        return text(p)
    }
}
