import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

struct NationalRecordRow: Decodable {
    var quarter: String
    var is_mobile: Bool
    var is_lost: Bool
    var branch_name: String
}

struct InflowEntryRow: Decodable {
    var quarter: String
    var org: String
    var source: String
    var created_at: Date
}

struct ItemHistoryRow: Decodable {
    var quarter: String
    var category: String
    var status: String
    var resolution: String?
    var note: String?
    var resolved_by: String?
    var created_at: Date
    var resolved_at: Date?
}

/// Reconciliation tables' queries for the archive and the worklist.
enum ReconciliationStore {
    static func nationalRecords(idHash: String, on sql: SQLDatabase) async throws -> [NationalRecordRow] {
        try await sql.raw(
            """
            SELECT quarter, is_mobile, is_lost, branch_name FROM national_records
            WHERE quarter IN (SELECT DISTINCT quarter FROM national_imports) AND id_hash = \(bind: idHash)
            """
        ).all(decoding: NationalRecordRow.self)
    }

    static func inflowEntries(idHash: String, on sql: SQLDatabase) async throws -> [InflowEntryRow] {
        try await sql.raw(
            """
            SELECT e.quarter, o.short_name AS org, e.source, e.created_at
            FROM inflow_ledger_entries e JOIN organizations o ON o.id = e.org_id WHERE e.id_hash = \(bind: idHash)
            """
        ).all(decoding: InflowEntryRow.self)
    }

    static func items(idHash: String, on sql: SQLDatabase) async throws -> [ItemHistoryRow] {
        try await sql.raw(
            """
            SELECT quarter, category, status, resolution, note, resolved_by, created_at, resolved_at
            FROM reconciliation_items WHERE id_hash = \(bind: idHash)
            """
        ).all(decoding: ItemHistoryRow.self)
    }

    /// Whose open items: one (inflow) organization's, or those of the organizations under a path.
    enum Assignees {
        case org(Int)
        case under(String)
    }

    /// Open items assigned to the organizations, per assignee; `late`: those of earlier quarters.
    static func openAssigned(_ assignees: Assignees, currentQuarter: Quarter, on sql: SQLDatabase) async throws
        -> [OrgCount]
    {
        let assignee: SQLExpression
        switch assignees {
        case .org(let id): assignee = SQLQueryString("assignee_org_id = \(bind: id)")
        case .under(let path): assignee = PathPrefix("assignee_path", path)
        }
        return try await sql.raw(
            """
            SELECT assignee_org_id AS org_id, COUNT(*) AS n,
                   SUM(CASE WHEN quarter < \(bind: currentQuarter.description) THEN 1 ELSE 0 END) AS late
            FROM reconciliation_items WHERE status = \(bind: ItemStatus.open.rawValue) AND \(assignee)
            GROUP BY assignee_org_id
            """
        ).all(decoding: OrgCount.self)
    }
}

/// Items of one category in one state (the counts above the queue).
struct CategoryStatusCount: Decodable {
    var category: String
    var status: String
    var n: Int
}

/// An item as the queue lists it.
struct QueueItemRow: Decodable {
    var id: Int
    var category: String
    var id_tail_enc: String?
    var name: String
    var member_id: UUID?
    var details: String
    var status: String
    var resolution: String?
    var note: String?
    var resolved_by: String?
    var assignee: String?
    var actionable: Bool
}

/// An item about to be resolved.
struct ResolvableItemRow: Decodable {
    var id: Int
    var quarter: String
    var category: String
    var id_hash: String
    var member_id: UUID?
    var details: String
    var status: String
    var name: String
    var actionable: Bool
}

/// A phone the other side holds, sealed, to take over.
struct AcceptedPhone: Sendable {
    var enc: String
    var hash: String
    var prefix: String
    var tail: String
}

private struct PhoneRow: Decodable {
    var phone_enc: String?
}

extension ReconciliationStore {
    /// Items this account may see: assigned in its subtree, about members of its subtree, or (an inflow
    /// organization) about people reporting to it.
    static func visible(_ user: CurrentUser) -> SQLExpression {
        if user.isInflowSide {
            return SQLQueryString(
                "(ri.assignee_org_id = \(bind: user.scopeID) OR ri.inflow_org_id = \(bind: user.scopeID))")
        }
        let counties = SQLQueryString("SELECT id FROM organizations WHERE \(PathPrefix("path", user.scopePath))")
        return SQLQueryString("(\(PathPrefix("ri.assignee_path", user.scopePath)) OR ri.county_id IN (\(counties)))")
    }

    /// Items this account may act on: only the side the item is assigned to (an inflow organization cannot close the
    /// outflow branch's items, nor the other way round).
    static func actionable(_ user: CurrentUser) -> SQLExpression {
        if user.isInflowSide { return SQLQueryString("ri.assignee_org_id = \(bind: user.scopeID)") }
        return PathPrefix("ri.assignee_path", user.scopePath)
    }

    static func counts(quarter: Quarter, for user: CurrentUser, on sql: SQLDatabase) async throws
        -> [CategoryStatusCount]
    {
        try await sql.raw(
            """
            SELECT ri.category, ri.status, COUNT(*) AS n FROM reconciliation_items ri
            WHERE ri.quarter = \(bind: quarter.description) AND \(visible(user)) GROUP BY ri.category, ri.status
            """
        ).all(decoding: CategoryStatusCount.self)
    }

