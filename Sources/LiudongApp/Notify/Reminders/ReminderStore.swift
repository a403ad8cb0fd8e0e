import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Who the daily reminders go to: the week's quiz opening today (mobile members with a phone account under the
/// publisher), tomorrow's organizational life (the branch's members on the roster), activity certificates ending in
/// 30 days, and three months of dues unpaid.
enum ReminderStore {
    struct Due: Decodable, Sendable {
        var member_id: UUID
        var a: String?
        var b: String?
        var c: String?
    }

    /// Mobile members (an open flow) with a phone account under an organization publishing a quiz that opens today.
    static func quizOpening(_ today: CalendarDate, on sql: SQLDatabase) async throws -> [Due] {
        try await sql.raw(
            """
            SELECT DISTINCT m.id AS member_id, q.week AS a, NULL AS b, NULL AS c
            FROM quizzes q JOIN organizations p ON p.id = q.publisher_org_id
            JOIN organizations o ON o.path >= p.path AND o.path < substr(p.path, 1, length(p.path) - 1) || '0'
            JOIN members m ON m.organization_id = o.id AND m.roster_state IS NULL
            JOIN member_accounts a ON a.member_id = m.id
            WHERE q.opens_on = \(bind: today.description)
              AND EXISTS (SELECT 1 FROM flows f WHERE f.member_id = m.id AND f.status IN (\(bind: FlowState.away.rawValue), \(bind: FlowState.arrived.rawValue)))
            """
        ).all(decoding: Due.self)
    }

    /// The roster members of each branch holding organizational life tomorrow: kind, start time, place.
    static func orgLifeTomorrow(_ today: CalendarDate, on sql: SQLDatabase) async throws -> [Due] {
        try await sql.raw(
            """
            SELECT m.id AS member_id, e.kind AS a, e.starts_at AS b, COALESCE(e.place, '线上') AS c
            FROM org_life_events e JOIN members m ON m.organization_id = e.org_id AND m.roster_state IS NULL
            WHERE e.held_on = \(bind: today.adding(days: 1).description)
            """
        ).all(decoding: Due.self)
    }

    /// Activity certificates (not revoked) whose validity ends 30 days from today.
    static func certificatesEnding(_ today: CalendarDate, on sql: SQLDatabase) async throws -> [Due] {
        try await sql.raw(
            """
            SELECT member_id, valid_to AS a, NULL AS b, NULL AS c FROM certificates
            WHERE valid_to = \(bind: today.adding(days: 30).description) AND revoked_on IS NULL
            """
        ).all(decoding: Due.self)
    }

    /// Members with each of the three months before `month` due and unpaid.
    static func duesArrears(before month: YearMonth, on sql: SQLDatabase) async throws -> [Due] {
        let months = (1...3).map { SQLBind(month.adding(-$0).description) as any SQLExpression }
        return try await sql.raw(
            """
            SELECT member_id, NULL AS a, NULL AS b, NULL AS c FROM dues_months
            WHERE month IN \(SQLGroupExpression(months)) AND payment_id IS NULL AND due_fen > 0
            GROUP BY member_id HAVING COUNT(*) = 3
            """
        ).all(decoding: Due.self)
    }
}
