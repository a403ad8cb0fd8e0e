import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of members off the roster: a member's exits, and those reduced under an organization (the
/// “已减少” list).
enum ExitStore {
    static func exits(of member: UUID, on db: Database) async throws -> [MemberExit] {
        try await MemberExit.query(on: db).filter(\.$memberID == member).sort(\.$createdAt, .descending).all()
    }

    static func exit(_ id: UUID, on db: Database) async throws -> MemberExit? { try await MemberExit.find(id, on: db) }

    /// Members reduced under `path`, latest first, with the exit in force (at most 500).
    static func reduced(under path: String, on db: Database) async throws -> [ReducedRow] {
        try await db.sql().raw(
            """
            SELECT m.id, m.name, b.short_name AS branch, e.kind, e.on_day, e.reason, d.short_name AS decided_by
            FROM members m JOIN organizations b ON b.id = m.organization_id
            JOIN member_exits e ON e.member_id = m.id AND e.undone_on IS NULL AND e.restored_on IS NULL
            JOIN organizations d ON d.id = e.org_id
            WHERE \(PathPrefix("b.path", path)) AND m.roster_state = 'exited'
            ORDER BY e.on_day DESC, m.name LIMIT 500
            """
        ).all(decoding: ReducedRow.self)
    }
}

struct ReducedRow: Decodable {
    var id: UUID
    var name: String
    var branch: String
    var kind: ExitKind
    var onDay: String
    var reason: String
    var decidedBy: String

    enum CodingKeys: String, CodingKey {
        case id, name, branch, kind, reason
        case onDay = "on_day"
        case decidedBy = "decided_by"
    }
}
