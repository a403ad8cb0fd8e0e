import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Quarter snapshots: `ledger close` copies every open ledger line, as it stands, into `ledger_snapshots`.
/// A past quarter is then read (and exported) from there, exactly as it was.
struct CreateLedgerSnapshots: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("ledger_snapshots")
            .field("quarter", .string, .required)
            .field("flow_id", .uuid, .required)
            .field("member_id", .uuid, .required)
            .field("name", .string, .required)
            .field("sex", .string, .required)
            .field("ethnicity", .string, .required)
            .field("birth_date", .string, .required)
            .field("education", .string, .required)
            .field("id_prefix", .string, .required)
            .field("id_tail", .string, .required)
            .field("id_number_enc", .string, .required)
            .field("phone_prefix", .string)
            .field("phone_tail", .string)
            .field("phone_enc", .string)
            .field("joined_on", .string, .required)
            .field("category", .string, .required)
            .field("branch_code", .string, .required)
            .field("branch_name", .string, .required)
            .field("branch_sort", .int, .required)
            .field("branch_path", .string, .required)
            .field("status", .string, .required)
            .field("left_on", .string, .required)
            .field("destination_code", .string)
            .field("address", .string)
            .field("employer", .string)
            .field("reason", .int)
            .field("inflow_code", .string)
            .field("inflow_name", .string)
            .field("arrived_on", .string)
            .field("last_contact_on", .string, .required)
            .field("overdue_since", .string)
            .field("lost_candidate_since", .string)
            .unique(on: "quarter", "flow_id")
            .create()
        try await database.schema("ledger_closes")
            .field("quarter", .string, .identifier(auto: false))
            .field("closed_at", .datetime, .required)
            .field("rows", .int, .required)
            .field("closed_by", .string, .required)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "ledger_snapshots_path").on("ledger_snapshots").column("quarter").column(
            "branch_path"
        ).run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("ledger_closes").delete()
        try await database.schema("ledger_snapshots").delete()
    }
}

enum LedgerSnapshot {
    /// The source for a quarter: its snapshot when closed, the live tables for the current quarter; nil otherwise.
    static func source(for quarter: Quarter?, on db: Database) async throws -> LedgerService.Source? {
        guard let quarter, quarter != .current() else { return .live }
        return try await closed(on: db).contains(quarter) ? .snapshot(quarter) : nil
    }

    /// Quarters already closed, newest first.
    static func closed(on db: Database) async throws -> [Quarter] {
        let sql = try db.sql()
        struct Q: Decodable { var quarter: String }
        return try await sql.select().column("quarter").from("ledger_closes").all(decoding: Q.self)
            .compactMap { Quarter($0.quarter) }.sorted(by: >)
    }

    /// Freezes every organization's ledger for `quarter` in one statement; refuses a quarter already closed
    /// (a frozen quarter never changes) and a quarter that has not begun.
    static func close(
        _ quarter: Quarter, by who: String, gate: WriteGate, on db: Database, today: CalendarDate = .today()
    ) async throws -> Int {
        guard quarter.firstDay <= today else { throw AppError.badRequest("\(quarter.chinese)尚未开始，不能封存") }
        if try await closed(on: db).contains(quarter) { throw AppError.conflict("\(quarter.chinese)的台账已封存，不能重复封存") }
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.writeTransaction(gate: gate) { tx in
            let sql = tx as! SQLDatabase
            try await sql.raw(
                """
                INSERT INTO ledger_snapshots (quarter, flow_id, member_id, name, sex, ethnicity, birth_date, education, id_prefix, id_tail,
                    id_number_enc, phone_prefix, phone_tail, phone_enc, joined_on, category, branch_code, branch_name, branch_sort, branch_path,
                    status, left_on, destination_code, address, employer, reason, inflow_code, inflow_name, arrived_on, last_contact_on,
                    overdue_since, lost_candidate_since)
                SELECT \(bind: quarter.description), f.id, m.id, m.name, m.sex, m.ethnicity, m.birth_date, m.education, m.id_prefix, m.id_tail,
                    m.id_number_enc, m.phone_prefix, m.phone_tail, m.phone_enc, m.joined_on, m.category, b.code, b.short_name, b.sort_order, b.path,
                    f.status, f.left_on, f.destination_code, f.address, f.employer, f.reason, i.code, i.short_name, f.arrived_on, f.last_contact_on,
                    f.overdue_since, f.lost_candidate_since
                FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
                LEFT JOIN organizations i ON i.id = f.inflow_org_id
                WHERE f.status IN \(open)
                """
            ).run()
            struct N: Decodable { var n: Int }
            let n =
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM ledger_snapshots WHERE quarter = \(bind: quarter.description)"
                ).first(decoding: N.self)?.n ?? 0
            try await sql.insert(into: "ledger_closes").columns("quarter", "closed_at", "rows", "closed_by")
                .values([quarter.description, Date(), n, who] as [any Encodable & Sendable]).run()
            return n
        }
    }

    /// What changed between two quarters under `path`: who arrived in the ledger, who left it, and whose fields changed.
    struct Change: Encodable, Sendable {
        var kind: String
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
                    kind: "新增", name: l.name, branch: l.branch_name, fields: ["流向 \(LedgerService.row(l).destination)"])
            )
        }
        for (id, l) in before where after[id] == nil {
            changes.append(Change(kind: "减少", name: l.name, branch: l.branch_name, fields: []))
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
                changes.append(Change(kind: "变化", name: new.name, branch: new.branch_name, fields: fields))
            }
        }
        return changes.sorted { ($0.kind, $0.branch, $0.name) < ($1.kind, $1.branch, $1.name) }
    }
}
