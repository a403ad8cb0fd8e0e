import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Reading requests: an account's list (what is routed or escalated to organizations it covers), a member's own, the
/// statistics per organization, and one request's trail.
enum RequestStore {
    /// One line of a list (the API's shape plus what the pages show).
    struct Item: Content {
        var id: String
        var kind: String
        var kindLabel: String
        var title: String
        var status: String
        var statusLabel: String
        var routedTo: RoutedTo
        var acknowledgeBy: String
        var answerBy: String
        var submittedOn: String
        var member: String?
        var overdue: Bool
        var escalated: Bool
        var stars: Int?
    }

    struct RoutedTo: Content {
        var orgCode: String
        var name: String
    }

    struct Row: Decodable {
        var id: UUID
        var kind: String
        var title: String
        var status: String
        var acknowledge_by: String
        var answer_by: String
        var submitted_on: String
        var org_code: String
        var org_name: String
        var member_name: String?
        var escalated_stage: String?
        var stars: Int?
    }

    static func item(_ r: Row, today: CalendarDate, showMember: Bool) -> Item {
        let status = ServiceRequestStatus(rawValue: r.status) ?? .submitted
        let day = today.description
        let overdue = (status.isOpen && day > r.answer_by) || (status == .submitted && day > r.acknowledge_by)
        return Item(
            id: r.id.uuidString, kind: r.kind, kindLabel: ServiceRequestKind(rawValue: r.kind)?.label ?? r.kind,
            title: r.title, status: r.status, statusLabel: status.label,
            routedTo: RoutedTo(orgCode: r.org_code, name: r.org_name), acknowledgeBy: r.acknowledge_by,
            answerBy: r.answer_by, submittedOn: r.submitted_on, member: showMember ? r.member_name : nil,
            overdue: overdue, escalated: r.escalated_stage != nil, stars: r.stars)
    }

    /// The organizations an account's requests come from: routed to, or escalated to, one it covers.
    static func scopeFilter(_ user: CurrentUser, within path: String? = nil) -> SQLQueryString {
        if user.isInflowSide {
            return "(r.routed_org_id = \(bind: user.scopeID) OR r.escalated_to_org_id = \(bind: user.scopeID))"
        }
        let p = path ?? user.scopePath
        let external: SQLQueryString = user.seesExternal && path == nil ? " OR o.kind = 'external'" : ""
        return """
            (\(PathPrefix("o.path", p))\(external) OR r.escalated_to_org_id IN (SELECT id FROM organizations WHERE \(PathPrefix("path", p))))
            """
    }

    static let select: SQLQueryString = """
        SELECT r.id, r.kind, r.title, r.status, r.acknowledge_by, r.answer_by, r.submitted_on, o.code AS org_code,
               o.short_name AS org_name, m.name AS member_name, r.escalated_stage, r.stars
        FROM service_requests r JOIN organizations o ON o.id = r.routed_org_id JOIN members m ON m.id = r.member_id
        """

    static func staff(
        _ user: CurrentUser, status: ServiceRequestStatus?, overdueOnly: Bool = false, today: CalendarDate,
        limit: Int = 200, on db: Database
    ) async throws -> [Item] {
        let statusFilter: SQLQueryString = status.map { " AND r.status = \(bind: $0.rawValue)" } ?? ""
        let rows = try await db.sql().raw(
            """
            \(select) WHERE \(scopeFilter(user))\(statusFilter)
            ORDER BY r.status = 'closed', r.answer_by, r.submitted_at DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
            """
        ).all(decoding: Row.self)
        let items = rows.map { item($0, today: today, showMember: true) }
        return overdueOnly ? items.filter(\.overdue) : items
    }

    static func member(_ id: UUID, today: CalendarDate, on db: Database) async throws -> [Item] {
        try await db.sql().raw(
            "\(select) WHERE r.member_id = \(bind: id) ORDER BY r.submitted_at DESC LIMIT 200"
        ).all(decoding: Row.self).map { item($0, today: today, showMember: false) }
    }

    /// `{"received","answered","onTime","onTimeRate","satisfaction"}` for the requests routed to an organization's
    /// subtree and submitted between two days. `onTimeRate`: answered by the deadline, of those answered or already
    /// past their deadline unanswered (0 when none is due). `satisfaction`: mean stars (1–5, one decimal) of the rated
    /// ones, null when none is rated.
    struct Stats: Content, Equatable {
        var received: Int
        var answered: Int
        var onTime: Int
        var onTimeRate: Double
        var satisfaction: Double?
    }

    static func stats(
        path: String, from: CalendarDate, to: CalendarDate, today: CalendarDate, on db: Database
    ) async throws -> Stats {
        struct R: Decodable {
            var status: String
            var answer_by: String
            var answered_on: String?
            var stars: Int?
        }
        let rows = try await db.sql().raw(
            """
            SELECT r.status, r.answer_by, r.answered_on, r.stars FROM service_requests r
            JOIN organizations o ON o.id = r.routed_org_id
            WHERE \(PathPrefix("o.path", path)) AND r.submitted_on >= \(bind: from.description)
              AND r.submitted_on <= \(bind: to.description)
            """
        ).all(decoding: R.self)
        let day = today.description
        let answered = rows.filter { $0.answered_on != nil }
        let onTime = answered.filter { ($0.answered_on ?? "") <= $0.answer_by }.count
        let lateOpen = rows.filter { $0.answered_on == nil && day > $0.answer_by }.count
        let due = answered.count + lateOpen
        let stars = rows.compactMap(\.stars)
        return Stats(
            received: rows.count, answered: answered.count, onTime: onTime,
            onTimeRate: due == 0 ? 0 : (Double(onTime) / Double(due) * 1000).rounded() / 1000,
            satisfaction: stars.isEmpty
                ? nil : (Double(stars.reduce(0, +)) / Double(stars.count) * 10).rounded() / 10)
    }

    struct Event: Encodable {
        var at: String
        var actor: String
        var action: String
        var note: String?
    }

    static func trail(_ id: UUID, on db: Database) async throws -> [Event] {
        try await ServiceRequestEvent.query(on: db).filter(\.$requestID == id).sort(\.$at).all().map {
            Event(
                at: OrgLifeTime.text($0.at).replacingOccurrences(of: "T", with: " "), actor: $0.actor,
                action: $0.action, note: $0.note)
        }
    }
}
