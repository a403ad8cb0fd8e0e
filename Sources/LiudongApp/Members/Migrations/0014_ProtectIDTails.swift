import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The last four characters of ID numbers stood in clear beside the division code and the birth date
/// (`members`, `national_records`, `ledger_snapshots`) or could be joined to them by the keyed hash
/// (`reconciliation_items`, `inflow_ledger_entries`, the masked form in `self_reports` and old audit summaries):
/// together the whole number, for anyone holding a dump without the data key. This migration keeps, in clear,
/// only what analysis needs (division, birth date), and the tail as a keyed hash (members, for search) or sealed
/// (items and inflow lists, for display). Existing rows are converted; the `id_tail` columns stay, emptied,
/// because landed migrations are never edited.
struct ProtectIDTails: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on database: Database) async throws {
        // schema
        try await database.schema("members").field("id_tail_hash", .string).update()
        try await database.schema("reconciliation_items").field("id_tail_enc", .string).update()
        try await database.schema("inflow_ledger_entries").field("id_tail_enc", .string).update()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "members_id_tail").run()
        try await sql.create(index: "members_id_tail_hash").on("members").column("id_tail_hash").run()
        // data
        try await Self.convert(cipher: cipher, on: sql)
    }

    func revert(on database: Database) async throws {
        if let sql = database as? SQLDatabase {
            try await sql.drop(index: "members_id_tail_hash").run()
            try await sql.create(index: "members_id_tail").on("members").column("id_tail").run()
        }
        try await database.schema("inflow_ledger_entries").deleteField("id_tail_enc").update()
        try await database.schema("reconciliation_items").deleteField("id_tail_enc").update()
        try await database.schema("members").deleteField("id_tail_hash").update()
    }

    /// Converts rows written before this migration (idempotent: converted rows have an empty `id_tail`).
    static func convert(cipher: FieldCipher, on sql: SQLDatabase) async throws {
        // Members: the tail becomes a keyed hash, in batches (a province has a million rows).
        struct MemberRow: Decodable {
            var id: UUID
            var id_number_enc: String
            var id_tail: String
        }
        while true {
            let batch = try await sql.raw(
                "SELECT id, id_number_enc, id_tail FROM members WHERE id_tail <> '' LIMIT 2000"
            )
            .all(decoding: MemberRow.self)
            if batch.isEmpty { break }
            try await transaction(sql) { tx in
                for m in batch {
                    let tail = (try? cipher.open(m.id_number_enc)).map { String($0.suffix(4)) } ?? m.id_tail
                    try await tx.update("members").set("id_tail_hash", to: cipher.tailHash(tail)).set("id_tail", to: "")
                        .where("id", .equal, m.id).run()
                }
            }
        }
        // The national list and the frozen quarters keep the encrypted number; the tail shown comes from it.
        try await sql.raw("UPDATE national_records SET id_tail = '' WHERE id_tail <> ''").run()
        try await sql.raw("UPDATE ledger_snapshots SET id_tail = '' WHERE id_tail <> ''").run()
        // Findings and inflow lists: the tail sealed.
        struct Item: Decodable {
            var id: Int
            var id_tail: String
        }
        while true {
            let batch = try await sql.raw("SELECT id, id_tail FROM reconciliation_items WHERE id_tail <> '' LIMIT 2000")
                .all(decoding: Item.self)
            if batch.isEmpty { break }
            try await transaction(sql) { tx in
                for r in batch {
                    try await tx.update("reconciliation_items").set("id_tail_enc", to: try cipher.seal(r.id_tail)).set(
                        "id_tail", to: ""
                    )
                    .where("id", .equal, r.id).run()
                }
            }
        }
        struct Entry: Decodable {
            var quarter: String
            var org_id: Int
            var id_hash: String
            var id_tail: String
        }
        while true {
            let batch = try await sql.raw(
                "SELECT quarter, org_id, id_hash, id_tail FROM inflow_ledger_entries WHERE id_tail <> '' LIMIT 2000"
            )
            .all(decoding: Entry.self)
            if batch.isEmpty { break }
            try await transaction(sql) { tx in
                for e in batch {
                    try await tx.update("inflow_ledger_entries").set("id_tail_enc", to: try cipher.seal(e.id_tail)).set(
                        "id_tail", to: ""
                    )
                    .where("quarter", .equal, e.quarter).where("org_id", .equal, e.org_id).where(
                        "id_hash", .equal, e.id_hash
                    ).run()
                }
            }
        }
        // Self-reports stored the old masked form (division + last four): keep the division only.
        try await sql.raw(
            "UPDATE self_reports SET id_masked = substr(id_masked, 1, 6) || '************' WHERE id_masked NOT LIKE '%************'"
        ).run()
        try await redactAuditSummaries(on: sql)
    }

    /// Old audit summaries quoted the old masked form. The log is append-only (a trigger refuses changes); this one
    /// redaction lifts the trigger for the length of one statement per row, puts it back, and records itself.
    static func redactAuditSummaries(on sql: SQLDatabase) async throws {
        struct Entry: Decodable {
            var id: Int
            var summary: String
        }
        let old = try await sql.raw("SELECT id, summary FROM audit_entries WHERE summary LIKE '%********%'").all(
            decoding: Entry.self)
        let pattern = try NSRegularExpression(pattern: "([0-9]{6})\\*{8}[0-9Xx]{4}")
        let changed = old.compactMap { e -> (Int, String)? in
            let range = NSRange(e.summary.startIndex..., in: e.summary)
            let redacted = pattern.stringByReplacingMatches(in: e.summary, range: range, withTemplate: "$1************")
            return redacted == e.summary ? nil : (e.id, redacted)
        }
        guard !changed.isEmpty else { return }
        let postgres = sql.dialect.name == "postgresql"
        if postgres {
            try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
        }
        for (id, summary) in changed {
            try await sql.update("audit_entries").set("summary", to: summary).where("id", .equal, id).run()
        }
        if postgres {
            try await sql.raw("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change").run()
        } else {
            try await sql.raw(
                "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
            ).run()
        }
        try await sql.insert(into: "audit_entries").columns(
            "at", "username", "action", "object_type", "object_ref", "summary", "client_address"
        )
        .values(
            [
                Date(), "migration", "update", "audit", "ProtectIDTails",
                "数据迁移：隐去\(changed.count)条旧审计记录中的身份证号后四位（旧脱敏格式与出生日期合起来可还原号码）", "migration",
            ]
                as [any Encodable & Sendable]
        ).run()
    }

    private static func transaction(_ sql: SQLDatabase, _ body: @escaping @Sendable (SQLDatabase) async throws -> Void)
        async throws
    {
        guard let db = sql as? Database else { return try await body(sql) }
        try await db.transaction { tx in
            guard let inner = tx as? SQLDatabase else { return }
            try await body(inner)
        }
    }
}
