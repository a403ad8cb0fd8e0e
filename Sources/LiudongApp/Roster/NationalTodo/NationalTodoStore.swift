import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of the national to-do list: lines under an organization, the worklist's counts, and an import's view
/// of each open line's member.
enum NationalTodoStore {
    /// Lines of branches under `path`: open ones (oldest first), done ones (latest first), or both; at most 500.
    static func list(under path: String, open: Bool?, on db: Database) async throws -> [NationalTodoRow] {
        var state: SQLQueryString = ""
        if let open { state = open ? " AND t.done_on IS NULL" : " AND t.done_on IS NOT NULL" }
        return try await db.sql().raw(
            """
            SELECT t.id, t.member_id, m.name, b.short_name AS branch, t.change, t.detail, t.since, t.done_on, t.done_by
            FROM national_todos t JOIN members m ON m.id = t.member_id JOIN organizations b ON b.id = t.branch_id
            WHERE \(PathPrefix("b.path", path))\(state)
            ORDER BY t.done_on IS NOT NULL, CASE WHEN t.done_on IS NULL THEN t.since END, t.done_on DESC, m.name LIMIT 500
            """
        ).all(decoding: NationalTodoRow.self)
    }

    /// Open lines per branch under `path`, and those open more than 30 days.
    static func counts(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> (
        open: [Int: Int], overdue: [Int: Int]
    ) {
        let late = today.adding(days: -NationalTodoRules.overdueDays).description
        let open = try await sql.raw(
            """
            SELECT t.branch_id AS org_id, COUNT(*) AS n FROM national_todos t JOIN organizations b ON b.id = t.branch_id
            WHERE \(PathPrefix("b.path", path)) AND t.done_on IS NULL GROUP BY t.branch_id
            """
        ).all(decoding: OrgCount.self).counts
        let overdue = try await sql.raw(
            """
            SELECT t.branch_id AS org_id, COUNT(*) AS n FROM national_todos t JOIN organizations b ON b.id = t.branch_id
            WHERE \(PathPrefix("b.path", path)) AND t.done_on IS NULL AND t.since < \(bind: late) GROUP BY t.branch_id
            """
        ).all(decoding: OrgCount.self).counts
        return (open, overdue)
    }

    /// Each open line under `path` with an expectation, and how the quarter's national export shows its member.
    static func sightings(quarter: String, under path: String, on db: Database) async throws -> [SightingRow] {
        try await db.sql().raw(
            """
            SELECT t.id, t.expect, m.organization_id AS branch_id, n.organization_id AS national_org, n.is_mobile
            FROM national_todos t JOIN members m ON m.id = t.member_id JOIN organizations b ON b.id = m.organization_id
            LEFT JOIN national_records n ON n.quarter = \(bind: quarter) AND n.id_hash = m.id_number_hash
            WHERE \(PathPrefix("b.path", path)) AND t.done_on IS NULL AND t.expect <> 'none'
            """
        ).all(decoding: SightingRow.self)
    }

    static func tick(_ ids: [UUID], on day: CalendarDate, by name: String, on db: Database) async throws {
        for chunk in ids.chunked(500) {
            try await db.sql().update("national_todos").set("done_on", to: day.description).set("done_by", to: name)
                .where("id", .in, Array(chunk)).where("done_on", .is, SQLLiteral.null).run()
        }
    }
}

struct NationalTodoRow: Decodable {
    var id: UUID
    var memberID: UUID
    var name: String
    var branch: String
    var change: NationalChange
    var detail: String
    var since: String
    var doneOn: String?
    var doneBy: String?

    enum CodingKeys: String, CodingKey {
        case id, name, branch, change, detail, since
        case memberID = "member_id"
        case doneOn = "done_on"
        case doneBy = "done_by"
    }
}

struct SightingRow: Decodable {
    var id: UUID
    var expect: NationalExpectation
    var branchID: Int
    var nationalOrg: Int?
    var isMobile: Bool?

    enum CodingKeys: String, CodingKey {
        case id, expect
        case branchID = "branch_id"
        case nationalOrg = "national_org"
        case isMobile = "is_mobile"
    }
}
