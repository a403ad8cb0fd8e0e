import LiudongCore
import Vapor

/// The home page of every account: its worklist (待办, `Worklist/`) first, then its scope at a glance.
struct HomeFeature: Feature {
    let name = "home"

    func routes(_ routes: FeatureRoutes) throws {
        try DashboardController().boot(routes)
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 10, permission: .ownAccount, link: { _ in ("/", "首页") })]
    }

}
