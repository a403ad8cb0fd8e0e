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
}
