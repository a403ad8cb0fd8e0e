import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A corrective item as the lists show it, with its meeting and organization.
struct RectificationRow: Decodable, Sendable {
    var id: UUID
    var event_id: UUID
    var org_id: Int
    var what: String
    var who: String
    var due_on: String
    var done_on: String?
    var done_note: String?
    var topic: String
    var held_on: String
    var short_name: String
}

/// The queries of corrective items: a meeting's, those under an organization, the overdue counts.
enum RectificationStore {
    static func of(event: UUID, on db: Database) async throws -> [Rectification] {
        try await Rectification.query(on: db).filter(\.$eventID == event).sort(\.$dueOn).sort(\.$createdAt).all()
    }

    /// Items under `path`: open ones first (earliest due first), then the last done.
    static func under(_ path: String, limit: Int = 500, on db: Database) async throws -> [RectificationRow] {
        try await db.sql().raw(
            """
            SELECT r.id, r.event_id, r.org_id, r.what, r.who, r.due_on, r.done_on, r.done_note, e.topic, e.held_on,
              o.short_name
            FROM organizations o JOIN org_life_rectifications r ON r.org_id = o.id
            JOIN org_life_events e ON e.id = r.event_id
            WHERE \(PathPrefix("o.path", path))
            ORDER BY r.done_on IS NOT NULL, r.due_on, o.path, r.id LIMIT \(unsafeRaw: String(limit))
            """
        ).all(decoding: RectificationRow.self)
    }

    /// Open items past their due day under `path`, per organization.
    static func overdue(under path: String, today: CalendarDate, on db: Database) async throws -> [Int: Int] {
        try await db.sql().raw(
            """
            SELECT r.org_id, COUNT(*) AS n FROM organizations o JOIN org_life_rectifications r ON r.org_id = o.id
            WHERE \(PathPrefix("o.path", path)) AND r.done_on IS NULL AND r.due_on < \(bind: today.description)
            GROUP BY r.org_id
            """
        ).all(decoding: OrgCount.self).counts
    }
}