    /// The queue: `status` nil for every state; at most 200, open first.
    static func queue(
        quarter: Quarter, for user: CurrentUser, status: ItemStatus?,
        category: ReconcileService.Category?, on sql: SQLDatabase
    ) async throws -> [QueueItemRow] {
        var filter = SQLQueryString("ri.quarter = \(bind: quarter.description) AND \(visible(user))")
        if let status { filter.appendInterpolation(SQLQueryString(" AND ri.status = \(bind: status.rawValue)")) }
        if let category { filter.appendInterpolation(SQLQueryString(" AND ri.category = \(bind: category.rawValue)")) }
        return try await sql.raw(
            """
            SELECT ri.id, ri.category, ri.id_tail_enc, ri.name, ri.member_id, ri.details, ri.status, ri.resolution,
                   ri.note, ri.resolved_by, a.short_name AS assignee,
                   CASE WHEN \(actionable(user)) THEN TRUE ELSE FALSE END AS actionable
            FROM reconciliation_items ri LEFT JOIN organizations a ON a.id = ri.assignee_org_id
            WHERE \(filter) ORDER BY ri.status DESC, ri.category, ri.name LIMIT 200
            """
        ).all(decoding: QueueItemRow.self)
    }

    static func item(_ id: Int, for user: CurrentUser, on sql: SQLDatabase) async throws -> ResolvableItemRow? {
        try await sql.raw(
            """
            SELECT ri.id, ri.quarter, ri.category, ri.id_hash, ri.member_id, ri.details, ri.status, ri.name,
                   CASE WHEN \(actionable(user)) THEN TRUE ELSE FALSE END AS actionable
            FROM reconciliation_items ri WHERE ri.id = \(bind: id) AND \(visible(user))
            """
        ).first(decoding: ResolvableItemRow.self)
    }

    /// The phone the national export holds for the person, sealed for our roster.
    static func nationalPhone(
        quarter: String, idHash: String, cipher: FieldCipher,
        on sql: SQLDatabase
    ) async throws -> AcceptedPhone? {
        guard
            let row = try await sql.raw(
                """
                SELECT phone_enc FROM national_records WHERE quarter = \(bind: quarter) AND id_hash = \(bind: idHash)
                """
            ).first(decoding: PhoneRow.self), let enc = row.phone_enc, let phone = try? cipher.open(enc)
        else { return nil }
        return AcceptedPhone(
            enc: try cipher.seal(phone), hash: cipher.hash(phone), prefix: String(phone.prefix(3)),
            tail: String(phone.suffix(4)))
    }

    /// Resolves an open item (with what was accepted from the other side) in one transaction; false when someone
    /// else resolved it first.
    static func resolve(
        _ item: ResolvableItemRow, resolution: ItemResolution, note: String?, summary: String,
        phone: AcceptedPhone?, inflowOrgID: Int?, username: String, gate: WriteGate,
        on db: Database
    ) async throws -> Bool {
        try await db.writeTransaction(gate: gate) { tx -> Bool in
            let sql = try tx.sql()
            guard
                try await sql.raw(
                    """
                    UPDATE reconciliation_items SET status = \(bind: ItemStatus.resolved.rawValue),
                           resolution = \(bind: resolution.rawValue), note = \(bind: note),
                           resolved_by = \(bind: username), resolved_at = \(bind: AppClock.now)
                    WHERE id = \(bind: item.id) AND status = \(bind: ItemStatus.open.rawValue) RETURNING id
                    """
                ).first(decoding: IDResult.self) != nil
            else { return false }
            guard let memberID = item.member_id else { return true }
            if let phone {
                try await sql.update("members").set("phone_enc", to: phone.enc).set("phone_hash", to: phone.hash)
                    .set("phone_tail", to: phone.tail).set("phone_prefix", to: phone.prefix)
                    .where("id", .equal, memberID).run()
            }
            if let inflowOrgID {
                let open = SQLBind.group(LedgerService.openStates)
                try await sql.raw(
                    """
                    UPDATE flows SET inflow_org_id = \(bind: inflowOrgID)
                    WHERE member_id = \(bind: memberID) AND status IN \(open)
                    """
                ).run()
            }
            try await MemberEvent.record(memberID, kind: .reconciliation, summary: summary, by: username, on: tx)
            return true
        }
    }

    /// Whether members of the county report to the inflow organization, or items of the quarter stand between them.
    static func related(
        county: Organization, inflow: Organization, quarter: Quarter,
        on sql: SQLDatabase
    ) async throws -> Bool {
        let open = SQLBind.group(LedgerService.openStates)
        let n =
            try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM flows f JOIN members m ON m.id = f.member_id
                          JOIN organizations b ON b.id = m.organization_id
                        WHERE f.inflow_org_id = \(bind: inflow.id) AND f.status IN \(open) AND \(PathPrefix("b.path", county.path)))
                     + (SELECT COUNT(*) FROM reconciliation_items WHERE quarter = \(bind: quarter.description)
                        AND county_id = \(bind: county.id) AND inflow_org_id = \(bind: inflow.id)) AS n
                """
            ).first(decoding: CountResult.self)?.n ?? 0
        return n > 0
    }
}
