import Fluent
import FluentSQLiteDriver
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Imports the national system's export for a quarter into `national_records`: a dry run first (counts of new,
/// updated, unchanged and rejected rows, each rejected row with its spreadsheet row number and reason), then an
/// all-or-nothing apply. The file is read on its own thread in batches, so memory stays flat in the file size.
enum NationalImportService {
    /// Reads `path` (xlsx or CSV) on its own thread; batches of parsed rows come back through the channel.
    static func read(path: String, batchSize: Int = 1000, required: [NationalColumn] = NationalColumn.required)
        -> (BlockingChannel<Batch>, @Sendable () -> (TableReader.Kind, TextEncoding?)?)
    {
        final class Info: @unchecked Sendable {
            var value: (TableReader.Kind, TextEncoding?)?
            let lock = NSLock()
        }
        let info = Info()
        let channel = BlockingChannel<Batch>.reading { channel in
            var parser = NationalExportParser(required: required)
            var batch: Batch = []
            batch.reserveCapacity(batchSize)
            let result = try TableReader.rows(path: path) { row, cells in
                if let outcome = try parser.consume(row: row, cells: cells) {
                    batch.append(outcome)
                    if batch.count == batchSize {
                        try channel.put(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
            try parser.finish()
            if !batch.isEmpty { try channel.put(batch) }
            info.lock.lock()
            info.value = (result.kind, result.encoding)
            info.lock.unlock()
        }
        return (
            channel,
            {
                info.lock.lock()
                defer { info.lock.unlock() }
                return info.value
            }
        )
    }

    /// A digest of everything stored for a row: equal digests mean an unchanged row. Keyed with the data key (it
    /// covers the phone, stored beside its first three and last four digits and every other field; issue 25 item 7).
    static func fingerprint(_ r: NationalRecord, orgID: Int, cipher: FieldCipher) -> String {
        cipher.digest(
            "national-record",
            [
                String(orgID), r.name, r.sex.rawValue, r.ethnicity, r.birthDate.description, r.education, r.category,
                r.branchName, r.phone ?? "", r.joinedOn?.description ?? "", r.fullOn?.description ?? "", r.residence,
                r.household, r.isMobile ? "1" : "0", r.isLost ? "1" : "0", r.employer,
            ])
    }

    static let columns = [
        "quarter", "id_hash", "id_enc", "id_prefix", "id_tail", "name", "sex", "ethnicity", "birth_date", "education",
        "category",
        "branch_name", "organization_id", "phone_hash", "phone_enc", "phone_tail", "joined_on", "full_on", "residence",
        "household", "is_mobile", "is_lost", "employer", "fingerprint", "import_id", "source_row",
    ]

    /// A value of a national_records row, bound without Codable on SQLite.
    enum NationalValue: Sendable {
        case text(String), int(Int), bool(Bool), optional(String?)
        var sqlite: SQLiteData {
            switch self {
            case .text(let s): return .text(s)
            case .int(let i): return .integer(i)
            case .bool(let b): return .integer(b ? 1 : 0)
            case .optional(let s): return s.map { .text($0) } ?? .null
            }
        }
        var encodable: any Encodable & Sendable {
            switch self {
            case .text(let s): return s
            case .int(let i): return i
            case .bool(let b): return b
            case .optional(let s): return s
            }
        }
    }

    static let conflictUpdate =
        "ON CONFLICT (quarter, id_hash) DO UPDATE SET "
        + columns.filter { $0 != "quarter" && $0 != "id_hash" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")

    /// An import updates only records of its own scope: a county's file never overwrites another county's record of
    /// the same person (the row is left as the other county imported it).
    static func ownRecord(_ scopePath: String) -> SQLQueryString {
        "national_records.organization_id IN (SELECT id FROM organizations WHERE \(PathPrefix("path", scopePath)))"
    }

    /// Multi-row upsert. On SQLite the statement text is built once per batch size and values are bound directly
    /// (SQLKit's Codable binding costs more than the insert itself at a million rows); PostgreSQL goes through SQLKit.
    static func upsert(_ rows: [[NationalValue]], scopePath: String, on db: Database) async throws {
        if let lite = db as? SQLiteDatabase {
            let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let sqlText =
                "INSERT INTO national_records (\(columns.joined(separator: ","))) VALUES "
                + Array(repeating: placeholders, count: rows.count).joined(separator: ",") + " " + conflictUpdate
                + " WHERE national_records.organization_id IN (SELECT id FROM organizations WHERE path >= ? AND path < ?)"
            var binds: [SQLiteData] = []
            binds.reserveCapacity(rows.count * columns.count + 2)
            for r in rows { for v in r { binds.append(v.sqlite) } }
            binds.append(.text(scopePath))
            binds.append(.text(PathPrefix.upperBound(scopePath)))
            _ = try await lite.query(sqlText, binds)
            return
        }
        let sql = try db.sql()
        var insert = sql.insert(into: "national_records").columns(columns)
        for r in rows { insert = insert.values(r.map(\.encodable)) }
        try await insert.onConflict(with: ["quarter", "id_hash"]) { conflict in
            var c = conflict
            for col in columns where col != "quarter" && col != "id_hash" { c = c.set(excludedValueOf: col) }
            return c.where(ownRecord(scopePath))
        }.run()
    }

    /// Dry run (`apply: false`) or apply. `scopePath` limits which organizations rows may name (a county account's subtree).
    static func run(
        path: String, fileName: String, quarter: Quarter, scopePath: String, scopeCode: String, username: String,
        apply: Bool, cipher: FieldCipher, gate: WriteGate, on db: Database, keepRejected: Int = Int.max,
        progress: @escaping @Sendable (Int) -> Void = { _ in },
        commit: (@Sendable (Database, Summary) async throws -> Void)? = nil
    ) async throws -> Summary {
        let sql = try db.sql()
        let matcher = try await OrgMatcher.load(under: scopePath, on: sql)
        // Every organization of the scope, closed ones too: the import's own records are theirs.
        let scopeIDs = Set(
            try await sql.raw("SELECT id FROM organizations WHERE \(PathPrefix("path", scopePath))").all(
                decoding: IDResult.self
            ).map(\.id))
        let (channel, info) = read(path: path)
        let body: @Sendable (Database) async throws -> Summary = { db in
            let sql = try db.sql()
            var summary = Summary(keepRejected: keepRejected)
            var importID = 0
            if apply {
                importID =
                    try await sql.insert(into: "national_imports")
                    .columns(
                        "quarter", "file_name", "rows", "new_count", "updated_count", "unchanged_count",
                        "rejected_count", "scope_code", "by_username", "applied_at"
                    )
                    .values(
                        [quarter.description, fileName, 0, 0, 0, 0, 0, scopeCode, username, AppClock.now]
                            as [any Encodable & Sendable]
                    )
                    .returning("id").first(decoding: IDResult.self)?.id ?? 0
            }
            do {
                while let batch = try await channel.next() {
                    var accepted: [AcceptedRecord] = []
                    var ambiguous: [AmbiguousRecord] = []
                    for outcome in batch {
                        summary.rows += 1
                        switch outcome {
                        case .rejected(let r): summary.reject(r)
                        case .record(let r):
                            switch matcher.match(r.branchName) {
                            case .found(let org):
                                accepted.append(
                                    AcceptedRecord(
                                        record: r, orgID: org, idHash: cipher.hash(r.idNumber),
                                        fingerprint: fingerprint(r, orgID: org, cipher: cipher)))
                            case .unknown:
                                summary.reject(
                                    RejectedRow(
                                        row: r.row, reason: "所在党支部“\(r.branchName)”在本系统中找不到（或不在本账号管辖范围内）",
                                        name: r.name, idTail: String(r.idNumber.suffix(4))))
                            case .ambiguous(let candidates):
                                ambiguous.append(
                                    AmbiguousRecord(record: r, candidates: candidates, idHash: cipher.hash(r.idNumber)))
                            }
                        }
                    }
                    // A short name several branches share (进长村党支部 in two counties) is settled by the roster: the
                    // branch among them where this person is a member.
                    if !ambiguous.isEmpty {
                        let homes = try await sql.select().columns("id_number_hash", "organization_id").from("members")
                            .where("id_number_hash", .in, ambiguous.map(\.idHash)).all(decoding: AmbiguousHomeRow.self)
                        let homeOf = Dictionary(
                            homes.map { ($0.id_number_hash, $0.organization_id) }, uniquingKeysWith: { a, _ in a })
                        for a in ambiguous {
                            let (r, candidates, hash) = (a.record, a.candidates, a.idHash)
                            if let org = homeOf[hash], candidates.contains(org) {
                                accepted.append(
                                    AcceptedRecord(
                                        record: r, orgID: org, idHash: hash,
                                        fingerprint: fingerprint(r, orgID: org, cipher: cipher)))
                            } else {
                                summary.reject(
                                    RejectedRow(
                                        row: r.row, reason: "所在党支部“\(r.branchName)”对应多个党组织，请写全称",
                                        name: r.name, idTail: String(r.idNumber.suffix(4))))
                            }
                        }
                        accepted.sort { $0.record.row < $1.record.row }
                    }
                    guard !accepted.isEmpty else {
                        progress(summary.rows)
                        continue
                    }
                    // Only this scope's records count as existing: the counts never tell which people another county has.
                    // (Filtered here, not by a subquery, which would lead SQLite to walk records by organization.)
                    let existing = try await sql.select().columns("id_hash", "fingerprint", "organization_id").from(
                        "national_records"
                    )
                    .where("quarter", .equal, quarter.description).where("id_hash", .in, accepted.map(\.idHash))
                    .all(decoding: ExistingRecordRow.self)
                    let known = Dictionary(
                        existing.filter { scopeIDs.contains($0.organization_id) }.map { ($0.id_hash, $0.fingerprint) },
                        uniquingKeysWith: { a, _ in a })
                    var changed: [AcceptedRecord] = []
                    for a in accepted {
                        switch known[a.idHash] {
                        case nil:
                            summary.new += 1
                            changed.append(a)
                        case a.fingerprint?: summary.unchanged += 1
                        default:
                            summary.updated += 1
                            changed.append(a)
                        }
                    }
                    if apply, !changed.isEmpty {
                        var rows: [[NationalValue]] = []
                        rows.reserveCapacity(changed.count)
                        for a in changed {
                            let (r, org, hash, print) = (a.record, a.orgID, a.idHash, a.fingerprint)
                            rows.append([
                                .text(quarter.description), .text(hash), .text(try cipher.seal(r.idNumber)),
                                .text(String(r.idNumber.prefix(6))),
                                .text(""), .text(r.name), .text(r.sex.rawValue), .text(r.ethnicity),
                                .text(r.birthDate.description), .text(r.education), .text(r.category),
                                .text(r.branchName), .int(org),
                                .optional(r.phone.map(cipher.hash)), .optional(try r.phone.map(cipher.seal)),
                                .optional(r.phone.map { String($0.suffix(4)) }),
                                .optional(r.joinedOn?.description), .optional(r.fullOn?.description),
                                .text(r.residence), .text(r.household),
                                .bool(r.isMobile), .bool(r.isLost), .text(r.employer), .text(print), .int(importID),
                                .int(r.row),
                            ])
                        }
                        try await upsert(rows, scopePath: scopePath, on: db)
                    }
                    progress(summary.rows)
                }
            } catch {
                channel.cancel()
                throw error
            }
            summary.rejected.sort { $0.row < $1.row }
            if let (kind, encoding) = info() {
                summary.kind = kind.rawValue
                summary.encoding = encoding?.rawValue
            }
            if apply {
                try await sql.update("national_imports").set("rows", to: summary.rows).set("new_count", to: summary.new)
                    .set("updated_count", to: summary.updated).set("unchanged_count", to: summary.unchanged)
                    .set("rejected_count", to: summary.rejectedTotal).where("id", .equal, importID).run()
                summary.importID = importID
                // Lines of the national to-do list whose change this export shows are done.
                summary.nationalTodosTicked = try await NationalTodoActions.tickFromImport(
                    quarter: quarter.description, under: scopePath, today: AppClock.today, on: db)
                // The caller's own record of the apply (an import job), in the same transaction.
                try await commit?(db, summary)
            }
            return summary
        }
        do {
            return apply ? try await db.writeTransaction(gate: gate, body) : try await body(db)
        } catch {
            if let problem = readerProblem(error) { throw AppError.badRequest(problem) }
            throw error
        }
    }
}

private struct AmbiguousHomeRow: Decodable {
    var id_number_hash: String
    var organization_id: Int
}

private struct ExistingRecordRow: Decodable {
    var id_hash: String
    var fingerprint: String
    var organization_id: Int
}

/// A row of the national export whose branch is settled, with the keyed hash of its number and its fingerprint.
private struct AcceptedRecord {
    var record: NationalRecord
    var orgID: Int
    var idHash: String
    var fingerprint: String
}

/// A row whose branch name several of our branches share (the roster decides).
private struct AmbiguousRecord {
    var record: NationalRecord
    var candidates: Set<Int>
    var idHash: String
}
