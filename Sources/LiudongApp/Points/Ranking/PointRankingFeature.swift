import Fluent
import LiudongCore
import Vapor

/// Measure 4d — rankings (评比): the live ranking of an organization during the year with pro-rated band lines, and
/// the year-end publication, frozen, shown to members as the county chose (the full list or the bands only).
struct PointRankingFeature: Feature {
    let name = "points-ranking"

    func routes(_ routes: FeatureRoutes) throws {
        try PointRankingPages().boot(routes)
        try PointNoticePages().boot(routes)
        try PointRankingAPI().boot(routes)
    }
}
