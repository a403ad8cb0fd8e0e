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
        /// Coverage per branch path and the uncovered members by destination, counted with the rest.
        var tally: MobileTally
    }

    /// A row of the open flows' query.
    struct FactRow: Decodable {
        var status: String
        var destination_code: String?
        var reason: Int?
        var education: String?
        var birth_date: String?
        var overdue: Int
        var last_contact_on: String?
        var path: String
        var by_org: Int
        var by_agreement: Int

        var facts: OpenFlowFacts {
            OpenFlowFacts(
                status: status, destinationCode: destination_code, reason: reason, education: education ?? "",
                birthDate: birth_date ?? "", overdue: overdue != 0, lastContactOn: last_contact_on ?? "",
                branchPath: path, byMobileOrg: by_org != 0, byAgreement: by_agreement != 0)
        }
    }

    static func compute(for org: Organization, today: CalendarDate = AppClock.today, on db: Database) async throws
        -> Stats
    {
        let sql = try db.sql()
        let prefix = PathPrefix("b.path", org.path)
        let open = SQLBind.group(LedgerService.openStates)
        // The open flows once, as plain rows, narrowed to the mobile members by `members_org_flow` (a member's
        // `flow_status` mirrors their open flow's); every breakdown is counted from them (`MobileTally`).
        // Each flow's coverage too (`CoverageStore`'s rules), so the coverage panel needs no walk of its own.
        let day = today.description
        let byOrg = CoverageStore.byMobileOrg(member: "m.id", inflow: "i", day: day)
        let byAgreement = CoverageStore.byAgreement(
            member: "m.id", inflowID: "f.inflow_org_id", branchPath: "b.path", day: day)
        let facts = try await sql.raw(
            """
            SELECT f.status, f.destination_code, f.reason, m.education, m.birth_date,
                   CASE WHEN f.overdue_since IS NULL THEN 0 ELSE 1 END AS overdue, f.last_contact_on, b.path,
                   CASE WHEN \(byOrg) THEN 1 ELSE 0 END AS by_org,
                   CASE WHEN NOT \(byOrg) AND \(byAgreement) THEN 1 ELSE 0 END AS by_agreement
            FROM organizations b CROSS JOIN members m CROSS JOIN flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(prefix) AND m.organization_id = b.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open)
            """
        ).all(decoding: FactRow.self).map(\.facts)
        let bands = LedgerService.Filter.ageBands.map { band in
            MobileTally.AgeBand(
                label: band.1,
                bornAfter: CalendarDate(
                    year: today.year - band.2.upperBound - 1, month: today.month, day: min(today.day, 28))!.description)
        }
        let quarterStart = Quarter(containing: today).firstDay.description
        let tally = MobileTally.count(facts, ageBands: bands, contactSince: quarterStart, parentPath: org.path)
        // Totals
        let registered =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM members m JOIN organizations b ON b.id = m.organization_id WHERE \(prefix)"
            )
            .first(decoding: CountResult.self)?.n ?? 0
        let returned =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM flows f JOIN members m ON m.id = f.member_id
                JOIN organizations b ON b.id = m.organization_id WHERE \(prefix) AND f.status = 'returned'
                """
            ).first(decoding: CountResult.self)?.n ?? 0
        let states = tally.states
        let openCount = (states["away"] ?? 0) + (states["arrived"] ?? 0) + (states["lost"] ?? 0)
        let totals = [
            SVGChart.Item("党员总数", registered), .init("流动党员", openCount), .init("流出未报到", states["away"] ?? 0),
            .init("已报到", states["arrived"] ?? 0), .init("已返回", returned),
            .init("失联", states["lost"] ?? 0),
            .init("逾期未报到", tally.overdue),
        ]
        // Destinations: provinces for the bars, counties for the dot map.
        let divisions = Divisions.shared
        var byProvince: [String: Int] = [:]
        var places: [(String, Double, Double, Int)] = []
        for (code, n) in tally.destinations.sorted(by: { $0.key < $1.key }) {
            guard let d = divisions[code] else { continue }
            byProvince[d.provinceCode, default: 0] += n
            places.append((divisions.fullName(code), d.longitude, d.latitude, n))
        }
        let provinces = byProvince.map { SVGChart.Item(divisions[$0.key]?.name ?? $0.key, $0.value) }
            .sorted { ($0.value, $1.label) > ($1.value, $0.label) }
        let reasonItems = OutflowReason.allCases.map { SVGChart.Item($0.label, tally.reasons[$0.rawValue] ?? 0) }
        let ages = bands.map { SVGChart.Item($0.label, tally.ageBands[$0.label] ?? 0) }
        let educations = Education.allCases.map { SVGChart.Item($0.label, tally.educations[$0.rawValue] ?? 0) }
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
        let contacted = tally.contacted
        // The city ranks its counties (any organization ranks its children).
        let children = try await Organization.query(on: db).filter(\.$parentID == org.id!).filter(\.$kind == .regular)
            .all()
        var ranking = children.map { SVGChart.Item($0.shortName, tally.children[$0.path] ?? 0) }
        ranking.sort { ($0.value, $1.label) > ($1.value, $0.label) }
        return Stats(
            totals: totals, provinces: provinces, places: places, reasons: reasonItems, ages: ages,
            educations: educations,
            trend: trend, contactedShare: openCount == 0 ? 0 : Double(contacted) / Double(openCount),
            contacted: contacted,
            open: openCount, ranking: ranking, tally: tally)
    }
}
