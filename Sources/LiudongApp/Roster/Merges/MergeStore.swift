import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of merging duplicates: entries under an organization sharing a name and birth date, moving one
/// member's rows to another (and back), and the merges done.
enum MergeStore {
    /// Roster entries under `path` whose name and birth date another entry there shares (at most 500).
    static func candidates(under path: String, on db: Database) async throws -> [CandidateMemberRow] {
        try await db.sql().raw(
            """
            SELECT m.id, m.name, m.birth_date, m.id_prefix, o.short_name AS branch, m.flow_status
            FROM members m JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL
              AND EXISTS (SELECT 1 FROM members x JOIN organizations xo ON xo.id = x.organization_id
                          WHERE x.name = m.name AND x.birth_date = m.birth_date AND x.id <> m.id
                            AND x.roster_state IS NULL AND \(PathPrefix("xo.path", path)))
            ORDER BY m.name, m.birth_date, m.id LIMIT 500
            """
        ).all(decoding: CandidateMemberRow.self)
    }

    /// Moves `from`'s rows of `table` to `to` (leaving those whose twin `to` already has); returns the ids moved.
    static func move(_ table: String, uniqueWith: String?, from: UUID, to: UUID, on db: Database) async throws
        -> [String]
    {
        let sql = try db.sql()
        let twin: SQLQueryString =
            uniqueWith.map {
                " AND NOT EXISTS (SELECT 1 FROM \(unsafeRaw: table) t2 WHERE t2.member_id = \(bind: to) AND t2.\(unsafeRaw: $0) = t.\(unsafeRaw: $0))"
            } ?? ""
        let ids = try await sql.raw(
            "SELECT CAST(t.id AS TEXT) AS id FROM \(unsafeRaw: table) t WHERE t.member_id = \(bind: from)\(twin)"
        ).all().compactMap { try? $0.decode(column: "id", as: String.self) }
        try await setMember(table, ids: ids, to: to, on: sql)
        return ids
    }

    /// Points the rows `ids` of `table` at `member`.
    static func setMember(_ table: String, ids: [String], to member: UUID, on sql: SQLDatabase) async throws {
        for chunk in ids.chunked(500) {
            try await sql.raw(
                "UPDATE \(unsafeRaw: table) SET member_id = \(bind: member) WHERE CAST(id AS TEXT) IN \(SQLBind.group(Array(chunk)))"
            ).run()
        }
    }

    static func merges(under path: String, on db: Database) async throws -> [MergeRow] {
        try await db.sql().raw(
            """
            SELECT g.id, k.name, g.kept_id, g.reason, g.merged_on, g.merged_by, g.undone_on
            FROM member_merges g JOIN members k ON k.id = g.kept_id JOIN organizations o ON o.id = k.organization_id
            WHERE \(PathPrefix("o.path", path)) ORDER BY g.merged_on DESC LIMIT 200
            """
        ).all(decoding: MergeRow.self)
    }
}

struct CandidateMemberRow: Decodable {
    var id: UUID
    var name: String
    var birthDate: String
    var idPrefix: String
    var branch: String
    var flowStatus: String?

    enum CodingKeys: String, CodingKey {
        case id, name, branch
        case birthDate = "birth_date"
        case idPrefix = "id_prefix"
        case flowStatus = "flow_status"
    }
}

struct MergeRow: Decodable {
    var id: UUID
    var name: String
    var keptID: UUID
    var reason: String
    var mergedOn: String
    var mergedBy: String
    var undoneOn: String?

    enum CodingKeys: String, CodingKey {
        case id, name, reason
        case keptID = "kept_id"
        case mergedOn = "merged_on"
        case mergedBy = "merged_by"
        case undoneOn = "undone_on"
    }
}
