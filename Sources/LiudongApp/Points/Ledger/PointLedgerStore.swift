import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A member of the ledger's population, the organization their points count for, and the months of the year they
/// were mobile (`PointMobility`).
struct PointPerson: Sendable {
    var id: UUID
    var org: Int
    var months: Int = PointMobility.wholeYear
}

/// One stored ledger entry as a member's ledger shows it.
struct PointEntryRow: Decodable, Sendable {
    var id: UUID
    var onDay: String
    var itemCode: String
    var itemName: String
    var category: String
    var points: Int
    var nominal: Int
    var capped: Bool
    var status: String
    var sourceKind: String
    var sourceID: String
    var ruleVersion: Int
    var reason: String

    enum CodingKeys: String, CodingKey {
        case id, category, points, nominal, capped, status, reason
        case onDay = "on_day"
        case itemCode = "item_code"
        case itemName = "item_name"
        case sourceKind = "source_kind"
        case sourceID = "source_id"
        case ruleVersion = "rule_version"
    }
}

/// The stored ledger (`point_entries`) and totals (`point_totals`): every query of the ledger sub-feature but the
/// facts (`PointFactStore`).
enum PointLedgerStore {
    static let columns = [
        "id", "county_id", "year", "member_id", "on_day", "item_code", "item_name", "category", "rule_version",
        "nominal", "points", "capped", "source_kind", "source_id", "status", "reason", "signature",
    ]

    /// Whom points are for: the county's members who were mobile at any time in `year` (an open flow, or one that
    /// ended in it), with the months they were mobile — or the one member when among them. A member marked mobile
    /// with no flow on record counts for the whole year.
    static func population(county: Organization, year: Int, member: UUID?, on db: Database) async throws
        -> [PointPerson]
    {
        let only: SQLQueryString = member.map { "AND m.id = \(bind: $0)" } ?? ""
        var order: [UUID] = []
        var people: [UUID: (org: Int, open: Bool, flows: Int, spans: [PointMobility.Span])] = [:]
        for r in try await PointRow.all(
            """
            SELECT m.id, m.organization_id, m.flow_status, f.status, f.left_on, f.returned_on
            FROM members m JOIN organizations o ON o.id = m.organization_id LEFT JOIN flows f ON f.member_id = m.id
            WHERE \(PathPrefix("o.path", county.path)) AND m.flow_status IS NOT NULL \(only)
            """, on: db)
        {
            guard let id = r.uuid("id"), let org = r.int("organization_id") else { continue }
            if people[id] == nil {
                order.append(id)
                let open = r.string("flow_status").flatMap(FlowState.init(rawValue:))?.isOpen ?? false
                people[id] = (org, open, 0, [])
            }
            guard let left = r.string("left_on").flatMap({ CalendarDate($0) }) else { continue }
            people[id]?.flows += 1
            let state = r.string("status").flatMap(FlowState.init(rawValue:))
            if state?.isOpen == true {
                people[id]?.spans.append(.init(from: left, to: nil))
            } else if let back = r.string("returned_on").flatMap({ CalendarDate($0) }) {
                people[id]?.spans.append(.init(from: left, to: back))
            }
        }
        return order.compactMap { id in
            guard let p = people[id] else { return nil }
            let months =
                p.open && p.flows == 0 ? PointMobility.wholeYear : PointMobility.months(p.spans, year: year)
            return months == 0 ? nil : PointPerson(id: id, org: p.org, months: months)
        }
    }

    /// Entries of the closed period, read whole: they are kept, counted first for caps, and summed.
    static func closedEntries(county: Int, year: Int, through cut: String, member: UUID?, on db: Database)
        async throws -> [PointLedgerEntry]
    {
        guard !cut.isEmpty else { return [] }
        return try await PointRow.all(
            """
            SELECT \(unsafeRaw: columns.filter { $0 != "county_id" && $0 != "year" }.joined(separator: ", ")) FROM point_entries
            WHERE county_id = \(bind: county) AND year = \(bind: year) AND on_day <= \(bind: cut) \(only(member))
            """, on: db
        ).compactMap { entry($0, county: county, year: year) }
    }

    /// Entries after the closed period, by id and signature only: they are compared with the recomputed ones.
    static func openSignatures(county: Int, year: Int, after cut: String, member: UUID?, on db: Database)
        async throws -> [UUID: Int?]
    {
        var open: [UUID: Int?] = [:]
        for r in try await PointRow.all(
            """
            SELECT id, signature FROM point_entries
            WHERE county_id = \(bind: county) AND year = \(bind: year) AND on_day > \(bind: cut) \(only(member))
            """, on: db)
        {
            if let id = r.uuid("id") { open[id] = r.int("signature") }
        }
        return open
    }

