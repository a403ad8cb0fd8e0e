import Fluent
import Foundation
import LiudongCore
import SQLKit

/// One of our open flows with the national record of the same person, as loaded.
struct OurFlowRow: Decodable {
    var member_id: UUID
    var id_hash: String
    var id_enc: String
    var name: String
    var phone_hash: String?
    var phone_tail: String?
    var branch_id: Int
    var branch_name: String
    var branch_path: String
    var status: String
    var destination_code: String?
    var inflow_org_id: Int?
    var inflow_name: String?
    var lost_candidate_since: String?
    var n_mobile: Bool?
    var n_lost: Bool?
    var n_org: Int?
    var n_branch: String?
    var n_phone: String?
    var n_phone_tail: String?
}

struct InflowLineRow: Decodable {
    var id_hash: String
    var id_tail_enc: String?
    var name: String
    var org_id: Int
    var org_code: String
    var org_name: String
    var org_path: String
    var phone_hash: String?
}

struct OrgPathRow: Decodable {
    var id: Int
    var path: String
}

struct RosterRow: Decodable {
    var id: UUID
    var id_number_hash: String
    var organization_id: Int
    var path: String
    var flow_status: String?
}

struct NationalOnlyRow: Decodable {
    var id_hash: String
    var id_enc: String
    var name: String
    var organization_id: Int
    var path: String
    var is_mobile: Bool
    var is_lost: Bool
    var member_id: UUID?
    var flow_status: String?
}

struct AbsentRow: Decodable {
    var id: UUID
    var id_number_hash: String
    var id_number_enc: String
    var name: String
    var organization_id: Int
    var path: String
}

private struct OrgIDRow: Decodable {
    var org_id: Int
}

private struct PathRow: Decodable {
    var path: String
}

/// Loads what a reconciliation of one scope and quarter compares (`ThreeWayMatch.Input`).
enum ReconcileLoader {
    struct Loaded {
        var input: ThreeWayMatch.Input
        var nationalRows: Int
    }

