import Fluent
import LiudongCore
import Vapor

/// `/stats/{code}`: each chart (server-rendered SVG) with its table beside it.
struct StatsController {
    func boot(_ r: FeatureRoutes) throws {
        let stats = r.signedIn(.viewStatistics)
        stats.get("stats", use: mine)
        stats.get("stats", ":code", use: show)
    }

    func mine(req: Request) async throws -> Response { req.redirect(to: "/stats/\(try req.user.scopeCode)") }

    struct Row: Codable {
        var label: String
        var value: Int
        var share: String
    }
    struct Panel: Codable {
        var id: String
        var title: String
        var svg: String
        var rows: [Row]
    }
    struct View: Codable {
        var code: String
        var name: String
        var quarter: String
        var panels: [Panel]
        var contacted: Int
        var open: Int
        var contactedShare: String
        var coverage: CoveragePanel
        /// When the figures were counted, when they come from the roll-up (a city's or province's page).
        var countedAt: String? = nil
    }

    /// 覆盖率: today's rate, by way, per child organization, the quarter trend and where to sign next.
    struct CoveragePanel: Codable {
        struct Child: Codable {
            var name: String
            var mobile: Int
            var covered: Int
            var rate: String
        }
        var mobile: Int
        var byMobileOrg: Int
        var byAgreement: Int
        var covered: Int
        var rate: String
        var trendSVG: String
        var trend: [Row]
        var children: [Child]
        var destinations: [CoverageStore.Destination]
        var canSign: Bool
    }

    /// The panel, from the coverage the statistics counted with their open flows (`MobileTally`).
    static func coveragePanel(for org: Organization, tally: MobileTally, on db: Database) async throws -> CoveragePanel
    {
        let (c, perOrg) = CoverageStore.rolledUp(branches: tally.coverage, for: org)
        let trend = try await CoverageStore.trend(under: org.path, on: db, current: c)
        let children = try await OrganizationService.regularChildren(of: org, on: db)
        return CoveragePanel(
            mobile: c.mobile, byMobileOrg: c.byMobileOrg, byAgreement: c.byAgreement, covered: c.covered,
            rate: c.percent,
            trendSVG: SVGChart.trend(
                trend.map { SVGChart.Item($0.0, Int(($0.1.rate * 1000).rounded())) }, title: "覆盖率（‰）"),
            trend: trend.map { Row(label: $0.0, value: $0.1.covered, share: $0.1.percent) },
            children: children.compactMap { o -> CoveragePanel.Child? in
                guard let k = perOrg[o.id!], k.mobile > 0 else { return nil }
                return CoveragePanel.Child(name: o.shortName, mobile: k.mobile, covered: k.covered, rate: k.percent)
            },
            destinations: try await CoverageStore.destinations(tally.uncovered, under: org, on: db, limit: 15),
            canSign: false)
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.viewStatistics)
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        // A city or province reads the figures the roll-up counted a few minutes ago (截至 when, on the page).
        var view: View
        if let (cached, at) = try await FigureCache.read("stats", for: org, as: View.self, on: req.db) {
            view = cached
            view.countedAt = "截至" + Features.clock(at) + "（大范围统计每5分钟更新）"
        } else {
            view = try await Self.view(for: org, on: req.db)
        }
        view.coverage.canSign = user.can(.manageAgreements)
        return try await req.page("stats/show", title: "统计", view)
    }

    /// The page's figures for an organization (its coverage panel's `canSign` is the viewer's: set by the page).
    static func view(for org: Organization, on db: Database) async throws -> View {
        let s = try await StatsService.compute(for: org, on: db)
        func rows(_ items: [SVGChart.Item]) -> [Row] {
            let total = items.reduce(0) { $0 + $1.value }
            return items.map { Row(label: $0.label, value: $0.value, share: Self.percent($0.value, total)) }
        }
        var panels = [
            Panel(
                id: "totals", title: "总体情况", svg: SVGChart.bars(s.totals, title: "总体情况"),
                rows: s.totals.map { Row(label: $0.label, value: $0.value, share: "") }),
            Panel(
                id: "provinces", title: "流向省份", svg: SVGChart.bars(Array(s.provinces.prefix(15)), title: "流向省份"),
                rows: rows(s.provinces)),
            Panel(
                id: "map", title: "流向分布图（按县）", svg: SVGChart.dotMap(s.places, title: "流向分布图"),
                rows: s.places.sorted { $0.value > $1.value }.prefix(15).map {
                    Row(label: $0.label, value: $0.value, share: "")
                }),
            Panel(id: "reasons", title: "外出原因", svg: SVGChart.bars(s.reasons, title: "外出原因"), rows: rows(s.reasons)),
            Panel(id: "ages", title: "年龄结构", svg: SVGChart.bars(s.ages, title: "年龄结构"), rows: rows(s.ages)),
            Panel(
                id: "education", title: "学历", svg: SVGChart.bars(s.educations, title: "学历"), rows: rows(s.educations)),
            Panel(
                id: "trend", title: "季度变化（流动党员人数）", svg: SVGChart.trend(s.trend, title: "季度变化"),
                rows: s.trend.map { Row(label: $0.label, value: $0.value, share: "") }),
        ]
        if !s.ranking.isEmpty {
            panels.append(
                Panel(
                    id: "ranking", title: "下级组织排名（流动党员人数）", svg: SVGChart.bars(s.ranking, title: "下级组织排名"),
                    rows: rows(s.ranking)))
        }
        return View(
            code: org.code, name: org.shortName, quarter: AppClock.quarter.chinese, panels: panels,
            contacted: s.contacted,
            open: s.open, contactedShare: Self.percent(s.contacted, s.open),
            coverage: try await Self.coveragePanel(for: org, tally: s.tally, on: db))
    }
}
