import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of the lost-contact procedure: cases under an organization with their tries, a flow's log, and the
/// committee's proposals.
enum LostContactStore {
    /// Candidates and confirmed lost members under `path`, the longest first, with their tries (at most 500).
    static func cases(under path: String, on db: Database) async throws -> [LostCaseRow] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT f.id AS flow_id, m.id, m.name, o.short_name AS branch, f.status, f.last_contact_on,
              f.lost_candidate_since, (SELECT COUNT(*) FROM lost_searches s WHERE s.flow_id = f.id) AS tries
            FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN flows f ON f.member_id = m.id AND f.status IN \(open)
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL AND f.lost_candidate_since IS NOT NULL
            ORDER BY f.lost_candidate_since, o.path, m.name LIMIT 500
            """
        ).all(decoding: LostCaseRow.self)
    }

    /// Lost members (confirmed) lost since before `cutoff` with at least `minimum` tries, per branch under `path`.
    static func proposals(under path: String, cutoff: CalendarDate, minimum: Int, on sql: SQLDatabase) async throws
        -> [Int: Int]
    {
        // A city or province starts from the lost flows (`ScopeWidth`).
        let from: SQLQueryString =
            try await ScopeWidth.isWide(path, on: sql)
            ? "flows f CROSS JOIN members m CROSS JOIN organizations o"
            : "organizations o CROSS JOIN members m CROSS JOIN flows f"
        return try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n
            FROM \(from)
            WHERE m.id = f.member_id AND o.id = m.organization_id AND \(PathPrefix("o.path", path)) AND m.roster_state IS NULL AND f.status = \(bind: FlowState.lost.rawValue)
              AND f.lost_candidate_since <= \(bind: cutoff.description)
              AND (SELECT COUNT(*) FROM lost_searches s WHERE s.flow_id = f.id) >= \(bind: minimum)
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self).counts
    }

    static func searches(of flow: UUID, on db: Database) async throws -> [LostSearch] {
        try await LostSearch.query(on: db).filter(\.$flowID == flow).sort(\.$onDay).all()
    }
}

struct LostCaseRow: Decodable {
    var flowID: UUID
    var id: UUID
    var name: String
    var branch: String
    var status: FlowState
    var lastContactOn: String
    var lostCandidateSince: String?
    var tries: Int

    enum CodingKeys: String, CodingKey {
        case id, name, branch, status, tries
        case flowID = "flow_id"
        case lastContactOn = "last_contact_on"
        case lostCandidateSince = "lost_candidate_since"
    }
}
