import Fluent
import Foundation
import LiudongCore
import SQLKit

/// An external organization with an account (the demo's inflow side).
struct InflowOrgRow: Decodable {
    var id: Int
    var code: String
    var path: String
    var short_name: String
    var division_code: String
}

/// A member away without an inflow organization yet.
struct AwayMemberRow: Decodable {
    var member_id: UUID
    var name: String
    var id_number_enc: String
    var id_number_hash: String
    var phone_enc: String?
    var organization_id: Int
}

/// A self-report as the archive shows it.
struct ReportHistoryRow: Decodable {
    var kind: String
    var status: String
    var receipt: String
    var created_at: Date?
    var reviewed_by: String?
}

/// The self_reports table's queries for the archive, the worklist and the demo.
enum SelfReportStore {
    static func inflowOrganizationsWithAccounts(on sql: SQLDatabase) async throws -> [InflowOrgRow] {
        try await sql.raw(
            """
            SELECT o.id, o.code, o.path, o.short_name, o.division_code FROM organizations o
            WHERE o.kind = \(bind: OrgKind.external.rawValue)
              AND EXISTS (SELECT 1 FROM accounts a WHERE a.organization_id = o.id)
            ORDER BY o.code
            """
        ).all(decoding: InflowOrgRow.self)
    }

    /// Members away, with no inflow organization yet, toward a city (the first four digits of a division code).
    static func awayToward(division prefix: String, limit: Int, on sql: SQLDatabase) async throws -> [AwayMemberRow] {
        try await sql.raw(
            """
            SELECT f.member_id, m.name, m.id_number_enc, m.id_number_hash, m.phone_enc, m.organization_id
            FROM flows f JOIN members m ON m.id = f.member_id
            WHERE f.status = \(bind: FlowState.away.rawValue) AND f.inflow_org_id IS NULL
              AND f.destination_code LIKE \(bind: prefix + "%")
            ORDER BY m.name, m.id LIMIT \(unsafeRaw: String(max(0, limit)))
            """
        ).all(decoding: AwayMemberRow.self)
    }

    static func reports(of memberID: UUID, on sql: SQLDatabase) async throws -> [ReportHistoryRow] {
        try await sql.raw(
            """
            SELECT kind, status, receipt, created_at, reviewed_by FROM self_reports WHERE member_id = \(bind: memberID)
            """
        ).all(decoding: ReportHistoryRow.self)
    }

    /// Pending reports routed to organizations of the subtree, per reviewing organization.
    static func pending(under path: String, lateBefore: Date, on sql: SQLDatabase) async throws -> [OrgCount] {
        try await sql.raw(
            """
            SELECT review_org_id AS org_id, COUNT(*) AS n,
                   SUM(CASE WHEN created_at < \(bind: lateBefore) THEN 1 ELSE 0 END) AS late
            FROM self_reports WHERE status = \(bind: ReportStatus.pending.rawValue) AND \(PathPrefix("review_path", path))
            GROUP BY review_org_id
            """
        ).all(decoding: OrgCount.self)
    }

    /// A notice to an organization's inbox.
    static func notify(org: InflowOrgRow, kind: NoticeKind, title: String, link: String, on sql: SQLDatabase)
        async throws
    {
        try await sql.insert(into: "notices").columns("org_id", "org_path", "kind", "title", "link", "created_at")
            .values([org.id, org.path, kind.rawValue, title, link, AppClock.now] as [any Encodable & Sendable]).run()
    }
}
