import Fluent
import Foundation
import LiudongCore
import SQLKit

/// How many members have a total (a ranking's distribution).
private struct TotalCount: Decodable {
    var total: Int
    var n: Int
    var months: Int
}

/// A ranked member as read, before rank and band are added.
private struct RankedRow: Decodable {
    var memberID: UUID
    var name: String
    var branch: String
    var total: Int
    var months: Int

    enum CodingKeys: String, CodingKey {
        case name, branch, total, months
        case memberID = "member_id"
    }
}

/// How many are counted, and how many rank above a total.
private struct Above: Decodable {
    var n: Int
    var above: Int
}

/// A member's total as frozen into the snapshot.
struct SnapshotTotal: Decodable, Sendable {
    var memberID: UUID
    var orgID: Int
    var name: String
    var total: Int
    /// The months of the year the member was mobile (`PointMobility`).
    var months: Int

    enum CodingKeys: String, CodingKey {
        case name, total, months
        case memberID = "member_id"
        case orgID = "org_id"
    }
}

/// Rankings (评比): live from `point_totals` during the year, frozen in `point_snapshot` once the county publishes.
/// Ranks (`PointRankingRules`) are within the organization asked for.
enum PointRankingStore {
    struct Row: Codable, Sendable {
        var memberId: UUID
        var name: String
        var branch: String
        var total: Int
        var rank: Int
        var band: String
    }

    struct Page: Sendable {
        var published: Bool
        var publication: PointPublication?
        var count: Int
        var rows: [Row]
        /// Members per band, in band order.
        var bands: [(label: String, count: Int)]
        var settings: PointBands
    }

    /// The set of rows asked for: a county (its column), a branch (its id) or any organization in between (its path).
    static func scope(_ alias: String, org: Organization, county: Int, year: Int) -> SQLQueryString {
        let base: SQLQueryString =
            "\(ident: alias).county_id = \(bind: county) AND \(ident: alias).year = \(bind: year)"
        if org.id == county { return base }
        if org.level == .branch || org.kind != .regular {
            return base + " AND \(ident: alias).org_id = \(bind: org.id!)"
        }
        return base
            + " AND \(ident: alias).org_id IN (SELECT id FROM organizations WHERE \(PathPrefix("path", org.path)))"
    }

    /// Where a year's ranking is read from: the live totals with the county's lines pro-rated to the completed
    /// months, or the published snapshot with the lines it was published under; each member's lines are pro-rated
    /// further to the months of those they were mobile (`mobile_months`).
    static func source(county: Organization, year: Int, today: CalendarDate, on db: Database) async throws
        -> (publication: PointPublication?, table: String, bands: PointBands, months: Int)
    {
        let pub = try await publication(county: county.id!, year: year, on: db)
        if let pub { return (pub, "point_snapshot", pub.bands, 12) }
        let settings = try await PointRulesStore.settingsOrDefault(county.id!, on: db)
        return (nil, "point_totals", settings.bands, PointRankingRules.months(year: year, today: today))
    }

    /// A row's months, the whole year for rows written before they were kept.
    private static func months(_ alias: String) -> SQLQueryString {
        "COALESCE(\(ident: alias).mobile_months, \(unsafeRaw: String(PointMobility.wholeYear)))"
    }

    static func publication(county: Int, year: Int, on db: Database) async throws -> PointPublication? {
        try await PointPublication.query(on: db).filter(\.$countyID == county).filter(\.$year == year).first()
    }