    /// Entries revoked (an upheld appeal) and under appeal (a pending one).
    static func appealed(on db: Database) async throws -> (revoked: Set<UUID>, pending: Set<UUID>) {
        let appeals = try await PointAppeal.query(on: db).filter(\.$status != .rejected).all()
        return (
            Set(appeals.filter { $0.status == .upheld }.map(\.entryID)),
            Set(appeals.filter { $0.status == .pending }.map(\.entryID))
        )
    }

    /// Writes a recomputation in one transaction: removals, insertions, and the totals that differ.
    static func write(
        removals: [UUID], additions: [PointLedgerEntry], totals: [UUID: [Int]], county: Int, year: Int,
        member: UUID?, on db: Database
    ) async throws {
        try await db.transaction { tx in
            for chunk in stride(from: 0, to: removals.count, by: 500) {
                let ids = removals[chunk..<min(chunk + 500, removals.count)].map { $0 as any Encodable & Sendable }
                try await tx.sql().raw("DELETE FROM point_entries WHERE id IN \(SQLBind.group(ids))").run()
            }
            var rows = PointRows("point_entries", columns, on: tx)
            for e in additions { try await rows.add(values(e)) }
            try await rows.flush()
            try await writeTotals(totals, county: county, year: year, member: member, on: tx)
        }
    }

    /// Writes the totals that differ from the stored ones (and removes rows of members no longer counted).
    static func writeTotals(_ wanted: [UUID: [Int]], county: Int, year: Int, member: UUID?, on db: Database)
        async throws
    {
        let filter: SQLQueryString =
            member.map { "member_id = \(bind: $0) AND year = \(bind: year)" }
            ?? "county_id = \(bind: county) AND year = \(bind: year)"
        var have: [UUID: [Int]] = [:]
        for r in try await PointRow.all(
            "SELECT member_id, org_id, total, q1, q2, q3, q4, mobile_months FROM point_totals WHERE \(filter)", on: db)
        {
            guard let id = r.uuid("member_id") else { continue }
            have[id] =
                ["org_id", "total", "q1", "q2", "q3", "q4"].map { r.int($0) ?? 0 }
                + [r.int("mobile_months") ?? PointMobility.wholeYear]
        }
        let gone = have.filter { wanted[$0.key] != $0.value }.map(\.key)
        for chunk in stride(from: 0, to: gone.count, by: 500) {
            let ids = gone[chunk..<min(chunk + 500, gone.count)].map { $0 as any Encodable & Sendable }
            try await db.sql().raw(
                "DELETE FROM point_totals WHERE year = \(bind: year) AND member_id IN \(SQLBind.group(ids))"
            ).run()
        }
        var rows = PointRows(
            "point_totals",
            ["member_id", "year", "county_id", "org_id", "total", "q1", "q2", "q3", "q4", "mobile_months"], on: db)
        for (id, v) in wanted where have[id] != v {
            try await rows.add([.uuid(id), .int(year), .int(county)] + v.map { .int($0) })
        }
        try await rows.flush()
    }

    static func markRecomputed(_ settings: PointCounty, county: Int, on db: Database) async throws {
        settings.recomputedAt = AppClock.now
        if settings.id == nil { settings.id = county }
        try await settings.save(on: db)
    }

    /// A member's entries of a year, newest first.
    static func entries(member: UUID, year: Int, on db: Database) async throws -> [PointEntryRow] {
        try await db.sql().raw(
            """
            SELECT id, on_day, item_code, item_name, category, points, nominal, capped, status, source_kind, source_id,
                   rule_version, reason
            FROM point_entries WHERE member_id = \(bind: member) AND year = \(bind: year)
            ORDER BY on_day DESC, item_code, source_id
            """
        ).all(decoding: PointEntryRow.self)
    }

    private static func only(_ member: UUID?) -> SQLQueryString {
        member.map { "AND member_id = \(bind: $0)" } ?? ""
    }

    private static func values(_ e: PointLedgerEntry) -> [PointRows.Value] {
        [
            .uuid(e.id), .int(e.county), .int(e.year), .uuid(e.member), .text(e.on), .text(e.code), .text(e.name),
            .text(e.category), .int(e.version), .int(e.nominal), .int(e.points), .bool(e.capped), .text(e.kind),
            .text(e.sourceID), .text(e.status), .text(e.reason), .int(e.signature),
        ]
    }

    private static func entry(_ r: PointRow, county: Int, year: Int) -> PointLedgerEntry? {
        guard let id = r.uuid("id"), let member = r.uuid("member_id"), let on = r.string("on_day"),
            let code = r.string("item_code"), let version = r.int("rule_version"), let points = r.int("points")
        else { return nil }
        return PointLedgerEntry(
            id: id, member: member, on: on, code: code, name: r.string("item_name") ?? "",
            category: r.string("category") ?? "", version: version, nominal: r.int("nominal") ?? 0, points: points,
            capped: r.bool("capped"), kind: r.string("source_kind") ?? "", sourceID: r.string("source_id") ?? "",
            status: r.string("status") ?? "", reason: r.string("reason") ?? "", county: county, year: year)
    }
}
