import Fluent
import LiudongCore
import Vapor

/// Measure 4d 积分管理、激励担当 — the pilot and its rules: which counties take part (the city's choice), their
/// ranking settings, versioned point rules per county and year, and closing quarters. The measure's other parts are
/// the ledger (`Points/Ledger`), claims and appeals (`Points/Claims`), rankings (`Points/Ranking`) and talks with
/// long-term low scorers (`Points/Talks`).
struct PointRulesFeature: Feature {
    let name = "points"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(21, CreatePoints()), NumberedMigration(22, AddPointEntrySignature()),
            NumberedMigration(33, AddPointMobileMonths()), NumberedMigration(38, AddPointNoticePeriod()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws { try PointRulesPages().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 68, permission: .reviewPoints, link: { u in u.isInflowSide ? nil : ("/points", "积分管理") })
        ]
    }

    var openAPI: String? { PointsOpenAPI.part }

    /// Carries the rules into a new year and recomputes every pilot county's year from the day's facts.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        var out: [String] = []
        for s in try await PointRulesStore.pilots(on: app.db) {
            guard let county = try await Organization.find(s.id, on: app.db) else { continue }
            _ = try await PointRulesStore.ensureYear(county: county, year: today.year, by: "sweep", on: app.db)
            let r = try await PointLedger.recompute(county: county, year: today.year, on: app.db)
            out.append("积分：重算\(county.shortName)\(today.year)年，\(r.members)人，\(r.entries)条未结算记录")
        }
        return out
    }

    /// The whole measure's demo, one seeded sequence (rules, a year's claims, the publication, this year's ledger,
    /// appeals, talks): its parts depend on each other's results.
    func loadDemo(_ demo: DemoContext) async throws { try await PointsDemo.load(demo) }
}
