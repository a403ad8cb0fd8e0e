import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The store of registrations held for the county to settle (`roster_duplicates`).
enum RosterDuplicates {
    struct Row: Decodable, Sendable {
        var id: UUID
        var existing_member_id: UUID
        var submitted_org_id: Int
        var county_id: Int
        var name: String
        var id_masked: String
        var details_enc: String
        var submitted_by: String
        var created_at: Date
        var settled_at: Date?
        var settled_by: String?
        var resolution: String?
    }

    /// Holds a registration for the county above `branch`; the same branch sending the same number again while it is
    /// open adds nothing.
    static func submit(
        _ v: MemberForm.Valid, branch: Organization, existing: UUID, by user: CurrentUser, cipher: FieldCipher,
        on db: Database
    ) async throws {
        let sql = try db.sql()
        let hash = cipher.hash(v.idNumber.value)
        let open =
            try await sql.raw(
                """
                SELECT count(*) AS n FROM roster_duplicates
                WHERE id_number_hash = \(bind: hash) AND submitted_org_id = \(bind: branch.id!) AND settled_at IS NULL
                """
            ).first(decoding: DuplicateCountRow.self)?.n ?? 0
        guard open == 0 else { return }
        let county = try await OrgTree.countyOrCity(of: branch, on: db)
        let details: [String: String] = [
            "name": v.name, "idNumber": v.idNumber.value, "phone": v.phone ?? "", "branch": branch.shortName,
        ]
        let sealed = try cipher.seal(String(decoding: try JSONEncoder().encode(details), as: UTF8.self))
        try await sql.insert(into: "roster_duplicates").columns(
            "id", "id_number_hash", "existing_member_id", "submitted_org_id", "county_id", "county_path", "name",
            "id_masked", "details_enc", "submitted_by", "created_at"
        ).values(
            [
                UUID(), hash, existing, branch.id!, county.id!, county.path, v.name, Masking.idNumber(v.idNumber.value),
                sealed, user.username, AppClock.now,
            ] as [any Encodable & Sendable]
        ).run()
    }

    /// Open duplicates per county, for the worklist of accounts whose scope covers `path`.
    static func openCounts(under path: String, on sql: SQLDatabase) async throws -> [Int: Int] {
        let rows = try await sql.raw(
            """
            SELECT county_id, count(*) AS n FROM roster_duplicates
            WHERE settled_at IS NULL AND county_path LIKE \(bind: path + "%") GROUP BY county_id
            """
        ).all(decoding: CountyCountRow.self)
        return Dictionary(rows.map { ($0.countyID, $0.n) }, uniquingKeysWith: +)
    }

    /// The columns of a `Row`.
    private static let columns =
        "id, existing_member_id, submitted_org_id, county_id, name, id_masked, details_enc, submitted_by, created_at, settled_at, settled_by, resolution"

    static func list(under path: String, open: Bool, on sql: SQLDatabase) async throws -> [Row] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM roster_duplicates WHERE county_path LIKE \(bind: path + "%")
              AND \(unsafeRaw: open ? "settled_at IS NULL" : "settled_at IS NOT NULL")
            ORDER BY created_at \(unsafeRaw: open ? "" : "DESC") LIMIT 500
            """
        ).all(decoding: Row.self)
    }

    static func find(_ id: UUID, under path: String, on sql: SQLDatabase) async throws -> Row? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM roster_duplicates WHERE id = \(bind: id) AND county_path LIKE \(bind: path + "%")
            """
        ).first(decoding: Row.self)
    }

    /// Settles an open duplicate with what was done; false when it was settled already.
    static func settle(_ id: UUID, resolution: String, by username: String, on sql: SQLDatabase) async throws -> Bool {
        let done = try await sql.raw(
            """
            UPDATE roster_duplicates SET settled_at = \(bind: AppClock.now), settled_by = \(bind: username),
                   resolution = \(bind: resolution)
            WHERE id = \(bind: id) AND settled_at IS NULL RETURNING id
            """
        ).all()
        return !done.isEmpty
    }
}

private struct DuplicateCountRow: Decodable { var n: Int }

private struct CountyCountRow: Decodable {
    var countyID: Int
    var n: Int
    enum CodingKeys: String, CodingKey {
        case countyID = "county_id"
        case n
    }
}
