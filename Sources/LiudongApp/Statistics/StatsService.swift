import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Statistics of the mobile members under an organization, each as labelled counts (for a chart and its table).
enum StatsService {
    struct Stats: Sendable {
        var totals: [SVGChart.Item]
        var provinces: [SVGChart.Item]
        var places: [(label: String, longitude: Double, latitude: Double, value: Int)]
        var reasons: [SVGChart.Item]
        var ages: [SVGChart.Item]
        var educations: [SVGChart.Item]
        var trend: [SVGChart.Item]
        var contactedShare: Double
        var contacted: Int
        var open: Int
        var ranking: [SVGChart.Item]
    }

    struct LabelCountRow: Decodable {
        var k: String?
        var n: Int
    }

    static func compute(for org: Organization, today: CalendarDate = AppClock.today, on db: Database) async throws
        -> Stats
    {
        let sql = try db.sql()
        let prefix = PathPrefix("b.path", org.path)
        let open = SQLBind.group(LedgerService.openStates)
        let from: SQLQueryString =
            "FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id WHERE \(prefix)"
        func grouped(_ key: String, openOnly: Bool = true) async throws -> [LabelCountRow] {
            var q: SQLQueryString = "SELECT \(unsafeRaw: key) AS k, COUNT(*) AS n "
            q.appendInterpolation(from)
            if openOnly { q.appendInterpolation(" AND f.status IN \(open)" as SQLQueryString) }
            q.appendInterpolation(" GROUP BY \(unsafeRaw: key)" as SQLQueryString)
            return try await sql.raw(q).all(decoding: LabelCountRow.self)
        }
        // Totals
        let registered =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM members m JOIN organizations b ON b.id = m.organization_id WHERE \(prefix)"
            )
            .first(decoding: CountResult.self)?.n ?? 0
        let states = Dictionary(
            try await grouped("f.status", openOnly: false).map { ($0.k ?? "", $0.n) }, uniquingKeysWith: +)
        var overdueQ: SQLQueryString = "SELECT COUNT(*) AS n "
        overdueQ.appendInterpolation(from)
        overdueQ.appendInterpolation(" AND f.status = 'away' AND f.overdue_since IS NOT NULL" as SQLQueryString)
        let overdue = try await sql.raw(overdueQ).first(decoding: CountResult.self)?.n ?? 0
        let openCount = (states["away"] ?? 0) + (states["arrived"] ?? 0) + (states["lost"] ?? 0)
        let totals = [
            SVGChart.Item("党员总数", registered), .init("流动党员", openCount), .init("流出未报到", states["away"] ?? 0),
            .init("已报到", states["arrived"] ?? 0), .init("已返回", states["returned"] ?? 0),
            .init("失联", states["lost"] ?? 0),
            .init("逾期未报到", overdue),
        ]
        // Destinations: provinces for the bars, counties for the dot map.
        let divisions = Divisions.shared
        let byCounty = try await grouped("f.destination_code")
        var byProvince: [String: Int] = [:]
        var places: [(String, Double, Double, Int)] = []
        for row in byCounty {
            guard let code = row.k, let d = divisions[code] else { continue }
            byProvince[d.provinceCode, default: 0] += row.n
            places.append((divisions.fullName(code), d.longitude, d.latitude, row.n))
        }
        let provinces = byProvince.map { SVGChart.Item(divisions[$0.key]?.name ?? $0.key, $0.value) }
            .sorted { ($0.value, $1.label) > ($1.value, $0.label) }
        let reasonCounts = Dictionary(
            try await grouped("CAST(f.reason AS TEXT)").map { ($0.k ?? "", $0.n) }, uniquingKeysWith: +)
        let reasonItems = OutflowReason.allCases.map { SVGChart.Item($0.label, reasonCounts["\($0.rawValue)"] ?? 0) }
        // Age bands by birth date cut-offs, computed in SQL so it scales.
        let bands = LedgerService.Filter.ageBands
        var ageSQL: SQLQueryString = "SELECT CASE"
        for band in bands {
            let earliest = CalendarDate(
                year: today.year - band.2.upperBound - 1, month: today.month, day: min(today.day, 28))!
            ageSQL.appendInterpolation(
                " WHEN m.birth_date > \(bind: earliest.description) THEN \(bind: band.1)" as SQLQueryString)
        }
        ageSQL.appendInterpolation(" ELSE '其他' END AS k, COUNT(*) AS n " as SQLQueryString)
        ageSQL.appendInterpolation(from)
        ageSQL.appendInterpolation(" AND f.status IN \(open) GROUP BY 1" as SQLQueryString)
        let ageCounts = Dictionary(
            try await sql.raw(ageSQL).all(decoding: LabelCountRow.self).map { ($0.k ?? "", $0.n) }, uniquingKeysWith: +)
        let ages = bands.map { SVGChart.Item($0.1, ageCounts[$0.1] ?? 0) }
        let eduCounts = Dictionary(try await grouped("m.education").map { ($0.k ?? "", $0.n) }, uniquingKeysWith: +)
        let educations = Education.allCases.map { SVGChart.Item($0.label, eduCounts[$0.rawValue] ?? 0) }
        // Quarter on quarter: closed quarters from their snapshots, then now.
        let closed = try await LedgerSnapshot.closed(on: db).sorted()
        var trend: [SVGChart.Item] = []
        for q in closed.suffix(7) {
            let n =
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM ledger_snapshots WHERE quarter = \(bind: q.description) AND \(PathPrefix("branch_path", org.path))"
                )
                .first(decoding: CountResult.self)?.n ?? 0
            trend.append(.init(q.description, n))
        }
        trend.append(.init(Quarter(containing: today).description, openCount))
        // Contact this quarter.
        var contactQ: SQLQueryString = "SELECT COUNT(*) AS n "
        contactQ.appendInterpolation(from)
        contactQ.appendInterpolation(
            " AND f.status IN \(open) AND f.last_contact_on >= \(bind: Quarter(containing: today).firstDay.description)"
                as SQLQueryString)
        let contacted = try await sql.raw(contactQ).first(decoding: CountResult.self)?.n ?? 0
        // The city ranks its counties (any organization ranks its children).
        let children = try await Organization.query(on: db).filter(\.$parentID == org.id!).filter(\.$kind == .regular)
            .all()
        var ranking: [SVGChart.Item] = []
        for child in children {
            let n =
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
                    WHERE \(PathPrefix("b.path", child.path)) AND f.status IN \(open)
                    """
                ).first(decoding: CountResult.self)?.n ?? 0
            ranking.append(.init(child.shortName, n))
        }
        ranking.sort { ($0.value, $1.label) > ($1.value, $0.label) }
        return Stats(
            totals: totals, provinces: provinces, places: places, reasons: reasonItems, ages: ages,
            educations: educations,
            trend: trend, contactedShare: openCount == 0 ? 0 : Double(contacted) / Double(openCount),
            contacted: contacted,
            open: openCount, ranking: ranking)
    }
}
