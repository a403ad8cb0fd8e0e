import Fluent
import LiudongCore
import Vapor

/// The roster's whole life, part two — 党员减少: members leaving the roster with a day, a reason and the deciding
/// organization, mistakes undone by the county, 停止党籍 restored within the period; the “已减少” list.
struct ExitsFeature: Feature {
    let name = "exits"

    func routes(_ routes: FeatureRoutes) throws { try ExitPages().boot(routes) }
}
