import Fluent
import LiudongCore
import SQLKit
import Vapor

enum LedgerSnapshot {
    /// The source for a quarter: its snapshot when closed, the live tables for the current quarter; nil otherwise.
    static func source(for quarter: Quarter?, on db: Database) async throws -> LedgerService.Source? {
        guard let quarter, quarter != AppClock.quarter else { return .live }
        return try await closed(on: db).contains(quarter) ? .snapshot(quarter) : nil
    }

    /// Quarters already closed, newest first.
    static func closed(on db: Database) async throws -> [Quarter] {
        let sql = try db.sql()
        return try await sql.select().column("quarter").from("ledger_closes").all(decoding: ClosedQuarterRow.self)
            .compactMap { Quarter($0.quarter) }.sorted(by: >)
    }

    /// Freezes every organization's ledger for `quarter` in one statement; refuses a quarter already closed
    /// (a frozen quarter never changes) and a quarter that has not begun.
    static func close(
        _ quarter: Quarter, by who: String, gate: WriteGate, on db: Database, today: CalendarDate = AppClock.today
    ) async throws -> Int {
        guard quarter.firstDay <= today else { throw AppError.badRequest("\(quarter.chinese)尚未开始，不能封存") }
        if try await closed(on: db).contains(quarter) { throw AppError.conflict("\(quarter.chinese)的台账已封存，不能重复封存") }
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            try await sql.raw(
                """
                INSERT INTO ledger_snapshots (quarter, flow_id, member_id, name, sex, ethnicity, birth_date, education, id_prefix, id_tail,
                    id_number_enc, phone_prefix, phone_tail, phone_enc, joined_on, category, branch_code, branch_name, branch_sort, branch_path,
                    status, left_on, destination_code, address, employer, reason, inflow_code, inflow_name, arrived_on, last_contact_on,
                    overdue_since, lost_candidate_since, pair_contact)
                SELECT \(bind: quarter.description), f.id, m.id, m.name, m.sex, m.ethnicity, m.birth_date, m.education, m.id_prefix, m.id_tail,
                    m.id_number_enc, m.phone_prefix, m.phone_tail, m.phone_enc, m.joined_on, m.category, b.code, b.short_name, b.sort_order, b.path,
                    f.status, f.left_on, f.destination_code, f.address, f.employer, f.reason, i.code, i.short_name, f.arrived_on, f.last_contact_on,
                    f.overdue_since, f.lost_candidate_since,
                    (SELECT p.cadre_name || '（' || p.cadre_post || '）' FROM pairings p WHERE p.member_id = m.id
                       AND p.side = 'outflow' AND p.ended_on IS NULL ORDER BY p.started_on DESC LIMIT 1)
                FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
                LEFT JOIN organizations i ON i.id = f.inflow_org_id
                WHERE f.status IN \(open)
                """
            ).run()
            let n =
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM ledger_snapshots WHERE quarter = \(bind: quarter.description)"
                ).first(decoding: CountResult.self)?.n ?? 0
            try await sql.insert(into: "ledger_closes").columns("quarter", "closed_at", "rows", "closed_by")
                .values([quarter.description, AppClock.now, n, who] as [any Encodable & Sendable]).run()
            return n
        }
    }

    /// What changed between two quarters under `path`: who arrived in the ledger, who left it, and whose fields changed.
    /// What happened to a line between two quarters; the raw value is what the page shows.
    enum ChangeKind: String, Encodable, Sendable {
        case added = "新增"
        case removed = "减少"
        case changed = "变化"
    }

    struct Change: Encodable, Sendable {
        var kind: ChangeKind
        var name: String
        var branch: String
        var fields: [String]
    }

    static func changes(from a: LedgerService.Source, to b: LedgerService.Source, path: String, on db: Database)
        async throws -> [Change]
    {
        let sql = try db.sql()
        func lines(_ source: LedgerService.Source) async throws -> [UUID: LedgerService.Line] {
            var out: [UUID: LedgerService.Line] = [:]
            try await LedgerService.stream(sql, path: path, filter: .init(), source: source) { l in out[l.member_id] = l
            }
            return out
        }
        let before = try await lines(a), after = try await lines(b)
        var changes: [Change] = []
        for (id, l) in after where before[id] == nil {
            changes.append(
                Change(
                    kind: .added, name: l.name, branch: l.branch_name,
                    fields: ["流向 \(LedgerService.row(l).destination)"])
            )
        }
        for (id, l) in before where after[id] == nil {
            changes.append(Change(kind: .removed, name: l.name, branch: l.branch_name, fields: []))
        }
        for (id, new) in after {
            guard let old = before[id] else { continue }
            let o = LedgerService.row(old), n = LedgerService.row(new)
            var fields: [String] = []
            for c in [
                LedgerColumn.status, .destination, .addressEmployer, .inflowOrg, .phone, .branch, .arrived, .note,
            ] where o.text(c, serial: 0) != n.text(c, serial: 0) {
                fields.append("\(c.title)：\(o.text(c, serial: 0)) → \(n.text(c, serial: 0))")
            }
            if !fields.isEmpty {
                changes.append(Change(kind: .changed, name: new.name, branch: new.branch_name, fields: fields))
            }
        }
        return changes.sorted { ($0.kind.rawValue, $0.branch, $0.name) < ($1.kind.rawValue, $1.branch, $1.name) }
    }
}

private struct ClosedQuarterRow: Decodable { var quarter: String }
