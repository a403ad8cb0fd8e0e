import Crypto
import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The points ledger: recomputed from the facts under the county's rule versions, never touching a closed period.
enum PointLedger {
    struct Summary: Sendable {
        var county: String
        var year: Int
        var facts: Int
        var entries: Int
        var members: Int
        var closedThrough: String?
        /// SHA-256 over the whole year's ledger of the county (closed and open), in a fixed order.
        var digest: String
    }

    /// The county organization above an organization (itself when it is one).
    static func county(of org: Organization, on db: Database) async throws -> Organization? {
        if org.level == .county { return org }
        return try await Organization.query(on: db).filter(\.$id ~~ org.pathIDs).filter(\.$level == .county).first()
    }

    static func versions(county: Int, year: Int, on db: Database) async throws -> [PointRuleSet] {
        try await PointRuleSet.query(on: db).filter(\.$countyID == county).filter(\.$year == year)
            .sort(\.$version).all()
    }

    /// Recomputes the county's ledger for `year` after its closed day — for everyone, or for one member (after a
    /// claim or an appeal is decided). The same facts give the same ledger.
    @discardableResult
    static func recompute(county: Organization, year: Int, member: UUID? = nil, on db: Database) async throws
        -> Summary
    {
        let countyID = county.id!
        let settings = try await PointCounty.find(countyID, on: db) ?? PointCounty(countyID: countyID)
        let closed = settings.closed
        let sql = try db.sql()
        let versions = try await versions(county: countyID, year: year, on: db).compactMap(\.rules)
        let yearClosed = closed.map { $0.year > year || ($0.year == year && $0.month == 12 && $0.day == 31) } ?? false
        let after = closed.flatMap { $0.year == year ? $0 : nil }
        var facts: [PointFact] = []
        var drafts: [PointEntryDraft] = []
        let memberFilter: SQLQueryString = member.map { "AND member_id = \(bind: $0)" } ?? ""
        var counted = true
        if member != nil { counted = !(try await population(county: county, member: member, on: sql)).isEmpty }
        if !yearClosed {
            facts =
                !counted
                ? []
                : try await PointFacts.read(.init(path: county.path, member: member), year: year, after: after, on: sql)
            struct Used: Decodable {
                var member_id: UUID
                var item_code: String
                var on_day: String
                var points: Int
            }
            let usage = try await sql.raw(
                """
                SELECT member_id, item_code, on_day, points FROM point_entries
                WHERE county_id = \(bind: countyID) AND year = \(bind: year) AND on_day <= \(bind: after?.description ?? "")
                \(memberFilter)
                """
            ).all(decoding: Used.self).compactMap { u in
                CalendarDate(u.on_day).map {
                    PointUsage(member: u.member_id, itemCode: u.item_code, on: $0, points: u.points)
                }
            }
            let appeals = try await PointAppeal.query(on: db).filter(\.$status != .rejected).all()
            let revoked = Set(appeals.filter { $0.status == .upheld }.map(\.entryID))
            let pending = Set(appeals.filter { $0.status == .pending }.map(\.entryID))
            drafts = PointEngine.compute(facts: facts, versions: versions, usage: usage, revoked: revoked)
            let computed = drafts
            try await db.transaction { tx in
                let sql = try tx.sql()
                try await sql.raw(
                    """
                    DELETE FROM point_entries WHERE county_id = \(bind: countyID) AND year = \(bind: year)
                    AND on_day > \(bind: after?.description ?? "") \(memberFilter)
                    """
                ).run()
                var rows = PointRows(
                    "point_entries",
                    [
                        "id", "county_id", "year", "member_id", "on_day", "item_code", "item_name", "category",
                        "rule_version", "nominal", "points", "capped", "source_kind", "source_id", "status", "reason",
                    ], on: tx)
                for d in computed {
                    let status: EntryStatus =
                        d.revoked ? .revoked : pending.contains(d.id) ? .appealed : d.capped ? .capped : .counted
                    try await rows.add([
                        .uuid(d.id), .int(countyID), .int(year), .uuid(d.member), .text(d.on.description),
                        .text(d.itemCode), .text(d.itemName), .text(d.category.rawValue), .int(d.ruleVersion),
                        .int(d.nominal), .int(d.points), .bool(d.capped), .text(d.source.rawValue), .text(d.sourceID),
                        .text(status.rawValue), .text(d.reason),
                    ])
                }
                try await rows.flush()
                try await writeTotals(county: county, year: year, member: member, on: tx)
            }
        }
        if member == nil {
            settings.recomputedAt = Date()
            if settings.id == nil { settings.id = countyID }
            try await settings.save(on: db)
        }
        return Summary(
            county: county.code, year: year, facts: facts.count, entries: drafts.count,
            members: try await population(county: county, member: member, on: sql).count,
            closedThrough: settings.closedThrough, digest: try await digest(county: countyID, year: year, on: sql))
    }

