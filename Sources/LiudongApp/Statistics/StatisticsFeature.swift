import Vapor

/// Statistics of a scope, with charts.
struct StatisticsFeature: Feature {
    let name = "statistics"

    func routes(_ routes: FeatureRoutes) throws { try StatsController().boot(routes) }

    /// A city's or province's statistics page, counted by the roll-up (its viewer's 签订协议 link set by the page).
    var rolledFigures: [RolledFigure] {
        [RolledFigure("stats") { org, db in try await StatsController.view(for: org, on: db) }]
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 50, permission: .viewStatistics, link: { _ in ("/stats", "统计") })]
    }
}
