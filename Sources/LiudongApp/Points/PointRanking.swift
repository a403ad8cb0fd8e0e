import Fluent
import Foundation
import LiudongCore
import SQLKit

/// Rankings (评比): live from `point_totals` during the year, frozen in `point_snapshot` once the county publishes.
/// Ranks are competition ranks (equal totals share a rank; the next rank skips), within the organization asked for.
enum PointRanking {
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

    /// Completed months of `year` seen on `today` (12 once the year is over).
    static func months(year: Int, today: CalendarDate) -> Int {
        year < today.year ? 12 : year > today.year ? 0 : today.month - 1
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

    /// Where a year's ranking is read from: the live totals with the county's lines pro-rated, or the published
    /// snapshot with the lines it was published under.
    static func source(county: Organization, year: Int, today: CalendarDate, on db: Database) async throws
        -> (publication: PointPublication?, table: String, bands: PointBands, months: Int)
    {
        let pub = try await publication(county: county.id!, year: year, on: db)
        if let pub { return (pub, "point_snapshot", pub.bands, 12) }
        let settings = try await PointCounty.find(county.id!, on: db) ?? PointCounty(countyID: county.id!)
        return (nil, "point_totals", settings.bands, months(year: year, today: today))
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
        struct Dist: Decodable {
            var total: Int
            var n: Int
        }
        let dist = try await sql.raw(
            "SELECT t.total, COUNT(*) AS n FROM \(unsafeRaw: table) t WHERE \(set) GROUP BY t.total ORDER BY t.total DESC"
        ).all(decoding: Dist.self)
        let count = dist.reduce(0) { $0 + $1.n }
        var counts = [0, 0, 0, 0]
        var rankOf: [Int: Int] = [:]
        var above = 0
        for d in dist {
            rankOf[d.total] = above + 1
            counts[bands.band(rank: above + 1, count: count, total: d.total, months: months)] += d.n
            above += d.n
        }
        struct R: Decodable {
            var member_id: UUID
            var name: String
            var branch: String
            var total: Int
        }
        let nameColumn: SQLQueryString = pub == nil ? "m.name" : "t.name"
        let rows = try await sql.raw(
            """
            SELECT t.member_id, \(nameColumn) AS name, o.short_name AS branch, t.total FROM \(unsafeRaw: table) t
            JOIN members m ON m.id = t.member_id JOIN organizations o ON o.id = t.org_id
            WHERE \(set) ORDER BY t.total DESC, \(nameColumn), t.member_id LIMIT \(unsafeRaw: String(max(0, limit)))
            OFFSET \(unsafeRaw: String(max(0, offset)))
            """
        ).all(decoding: R.self)
        return Page(
            published: pub != nil, publication: pub, count: count,
            rows: rows.map { r in
                let rank = rankOf[r.total] ?? count
                return Row(
                    memberId: r.member_id, name: r.name, branch: r.branch, total: r.total, rank: rank,
                    band: bands.label(bands.band(rank: rank, count: count, total: r.total, months: months)))
            },
            bands: counts.enumerated().map { (bands.label($0.offset), $0.element) }, settings: bands)
    }

    /// A member's standing in the county: total, rank, band (nil when the county has no totals for the year).
    static func standing(member: UUID, county: Organization, year: Int, today: CalendarDate, on db: Database)
        async throws -> (total: Int, rank: Int, count: Int, band: String, published: Bool)?
    {
        let sql = try db.sql()
        let (pub, table, bands, months) = try await source(county: county, year: year, today: today, on: db)
        guard
            let mine = try await sql.raw(
                "SELECT total FROM \(unsafeRaw: table) WHERE member_id = \(bind: member) AND year = \(bind: year) AND county_id = \(bind: county.id!)"
            ).first()?.decode(column: "total", as: Int.self)
        else { return nil }
        struct C: Decodable {
            var n: Int
            var above: Int
        }
        let c =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN total > \(bind: mine) THEN 1 ELSE 0 END), 0) AS above
                FROM \(unsafeRaw: table) WHERE county_id = \(bind: county.id!) AND year = \(bind: year)
                """
            ).first(decoding: C.self) ?? C(n: 1, above: 0)
        let rank = c.above + 1
        return (
            mine, rank, c.n, bands.label(bands.band(rank: rank, count: c.n, total: mine, months: months)), pub != nil
        )
    }

    /// Freezes the county's ranking for a finished year: recomputes it, closes the year, and writes the snapshot.
    static func publish(
        county: Organization, year: Int, form: PublicForm, by username: String, today: CalendarDate, on db: Database
    ) async throws -> PointPublication {
        // Years 2000 … last year only: a year out of range (0 from an empty form) would freeze an empty publication.
        guard year >= 2000 else { throw AppError.invalid([FieldError("year", "评比年度应为2000年至\(today.year - 1)年")]) }
        guard year < today.year else { throw AppError.conflict("\(year)年尚未结束，年底之后才能公布评比结果") }
        guard try await publication(county: county.id!, year: year, on: db) == nil else {
            throw AppError.conflict("\(county.shortName)\(year)年的积分评比已经公布，公布后不再改变")
        }
        guard let settings = try await PointCounty.find(county.id!, on: db), settings.enabled else {
            throw AppError.conflict("\(county.shortName)未参加积分制管理试点")
        }
        if try await pendingWork(county: county, through: "\(year)-12-31", on: db) > 0 {
            throw AppError.conflict("尚有待处理的积分申报或申诉，处理完后再公布")
        }
        try await PointLedger.recompute(county: county, year: year, on: db)
        let sql = try db.sql()
        struct T: Decodable {
            var member_id: UUID
            var org_id: Int
            var name: String
            var total: Int
        }
        let totals = try await sql.raw(
            """
            SELECT t.member_id, t.org_id, m.name, t.total FROM point_totals t JOIN members m ON m.id = t.member_id
            WHERE t.county_id = \(bind: county.id!) AND t.year = \(bind: year) ORDER BY t.total DESC
            """
        ).all(decoding: T.self)
        let bands = settings.bands
        let p = PointPublication()
        p.countyID = county.id!
        p.year = year
        p.publicForm = form
        p.bandsJSON = String(decoding: try JSONEncoder().encode(bands), as: UTF8.self)
        p.members = totals.count
        p.publishedBy = username
        try await db.transaction { tx in
            let sql = try tx.sql()
            var rows = Rows(
                table: "point_snapshot",
                columns: ["county_id", "year", "member_id", "org_id", "name", "total", "rank", "band"])
            var rank = 0
            var previous: Int?
            for (i, t) in totals.enumerated() {
                if t.total != previous { rank = i + 1 }
                previous = t.total
                rows.add([
                    SQLBind(county.id!), SQLBind(year), SQLBind(t.member_id), SQLBind(t.org_id), SQLBind(t.name),
                    SQLBind(t.total), SQLBind(rank),
                    SQLBind(bands.band(rank: rank, count: totals.count, total: t.total, months: 12)),
                ])
                try await rows.flushIfFull(sql)
            }
            try await rows.flush(sql)
            try await p.create(on: tx)
            let end = "\(year)-12-31"
            if (settings.closedThrough ?? "") < end { settings.closedThrough = end }
            settings.updatedBy = username
            try await settings.save(on: tx)
        }
        return p
    }

    /// Claims and appeals still waiting in the county on or before `through`.
    static func pendingWork(county: Organization, through: String, on db: Database) async throws -> Int {
        let sql = try db.sql()
        let claims =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_claims c JOIN members m ON m.id = c.member_id
                JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", county.path)) AND c.status = 'pending' AND c.on_day <= \(bind: through)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let appeals =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_appeals a JOIN point_entries e ON e.id = a.entry_id
                WHERE e.county_id = \(bind: county.id!) AND a.status = 'pending' AND e.on_day <= \(bind: through)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return claims + appeals
    }
}
