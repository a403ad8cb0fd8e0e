import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// An inflow organization's own list of the members reporting to it for a quarter (流入地台账): uploaded in the same
/// tolerant formats as the national export, or confirmed on screen from the reports the system already holds.
/// Handing in a list replaces that organization's list for the quarter.
enum InflowLedgerService {
    struct Entry: Decodable, Sendable {
        var id_hash: String
        var name: String
        var phone_hash: String?
    }

    static func upload(
        path: String, org: Organization, quarter: Quarter, username: String, apply: Bool,
        cipher: FieldCipher, gate: WriteGate, on db: Database, keepRejected: Int = Int.max,
        commit: (@Sendable (Database, NationalImportService.Summary) async throws -> Void)? = nil
    ) async throws -> NationalImportService.Summary {
        let sql = try db.sql()
        let (channel, info) = NationalImportService.read(path: path, required: [.name, .idNumber])
        var summary = NationalImportService.Summary(keepRejected: keepRejected)
        var rows: [InflowListLine] = []
        do {
            while let batch = try await channel.next() {
                for outcome in batch {
                    summary.rows += 1
                    switch outcome {
                    case .rejected(let r): summary.reject(r)
                    case .record(let r):
                        rows.append(
                            InflowListLine(
                                idHash: cipher.hash(r.idNumber),
                                tailSealed: try cipher.seal(String(r.idNumber.suffix(4))),
                                name: r.name, phoneHash: r.phone.map(cipher.hash), homeOrg: r.branchName))
                    }
                }
            }
        } catch {
            channel.cancel()
            guard let problem = NationalImportService.readerProblem(error) else { throw error }
            throw AppError.badRequest(problem.replacingOccurrences(of: "“所在党支部（或所在党组织）”", with: ""))
        }
        if let (kind, encoding) = info() {
            summary.kind = kind.rawValue
            summary.encoding = encoding?.rawValue
        }
        let existing = try await entries(org: org.id!, quarter: quarter, on: sql)
        let known = Dictionary(existing.map { ($0.id_hash, $0) }, uniquingKeysWith: { a, _ in a })
        for r in rows {
            if let old = known[r.idHash] {
                if old.name == r.name && old.phone_hash == r.phoneHash {
                    summary.unchanged += 1
                } else {
                    summary.updated += 1
                }
            } else {
                summary.new += 1
            }
        }
        guard apply else { return summary }
        let done = summary
        try await replace(
            org: org, quarter: quarter, rows: rows, method: InflowListSource.upload.rawValue, username: username,
            gate: gate, on: db, commit: commit.map { c in { tx in try await c(tx, done) } })
        return summary
    }

    /// The inflow organization confirms the list the system holds: every open flow reporting to it.
    static func confirm(
        org: Organization, quarter: Quarter, username: String, cipher: FieldCipher, gate: WriteGate,
        on db: Database
    ) async throws -> Int {
        let sql = try db.sql()
        let open = SQLBind.group(LedgerService.openStates)
        let list = try await sql.raw(
            """
            SELECT m.id_number_hash, m.id_number_enc, m.name, m.phone_hash, b.short_name AS home FROM flows f
            JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
            WHERE f.inflow_org_id = \(bind: org.id!) AND f.status IN \(open)
            """
        ).all(decoding: ReportingFlowRow.self)
        let rows = try list.map { r in
            InflowListLine(
                idHash: r.id_number_hash,
                tailSealed: try cipher.seal(String(((try? cipher.open(r.id_number_enc)) ?? "").suffix(4))),
                name: r.name, phoneHash: r.phone_hash, homeOrg: r.home)
        }
        try await replace(
            org: org, quarter: quarter, rows: rows,
            method: InflowListSource.confirmed.rawValue, username: username, gate: gate, on: db)
        return list.count
    }

    static func entries(org: Int, quarter: Quarter, on sql: SQLDatabase) async throws -> [Entry] {
        try await sql.select().columns("id_hash", "name", "phone_hash").from("inflow_ledger_entries")
            .where("quarter", .equal, quarter.description).where("org_id", .equal, org).all(decoding: Entry.self)
    }

    private static func replace(
        org: Organization, quarter: Quarter, rows: [InflowListLine], method: String,
        username: String, gate: WriteGate, on db: Database,
        commit: (@Sendable (Database) async throws -> Void)? = nil
    ) async throws {
        let orgID = org.id!
        try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            try await sql.delete(from: "inflow_ledger_entries").where("quarter", .equal, quarter.description).where(
                "org_id", .equal, orgID
            ).run()
            let now = AppClock.now
            for chunk in rows.chunked(500) {
                var insert = sql.insert(into: "inflow_ledger_entries").columns(
                    "quarter", "org_id", "id_hash", "id_tail", "id_tail_enc", "name", "phone_hash", "home_org",
                    "source", "created_at")
                for r in chunk {
                    insert = insert.values(
                        [
                            quarter.description, orgID, r.idHash, "", r.tailSealed, r.name, r.phoneHash, r.homeOrg,
                            method, now,
                        ]
                            as [any Encodable & Sendable])
                }
                try await insert.onConflict(with: ["quarter", "org_id", "id_hash"]) {
                    $0.set(excludedValueOf: "name").set(excludedValueOf: "id_tail_enc")
                }.run()
            }
            try await sql.delete(from: "inflow_ledger_submissions").where("quarter", .equal, quarter.description).where(
                "org_id", .equal, orgID
            ).run()
            try await sql.insert(into: "inflow_ledger_submissions").columns(
                "quarter", "org_id", "method", "rows", "by_username", "at"
            )
            .values([quarter.description, orgID, method, rows.count, username, now] as [any Encodable & Sendable]).run()
            try await commit?(tx)
        }
    }
}

private struct ReportingFlowRow: Decodable {
    var id_number_hash: String
    var id_number_enc: String
    var name: String
    var phone_hash: String?
    var home: String
}

/// One line of an inflow organization's list, as stored: the keyed hash of the ID number, its last four sealed.
struct InflowListLine: Sendable {
    var idHash: String
    var tailSealed: String
    var name: String
    var phoneHash: String?
    var homeOrg: String
}
