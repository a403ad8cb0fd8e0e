import Fluent
import Foundation
import LiudongCore
import SQLKit

/// An inflow organization without an account that members of the scope report to, with this quarter's list.
struct ProxyCandidate: Decodable, Sendable {
    var id: Int
    var code: String
    var short_name: String
    var members: Int
    var by_username: String?
    var rows: Int?
}

/// The queries of acting for inflow organizations without an account.
enum ProxyStore {
    /// Inflow organizations members under `path` report to (an open flow) that have no active account.
    static func candidates(under path: String, quarter: Quarter, on db: Database) async throws -> [ProxyCandidate] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT i.id, i.code, i.short_name, COUNT(DISTINCT m.id) AS members, s.by_username, s.rows
            FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN flows f ON f.member_id = m.id AND f.status IN \(open)
            JOIN organizations i ON i.id = f.inflow_org_id
            LEFT JOIN inflow_ledger_submissions s ON s.org_id = i.id AND s.quarter = \(bind: quarter.description)
            WHERE \(PathPrefix("o.path", path)) AND i.kind = 'external'
              AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.organization_id = i.id AND a.disabled_at IS NULL)
            GROUP BY i.id, i.code, i.short_name, s.by_username, s.rows ORDER BY i.code
            """
        ).all(decoding: ProxyCandidate.self)
    }

    static func hasAccount(_ org: Int, on db: Database) async throws -> Bool {
        try await Account.query(on: db).filter(\.$organizationID == org).filter(\.$disabledAt == nil).count() > 0
    }

    /// Whether members under `path` report to the organization now.
    static func related(under path: String, org: Int, on db: Database) async throws -> Bool {
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN flows f ON f.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND f.inflow_org_id = \(bind: org) AND f.status IN \(open)
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0 > 0
    }

    /// The receipt a county's sign-off for the inflow side rests on.
    static func attachReceipt(
        quarter: Quarter, county: Int, inflow: Int, sha256: String, kind: ScanKind, on db: Database
    ) async throws {
        try await db.sql().raw(
            """
            UPDATE reconciliation_signoffs SET inflow_receipt_sha256 = \(bind: sha256), inflow_receipt_type = \(bind: kind.rawValue)
            WHERE quarter = \(bind: quarter.description) AND county_id = \(bind: county) AND inflow_org_id = \(bind: inflow)
            """
        ).run()
    }

    static func receipt(quarter: Quarter, county: Int, inflow: Int, on db: Database) async throws
        -> (sha256: String, kind: ScanKind)?
    {
        guard
            let r = try await db.sql().raw(
                """
                SELECT inflow_receipt_sha256, inflow_receipt_type FROM reconciliation_signoffs
                WHERE quarter = \(bind: quarter.description) AND county_id = \(bind: county) AND inflow_org_id = \(bind: inflow)
                """
            ).first(),
            let sha = try? r.decode(column: "inflow_receipt_sha256", as: String?.self),
            let kind = (try? r.decode(column: "inflow_receipt_type", as: String?.self)).flatMap({ $0 })
                .flatMap(ScanKind.init(rawValue:))
        else { return nil }
        return (sha, kind)
    }

    /// The pair's signatures (nil sides unsigned).
    static func signatures(quarter: Quarter, county: Int, inflow: Int, on db: Database) async throws
        -> (outflow: String?, inflow: String?)
    {
        guard
            let r = try await db.sql().raw(
                """
                SELECT outflow_signed_by, inflow_signed_by FROM reconciliation_signoffs
                WHERE quarter = \(bind: quarter.description) AND county_id = \(bind: county) AND inflow_org_id = \(bind: inflow)
                """
            ).first()
        else { return (nil, nil) }
        return (
            (try? r.decode(column: "outflow_signed_by", as: String?.self)) ?? nil,
            (try? r.decode(column: "inflow_signed_by", as: String?.self)) ?? nil
        )
    }
}