    /// One page (`limit` rows from `offset`) of the ranking of `org` (inside `county`) for `year`.
    static func page(
        org: Organization, county: Organization, year: Int, limit: Int, offset: Int, today: CalendarDate,
        on db: Database
    ) async throws -> Page {
        let sql = try db.sql()
        let (pub, table, bands, months) = try await source(county: county, year: year, today: today, on: db)
        let set = scope("t", org: org, county: county.id!, year: year)
        let dist = try await sql.raw(
            """
            SELECT t.total, \(Self.months("t")) AS months, COUNT(*) AS n FROM \(unsafeRaw: table) t WHERE \(set)
            GROUP BY t.total, \(Self.months("t")) ORDER BY t.total DESC
            """
        ).all(decoding: TotalCount.self)
        let ranks = PointRankingRules.ranks(
            distribution: dist.map { ($0.total, $0.n, PointMobility.counted($0.months, completed: months)) },
            bands: bands)
        let nameColumn: SQLQueryString = pub == nil ? "m.name" : "t.name"
        let rows = try await sql.raw(
            """
            SELECT t.member_id, \(nameColumn) AS name, o.short_name AS branch, t.total, \(Self.months("t")) AS months
            FROM \(unsafeRaw: table) t
            JOIN members m ON m.id = t.member_id JOIN organizations o ON o.id = t.org_id
            WHERE \(set) ORDER BY t.total DESC, \(nameColumn), t.member_id LIMIT \(unsafeRaw: String(max(0, limit)))
            OFFSET \(unsafeRaw: String(max(0, offset)))
            """
        ).all(decoding: RankedRow.self)
        return Page(
            published: pub != nil, publication: pub, count: ranks.count,
            rows: rows.map { r in
                let (rank, band) = ranks.standing(
                    r.total, bands: bands, months: PointMobility.counted(r.months, completed: months))
                return Row(memberId: r.memberID, name: r.name, branch: r.branch, total: r.total, rank: rank, band: band)
            },
            bands: ranks.bandCounts.enumerated().map { (bands.label($0.offset), $0.element) }, settings: bands)
    }