    struct Person: Decodable {
        var id: UUID
        var organization_id: Int
    }

    /// Whom points are for: the county's mobile members (an open flow) — or the one member when among them.
    static func population(county: Organization, member: UUID?, on sql: SQLDatabase) async throws -> [Person] {
        let only: SQLQueryString = member.map { "AND m.id = \(bind: $0)" } ?? ""
        return try await sql.raw(
            """
            SELECT m.id, m.organization_id FROM members m JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", county.path)) AND m.flow_status IN \(SQLBind.group(LedgerService.openStates)) \(only)
            """
        ).all(decoding: Person.self)
    }

    /// One row per member of the county with the year's total and each quarter's sum (zero when nothing earned).
    static func writeTotals(county: Organization, year: Int, member: UUID?, on db: Database) async throws {
        let sql = try db.sql()
        let countyID = county.id!
        struct Row: Decodable {
            var member_id: UUID
            var on_day: String
            var points: Int
        }
        let memberFilter: SQLQueryString = member.map { "AND member_id = \(bind: $0)" } ?? ""
        var sums: [UUID: [Int]] = [:]
        for r in try await sql.raw(
            """
            SELECT member_id, on_day, points FROM point_entries
            WHERE county_id = \(bind: countyID) AND year = \(bind: year) \(memberFilter)
            """
        ).all(decoding: Row.self) {
            guard let d = CalendarDate(r.on_day) else { continue }
            var s = sums[r.member_id] ?? [0, 0, 0, 0]
            s[(d.month - 1) / 3] += r.points
            sums[r.member_id] = s
        }
        if let member {
            try await sql.raw("DELETE FROM point_totals WHERE member_id = \(bind: member) AND year = \(bind: year)")
                .run()
        } else {
            try await sql.raw(
                "DELETE FROM point_totals WHERE county_id = \(bind: countyID) AND year = \(bind: year)"
            ).run()
        }
        var rows = PointRows(
            "point_totals", ["member_id", "year", "county_id", "org_id", "total", "q1", "q2", "q3", "q4"], on: db)
        for p in try await population(county: county, member: member, on: sql) {
            let s = sums[p.id] ?? [0, 0, 0, 0]
            try await rows.add([
                .uuid(p.id), .int(year), .int(countyID), .int(p.organization_id), .int(s.reduce(0, +)), .int(s[0]),
                .int(s[1]), .int(s[2]), .int(s[3]),
            ])
        }
        try await rows.flush()
    }

    /// A fingerprint of the county's ledger for the year: equal fingerprints, equal ledgers.
    static func digest(county: Int, year: Int, on sql: SQLDatabase) async throws -> String {
        struct Row: Decodable {
            var id: UUID
            var on_day: String
            var item_code: String
            var rule_version: Int
            var points: Int
            var status: String
        }
        var hash = SHA256()
        for r in try await sql.raw(
            """
            SELECT id, on_day, item_code, rule_version, points, status FROM point_entries
            WHERE county_id = \(bind: county) AND year = \(bind: year)
            """
        ).all(decoding: Row.self).sorted(by: { PointEngine.uuidLess($0.id, $1.id) }) {
            hash.update(
                data: Data(
                    "\(r.id.uuidString)|\(r.on_day)|\(r.item_code)|\(r.rule_version)|\(r.points)|\(r.status)\n".utf8))
        }
        return hash.finalize().hex
    }

    /// Recomputes one member's year in their county (when the county is in the pilot).
    static func recompute(member: Member, year: Int, on db: Database) async throws {
        guard let branch = try await Organization.find(member.organizationID, on: db),
            let county = try await county(of: branch, on: db),
            try await PointCounty.find(county.id!, on: db)?.enabled == true
        else { return }
        try await recompute(county: county, year: year, member: member.id, on: db)
    }
}
