import Vapor

/// Statistics of a scope, with charts.
struct StatisticsFeature: Feature {
    let name = "statistics"

    func routes(_ routes: FeatureRoutes) throws { try StatsController().boot(routes) }

    var navigation: [NavEntry] {
        [NavEntry(order: 50, permission: .viewStatistics, link: { _ in ("/stats", "统计") })]
    }
}
