import Fluent
import Foundation
import LiudongCore
import SQLKit

/// `national_records.fingerprint` was an FNV digest over the row's fields, the phone among them, stored beside the
/// other fields in clear and the phone's last four digits: a dump confirmed a guessed phone. Fingerprints are now
/// digests under the data key (`NationalImportService.fingerprint`); this recomputes every old one (64 hex digits
/// mark a converted row, so an interrupted run resumes) and then rewrites the tables converted in place, here and by
/// `ProtectIDTails` and `KeySelfReportDedupe`, so the old bytes leave the database files (`FreedPages`).
struct KeyNationalFingerprints: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await Self.convert(cipher: cipher, on: sql)
        try await FreedPages.purge(
            tables: [
                "national_records", "self_reports", "members", "reconciliation_items", "inflow_ledger_entries",
                "ledger_snapshots", "audit_entries",
            ], on: database)
    }

    func revert(on database: Database) async throws {}

    static func convert(cipher: FieldCipher, on sql: SQLDatabase) async throws {
        struct Row: Decodable {
            var quarter: String
            var id_hash: String
            var organization_id: Int
            var name: String
            var sex: String
            var ethnicity: String
            var birth_date: String
            var education: String
            var category: String
            var branch_name: String
            var phone_enc: String?
            var joined_on: String?
            var full_on: String?
            var residence: String
            var household: String
            var is_mobile: Bool
            var is_lost: Bool
            var employer: String
        }
        while true {
            let batch = try await sql.raw(
                """
                SELECT quarter, id_hash, organization_id, name, sex, ethnicity, birth_date, education, category,
                       branch_name, phone_enc, joined_on, full_on, residence, household, is_mobile, is_lost, employer
                FROM national_records WHERE length(fingerprint) <> 64 LIMIT 2000
                """
            ).all(decoding: Row.self)
            if batch.isEmpty { break }
            try await transaction(sql) { tx in
                for r in batch {
                    let phone = try r.phone_enc.map { try cipher.open($0) } ?? ""
                    let print = cipher.digest(
                        "national-record",
                        [
                            String(r.organization_id), r.name, r.sex, r.ethnicity, r.birth_date, r.education,
                            r.category, r.branch_name, phone, r.joined_on ?? "", r.full_on ?? "", r.residence,
                            r.household, r.is_mobile ? "1" : "0", r.is_lost ? "1" : "0", r.employer,
                        ])
                    try await tx.update("national_records").set("fingerprint", to: print)
                        .where("quarter", .equal, r.quarter).where("id_hash", .equal, r.id_hash).run()
                }
            }
        }
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
