import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Reads about mobile organizations' participants.
enum MobileOrgStore {
    struct CountRow: Decodable {
        var org_id: Int
        var n: Int
    }

    /// Members taking part now, per mobile organization.
    static func participants(on db: Database) async throws -> [Int: Int] {
        let rows = try await db.sql().raw(
            "SELECT org_id, COUNT(*) AS n FROM mobile_org_members WHERE left_on IS NULL GROUP BY org_id"
        ).all(decoding: CountRow.self)
        return Dictionary(rows.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)
    }

    struct Participant: Decodable {
        var membership_id: UUID
        var member_id: UUID
        var name: String
        var branch: String
        var joined_on: String
    }

    static func participantList(_ orgID: Int, on db: Database) async throws -> [Participant] {
        try await db.sql().raw(
            """
            SELECT mm.id AS membership_id, m.id AS member_id, m.name, b.short_name AS branch, mm.joined_on
            FROM mobile_org_members mm JOIN members m ON m.id = mm.member_id JOIN organizations b ON b.id = m.organization_id
            WHERE mm.org_id = \(bind: orgID) AND mm.left_on IS NULL ORDER BY mm.joined_on, m.name LIMIT 2000
            """
        ).all(decoding: Participant.self)
    }

    struct Candidate: Decodable {
        var id: UUID
        var name: String
        var branch: String
        var destination_code: String?
    }

    /// Mobile members under the organization's parent (within the account's scope) flowing to the same city or
    /// prefecture as the organization and taking part in no mobile organization: who could join.
    /// Which uncovered members the demo picks.
    enum Uncovered {
        /// Reporting to no organization.
        case unreported
        /// Reporting to an inflow organization (other than `except`) where no agreement covers them.
        case unsigned(except: Int)
    }

    static func candidates(
        for org: Organization, within scopePath: String, uncovered: Uncovered? = nil, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> [Candidate] {
        guard let parentID = org.parentID, let parent = try await Organization.find(parentID, on: db) else { return [] }
        let under = parent.path.hasPrefix(scopePath) ? parent.path : scopePath
        let onlyUncovered: SQLQueryString
        switch uncovered {
        case nil: onlyUncovered = ""
        case .unreported: onlyUncovered = "AND f.inflow_org_id IS NULL"
        case .unsigned(let except):
            onlyUncovered = """
                AND f.inflow_org_id <> \(bind: except)
                AND EXISTS (SELECT 1 FROM organizations i WHERE i.id = f.inflow_org_id AND i.kind = 'external')
                AND NOT \(Coverage.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: today.description))
                """
        }
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT m.id, m.name, o.short_name AS branch, f.destination_code
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f
            WHERE \(PathPrefix("o.path", under)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND f.destination_code LIKE \(bind: String(org.divisionCode.prefix(4)) + "%")
              AND NOT EXISTS (SELECT 1 FROM mobile_org_members mm WHERE mm.member_id = m.id AND mm.left_on IS NULL)
              \(onlyUncovered)
            ORDER BY o.code, m.name LIMIT 500
            """
        ).all(decoding: Candidate.self)
    }
}
