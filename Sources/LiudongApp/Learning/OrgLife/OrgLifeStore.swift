import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Who an event's attendance form lists.
enum OrgLifeStore {
    struct Person: Decodable {
        var id: UUID
        var name: String
        var branch: String
        var mobile: Bool
        var status: String?
        var reason: String?
        var attendedAt: String?
        var notCounted: Bool
        var via: String?
    }

    static let maxListed = 600

    /// The organization's roster (its own members and those below), the members reporting to it or taking part in
    /// it, and anyone already checked in: each with their attendance.
    static func people(_ e: OrgLifeEvent, org: Organization, on db: Database) async throws -> [Person] {
        struct Row: Decodable {
            var id: UUID
            var name: String
            var branch: String
            var flow_status: String?
            var status: String?
            var reason: String?
            var attended_at: String?
            var not_counted: Bool?
            var via: String?
        }
        let open = SQLBind.group(LedgerService.openStates)
        let rows = try await db.sql().raw(
            """
            SELECT m.id, m.name, b.short_name AS branch, m.flow_status, a.status, a.reason, a.attended_at,
              a.not_counted, a.via
            FROM members m JOIN organizations b ON b.id = m.organization_id
            LEFT JOIN org_life_attendance a ON a.member_id = m.id AND a.event_id = \(bind: e.id!)
            WHERE \(PathPrefix("b.path", org.path))
               OR m.id IN (SELECT member_id FROM org_life_attendance WHERE event_id = \(bind: e.id!))
               OR m.id IN (SELECT member_id FROM flows WHERE inflow_org_id = \(bind: org.id!) AND status IN \(open))
               OR m.id IN (SELECT member_id FROM mobile_org_members WHERE org_id = \(bind: org.id!) AND left_on IS NULL)
            ORDER BY b.path, m.name LIMIT \(unsafeRaw: String(maxListed))
            """
        ).all(decoding: Row.self)
        return rows.map {
            Person(
                id: $0.id, name: $0.name, branch: $0.branch, mobile: $0.flow_status != nil, status: $0.status,
                reason: $0.reason, attendedAt: $0.attended_at, notCounted: $0.not_counted ?? false, via: $0.via)
        }
    }
}
