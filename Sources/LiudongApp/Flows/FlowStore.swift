import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A flow as the archive shows it.
struct FlowHistoryRow: Decodable {
    var status: String
    var left_on: String
    var destination_code: String?
    var inflow: String?
    var arrived_on: String?
    var returned_on: String?
    var last_contact_on: String
}

/// The flows table's queries for the archive and the worklist.
enum FlowStore {
    /// A member's open flows (away, arrived, lost), the latest left first — normally one.
    static func open(of member: UUID, on db: Database) async throws -> [Flow] {
        try await Flow.query(on: db).filter(\.$memberID == member).filter(
            \.$status ~~ FlowState.allCases.filter(\.isOpen)
        )
        .sort(\.$leftOn, .descending).all()
    }

    static func history(of memberID: UUID, on sql: SQLDatabase) async throws -> [FlowHistoryRow] {
        try await sql.raw(
            """
            SELECT f.status, f.left_on, f.destination_code, i.short_name AS inflow, f.arrived_on, f.returned_on,
                   f.last_contact_on
            FROM flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id WHERE f.member_id = \(bind: memberID)
            """
        ).all(decoding: FlowHistoryRow.self)
    }

    /// Flagged flows of members in the subtree, per branch; `late`: those flagged before `lateBefore`.
    static func flagged(
        _ list: FlowService.List, under path: String, lateBefore: String?,
        on sql: SQLDatabase
    ) async throws -> [OrgCount] {
        let condition: SQLQueryString
        let flaggedOn: String
        switch list {
        case .overdue, .mobile:
            condition = "f.status = \(bind: FlowState.away.rawValue) AND f.overdue_since IS NOT NULL"
            flaggedOn = "f.overdue_since"
        case .lostCandidates:
            condition = """
                f.status IN (\(bind: FlowState.away.rawValue), \(bind: FlowState.arrived.rawValue)) \
                AND f.lost_candidate_since IS NOT NULL
                """
            flaggedOn = "f.lost_candidate_since"
        }
        let late = SQLQueryString(
            "SUM(CASE WHEN \(unsafeRaw: flaggedOn) < \(bind: lateBefore ?? "") THEN 1 ELSE 0 END)")
        return try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n, \(late) AS late
            FROM flows f \(FlowJoin(under: path)) members m ON m.id = f.member_id
                 \(FlowJoin(under: path)) organizations b ON b.id = m.organization_id
            WHERE \(condition) AND \(PathPrefix("b.path", path)) GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
    }

    /// One page of a flow list (`FlowService.List`) with its total, in one query of plain rows: the flows of members
    /// under `path` (for an inflow organization: those reported to `inflowID`), by member name. A county's page
    /// decoded three joined models per row and counted each list again (a county's organization page took 0.3 s).
    /// Every list holds open flows only, and a member's `flow_status` mirrors their open flow's, so the members are
    /// narrowed by `members_org_flow` to the mobile ones before their flows are read (8.5 to 1.3 ms for a county of
    /// the 1,000,000-member province).
    static func listPage(
        _ list: FlowService.List, path: String?, inflowID: Int?, limit: Int, on sql: SQLDatabase
    ) async throws -> [FlowListRow] {
        let which: SQLQueryString
        switch list {
        case .mobile: which = "f.status IN ('away', 'arrived', 'lost')"
        case .overdue: which = "f.status = 'away' AND f.overdue_since IS NOT NULL"
        case .lostCandidates: which = "f.status IN ('away', 'arrived') AND f.lost_candidate_since IS NOT NULL"
        }
        let from: SQLQueryString
        if let path {
            from = """
                FROM organizations o CROSS JOIN members m CROSS JOIN flows f
                WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id
                  AND m.flow_status IN ('away', 'arrived', 'lost') AND f.member_id = m.id
                """
        } else {
            from = """
                FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations o ON o.id = m.organization_id
                WHERE f.inflow_org_id = \(bind: inflowID ?? -1)
                """
        }
        return try await sql.raw(
            """
            SELECT f.id AS flow_id, m.id AS member_id, m.name, o.short_name AS branch, f.status, f.destination_code,
              f.left_on, f.last_contact_on, f.overdue_since, f.lost_candidate_since,
              (SELECT i.short_name FROM organizations i WHERE i.id = f.inflow_org_id) AS inflow_name,
              COUNT(*) OVER () AS total
            \(from) AND \(which)
            ORDER BY m.name, f.id LIMIT \(bind: max(1, min(limit, 1000)))
            """
        ).all(decoding: FlowListRow.self)
    }
}

/// A row of `FlowStore.listPage`, with the list's total.
struct FlowListRow: Decodable {
    var flow_id: UUID
    var member_id: UUID
    var name: String
    var branch: String
    var status: String
    var destination_code: String?
    var left_on: String
    var last_contact_on: String
    var overdue_since: String?
    var lost_candidate_since: String?
    var inflow_name: String?
    var total: Int
}
