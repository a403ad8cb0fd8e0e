import Fluent
import LiudongCore
import SQLKit

/// A national import as the upload page lists it.
struct RecentImport: Codable {
    var quarter: String
    var file_name: String
    var rows: Int
    var new_count: Int
    var updated_count: Int
    var unchanged_count: Int
    var rejected_count: Int
    var by_username: String
    var scope_code: String
}

/// A member the system has reporting to an inflow organization (the number still sealed).
struct ReportingMemberRow: Decodable {
    var name: String
    var id_number_enc: String
    var home: String
}

/// How an inflow organization handed in its list for a quarter.
struct SubmissionRow: Decodable {
    var method: String
    var rows: Int
    var by_username: String
}

/// The import tables' queries for the upload page.
enum ImportStore {
    /// The last 20 national imports of the subtree.
    static func recentNational(under path: String, on sql: SQLDatabase) async throws -> [RecentImport] {
        try await sql.raw(
            """
            SELECT n.quarter, n.file_name, n.rows, n.new_count, n.updated_count, n.unchanged_count, n.rejected_count,
                   n.by_username, n.scope_code
            FROM national_imports n JOIN organizations o ON o.code = n.scope_code
            WHERE \(PathPrefix("o.path", path))
            ORDER BY n.id DESC LIMIT 20
            """
        ).all(decoding: RecentImport.self)
    }

    /// Members whose open flow has them reporting to the organization, by name.
    static func reportingTo(_ orgID: Int, on sql: SQLDatabase) async throws -> [ReportingMemberRow] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await sql.raw(
            """
            SELECT m.name, m.id_number_enc, b.short_name AS home
            FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
            WHERE f.inflow_org_id = \(bind: orgID) AND f.status IN \(open) ORDER BY m.name
            """
        ).all(decoding: ReportingMemberRow.self)
    }

    static func submission(quarter: Quarter, orgID: Int, on sql: SQLDatabase) async throws -> SubmissionRow? {
        try await sql.raw(
            """
            SELECT method, rows, by_username FROM inflow_ledger_submissions
            WHERE quarter = \(bind: quarter.description) AND org_id = \(bind: orgID)
            """
        ).first(decoding: SubmissionRow.self)
    }
}