    /// A member's standing in the county: total, rank, band, and the months of the year they were mobile (nil when
    /// the county has no totals for the year).
    static func standing(member: UUID, county: Organization, year: Int, today: CalendarDate, on db: Database)
        async throws -> (total: Int, rank: Int, count: Int, band: String, published: Bool, months: Int)?
    {
        let sql = try db.sql()
        let (pub, table, bands, months) = try await source(county: county, year: year, today: today, on: db)
        guard
            let row = try await sql.raw(
                """
                SELECT total, \(Self.months(table)) AS months FROM \(unsafeRaw: table)
                WHERE member_id = \(bind: member) AND year = \(bind: year) AND county_id = \(bind: county.id!)
                """
            ).first(), let mine = try? row.decode(column: "total", as: Int.self)
        else { return nil }
        let mask = (try? row.decode(column: "months", as: Int.self)) ?? PointMobility.wholeYear
        let mobile = PointMobility.counted(mask, completed: months)
        let c =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN total > \(bind: mine) THEN 1 ELSE 0 END), 0) AS above
                FROM \(unsafeRaw: table) WHERE county_id = \(bind: county.id!) AND year = \(bind: year)
                """
            ).first(decoding: Above.self) ?? Above(n: 1, above: 0)
        let rank = c.above + 1
        return (
            mine, rank, c.n, bands.label(bands.band(rank: rank, count: c.n, total: mine, months: mobile)), pub != nil,
            mask
        )
    }

    /// An entry's county, year and member.
    static func entry(_ id: UUID, on db: Database) async throws -> (county: Int, year: Int, member: UUID)? {
        guard
            let r = try await PointRow.all(
                "SELECT county_id, year, member_id FROM point_entries WHERE id = \(bind: id)", on: db
            ).first, let county = r.int("county_id"), let year = r.int("year"), let member = r.uuid("member_id")
        else { return nil }
        return (county, year, member)
    }

    /// Revokes an entry of a closed year (an objection upheld in the notice period) and sums the member's year again
    /// into `point_totals` and the posted snapshot.
    static func revoke(entry id: UUID, member: UUID, county: Int, year: Int, on db: Database) async throws {
        try await db.transaction { tx in
            let sql = try tx.sql()
            try await sql.raw(
                """
                UPDATE point_entries SET status = \(bind: EntryStatus.revoked.rawValue), points = 0, signature = NULL
                WHERE id = \(bind: id)
                """
            ).run()
            var q = [0, 0, 0, 0]
            for r in try await PointRow.all(
                """
                SELECT on_day, points FROM point_entries
                WHERE member_id = \(bind: member) AND county_id = \(bind: county) AND year = \(bind: year)
                """, on: tx)
            {
                guard let d = r.string("on_day").flatMap({ CalendarDate($0) }), let p = r.int("points") else {
                    continue
                }
                q[(d.month - 1) / 3] += p
            }
            let total = q.reduce(0, +)
            try await sql.raw(
                """
                UPDATE point_totals SET total = \(bind: total), q1 = \(bind: q[0]), q2 = \(bind: q[1]), q3 = \(bind: q[2]),
                  q4 = \(bind: q[3]) WHERE member_id = \(bind: member) AND year = \(bind: year)
                """
            ).run()
            try await sql.raw(
                """
                UPDATE point_snapshot SET total = \(bind: total)
                WHERE member_id = \(bind: member) AND county_id = \(bind: county) AND year = \(bind: year)
                """
            ).run()
        }
    }

    /// Ranks and bands of a posted snapshot again after a total changed (competition ranks, the publication's lines).
    static func refreeze(_ p: PointPublication, on db: Database) async throws {
        let rows = try await PointRow.all(
            """
            SELECT member_id, total, \(Self.months("point_snapshot")) AS months FROM point_snapshot
            WHERE county_id = \(bind: p.countyID) AND year = \(bind: p.year) ORDER BY total DESC, member_id
            """, on: db)
        let totals = rows.map { $0.int("total") ?? 0 }
        let ranks = PointRankingRules.competitionRanks(totals)
        let bands = p.bands
        try await db.transaction { tx in
            for (r, rank) in zip(rows, ranks) {
                guard let m = r.uuid("member_id") else { continue }
                let band = bands.band(
                    rank: rank, count: rows.count, total: r.int("total") ?? 0,
                    months: PointMobility.counted(r.int("months") ?? PointMobility.wholeYear, completed: 12))
                try await tx.sql().raw(
                    """
                    UPDATE point_snapshot SET rank = \(bind: rank), band = \(bind: band)
                    WHERE member_id = \(bind: m) AND county_id = \(bind: p.countyID) AND year = \(bind: p.year)
                    """
                ).run()
            }
        }
    }

    /// The county's totals for the year, highest first (what a publication freezes).
    static func totals(county: Int, year: Int, on db: Database) async throws -> [SnapshotTotal] {
        try await db.sql().raw(
            """
            SELECT t.member_id, t.org_id, m.name, t.total, \(Self.months("t")) AS months
            FROM point_totals t JOIN members m ON m.id = t.member_id
            WHERE t.county_id = \(bind: county) AND t.year = \(bind: year) ORDER BY t.total DESC
            """
        ).all(decoding: SnapshotTotal.self)
    }

    /// Writes the snapshot and the publication, and closes the year, in one transaction.
    static func freeze(
        _ p: PointPublication, totals: [SnapshotTotal], bands: PointBands, settings: PointCounty, by username: String,
        on db: Database
    ) async throws {
        let ranks = PointRankingRules.competitionRanks(totals.map(\.total))
        try await db.transaction { tx in
            let sql = try tx.sql()
            var rows = Rows(
                table: "point_snapshot",
                columns: [
                    "county_id", "year", "member_id", "org_id", "name", "total", "rank", "band", "mobile_months",
                ])
            for (t, rank) in zip(totals, ranks) {
                rows.add([
                    SQLBind(p.countyID), SQLBind(p.year), SQLBind(t.memberID), SQLBind(t.orgID), SQLBind(t.name),
                    SQLBind(t.total), SQLBind(rank),
                    SQLBind(
                        bands.band(
                            rank: rank, count: totals.count, total: t.total,
                            months: PointMobility.counted(t.months, completed: 12))), SQLBind(t.months),
                ])
                try await rows.flushIfFull(sql)
            }
            try await rows.flush(sql)
            try await p.create(on: tx)
            let end = "\(p.year)-12-31"
            if (settings.closedThrough ?? "") < end { settings.closedThrough = end }
            settings.updatedBy = username
            try await settings.save(on: tx)
        }
    }
}