    static func load(quarter: Quarter, scope: Organization, on sql: SQLDatabase) async throws -> Loaded {
        let q = quarter.description
        let open = SQLBind.group(LedgerService.openStates)
        // Counties of the tree, to tell each item's county (progress and sign-off are per county).
        let counties = try await sql.raw("SELECT id, path FROM organizations WHERE level = 'county'")
            .all(decoding: OrgPathRow.self)
        let countyByPath = Dictionary(counties.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
        let ours = try await sql.raw(
            """
            SELECT m.id AS member_id, m.id_number_hash AS id_hash, m.id_number_enc AS id_enc, m.name, m.phone_hash,
                   m.phone_tail, m.organization_id AS branch_id, b.short_name AS branch_name, b.path AS branch_path,
                   f.status, f.destination_code, f.inflow_org_id, i.short_name AS inflow_name, f.lost_candidate_since,
                   n.is_mobile AS n_mobile, n.is_lost AS n_lost, n.organization_id AS n_org, nb.short_name AS n_branch,
                   n.phone_hash AS n_phone, n.phone_tail AS n_phone_tail
            FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
            LEFT JOIN organizations i ON i.id = f.inflow_org_id
            LEFT JOIN national_records n ON n.quarter = \(bind: q) AND n.id_hash = m.id_number_hash
            LEFT JOIN organizations nb ON nb.id = n.organization_id
            WHERE \(PathPrefix("b.path", scope.path)) AND m.flow_status IN \(open) AND f.status IN \(open)
            """
        ).all(decoding: OurFlowRow.self).map(Self.flow)
        let entries = try await sql.raw(
            """
            SELECT e.id_hash, e.id_tail_enc, e.name, e.org_id, o.code AS org_code, o.short_name AS org_name,
                   o.path AS org_path, e.phone_hash
            FROM inflow_ledger_entries e JOIN organizations o ON o.id = e.org_id WHERE e.quarter = \(bind: q)
            """
        ).all(decoding: InflowLineRow.self).map(Self.entry)
        let submitted = Set(
            try await sql.raw("SELECT org_id FROM inflow_ledger_submissions WHERE quarter = \(bind: q)")
                .all(decoding: OrgIDRow.self).map(\.org_id))
        let inflowIDs = Array(Set(ours.compactMap(\.inflowOrgID)))
        var inflowPaths: [Int: String] = [:]
        for chunk in inflowIDs.chunked(500) {
            let rows = try await sql.select().columns("id", "path").from("organizations")
                .where("id", .in, Array(chunk)).all(decoding: OrgPathRow.self)
            for row in rows { inflowPaths[row.id] = row.path }
        }
        // Counties the national export covers this quarter: only there is “absent from the national export” meaningful.
        let nationalOrgs = try await sql.raw(
            """
            SELECT DISTINCT b.path FROM national_records n JOIN organizations b ON b.id = n.organization_id
            WHERE n.quarter = \(bind: q) AND \(PathPrefix("b.path", scope.path))
            """
        ).all(decoding: PathRow.self)
        let covered = Set(nationalOrgs.compactMap { ThreeWayMatch.county(of: $0.path, in: countyByPath) })
        let nationalRows =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM national_records n JOIN organizations b ON b.id = n.organization_id
                WHERE n.quarter = \(bind: q) AND \(PathPrefix("b.path", scope.path))
                """
            ).first(decoding: CountResult.self)?.n ?? 0
        let input = ThreeWayMatch.Input(
            scopePath: scope.path, countyByPath: countyByPath, ours: ours, entries: entries, submitted: submitted,
            inflowOrgPaths: inflowPaths, coveredCounties: covered,
            roster: try await roster(
                ThreeWayMatch.unmatchedHashes(entries: entries, ours: ours), under: scope.path, on: sql),
            nationalOnly: try await nationalOnly(quarter: q, under: scope.path, on: sql),
            absent: try await absent(quarter: q, scope: scope, counties: counties, covered: covered, on: sql))
        return Loaded(input: input, nationalRows: nationalRows)
    }

    private static func flow(_ o: OurFlowRow) -> ThreeWayMatch.OurFlow {
        let national = o.n_mobile.map {
            ThreeWayMatch.NationalFacts(
                isMobile: $0, isLost: o.n_lost, orgID: o.n_org, branchName: o.n_branch,
                phoneHash: o.n_phone, phoneTail: o.n_phone_tail)
        }
        return ThreeWayMatch.OurFlow(
            memberID: o.member_id, idHash: o.id_hash, idSealed: o.id_enc, name: o.name, phoneHash: o.phone_hash,
            phoneTail: o.phone_tail, branchID: o.branch_id, branchName: o.branch_name, branchPath: o.branch_path,
            status: o.status, destinationCode: o.destination_code, inflowOrgID: o.inflow_org_id,
            inflowName: o.inflow_name,
            lostCandidateSince: o.lost_candidate_since, national: national)
    }

    private static func entry(_ e: InflowLineRow) -> ThreeWayMatch.InflowEntry {
        ThreeWayMatch.InflowEntry(
            idHash: e.id_hash, tailSealed: e.id_tail_enc, name: e.name, orgID: e.org_id,
            orgCode: e.org_code, orgName: e.org_name, orgPath: e.org_path, phoneHash: e.phone_hash)
    }

    /// Members of our roster in scope among the given ID hashes.
    private static func roster(
        _ hashes: [String], under path: String,
        on sql: SQLDatabase
    ) async throws -> [String: ThreeWayMatch.RosterMember] {
        var roster: [String: ThreeWayMatch.RosterMember] = [:]
        for chunk in hashes.chunked(500) {
            let rows = try await sql.raw(
                """
                SELECT m.id, m.id_number_hash, m.organization_id, b.path, m.flow_status
                FROM members m JOIN organizations b ON b.id = m.organization_id
                WHERE m.id_number_hash IN \(SQLBind.group(Array(chunk))) AND \(PathPrefix("b.path", path))
                """
            ).all(decoding: RosterRow.self)
            for r in rows {
                roster[r.id_number_hash] = ThreeWayMatch.RosterMember(
                    memberID: r.id, orgID: r.organization_id, path: r.path,
                    flowStatus: r.flow_status)
            }
        }
        return roster
    }

    /// National records flagged mobile without an open flow here, and those of people not on our roster.
    private static func nationalOnly(
        quarter q: String, under path: String,
        on sql: SQLDatabase
    ) async throws -> [ThreeWayMatch.NationalOnly] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await sql.raw(
            """
            SELECT n.id_hash, n.id_enc, n.name, n.organization_id, b.path, n.is_mobile, n.is_lost, m.id AS member_id,
                   m.flow_status
            FROM national_records n JOIN organizations b ON b.id = n.organization_id
            LEFT JOIN members m ON m.id_number_hash = n.id_hash
            WHERE n.quarter = \(bind: q) AND \(PathPrefix("b.path", path))
              AND (m.id IS NULL OR (n.is_mobile = \(bind: true) AND (m.flow_status IS NULL OR m.flow_status NOT IN \(open))))
            """
        ).all(decoding: NationalOnlyRow.self).map {
            ThreeWayMatch.NationalOnly(
                idHash: $0.id_hash, idSealed: $0.id_enc, name: $0.name, orgID: $0.organization_id,
                path: $0.path, isMobile: $0.is_mobile, isLost: $0.is_lost, memberID: $0.member_id,
                flowStatus: $0.flow_status)
        }
    }

    /// On our roster (not flowing: flowing ones are compared one by one) but absent from the national export, in the
    /// covered counties that overlap the scope.
    private static func absent(
        quarter q: String, scope: Organization, counties: [OrgPathRow], covered: Set<Int>,
        on sql: SQLDatabase
    ) async throws -> [ThreeWayMatch.AbsentMember] {
        let open = SQLBind.group(LedgerService.openStates)
        var result: [ThreeWayMatch.AbsentMember] = []
        for c in counties where covered.contains(c.id) && (c.path.hasPrefix(scope.path) || scope.path.hasPrefix(c.path))
        {
            let under = c.path.count >= scope.path.count ? c.path : scope.path
            let rows = try await sql.raw(
                """
                SELECT m.id, m.id_number_hash, m.id_number_enc, m.name, m.organization_id, b.path
                FROM members m JOIN organizations b ON b.id = m.organization_id
                WHERE \(PathPrefix("b.path", under)) AND m.roster_state IS NULL
                  AND (m.flow_status IS NULL OR m.flow_status NOT IN \(open))
                  AND NOT EXISTS (SELECT 1 FROM national_records n WHERE n.quarter = \(bind: q)
                                  AND n.id_hash = m.id_number_hash)
                """
            ).all(decoding: AbsentRow.self)
            result += rows.map {
                ThreeWayMatch.AbsentMember(
                    memberID: $0.id, idHash: $0.id_number_hash, idSealed: $0.id_number_enc,
                    name: $0.name, orgID: $0.organization_id, path: $0.path, countyID: c.id)
            }
        }
        return result
    }
}
