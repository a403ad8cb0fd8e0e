import LiudongCore
import Vapor

/// The home page of every account: its worklist (待办, `Worklist/`) first, then its scope at a glance.
struct HomeFeature: Feature {
    let name = "home"

    func routes(_ routes: FeatureRoutes) throws {
        try DashboardController().boot(routes)
    }

    /// The home page's tiles and per-child figures (members, probationary, migrant workers, mobile members).
    var rolledCounts: [RolledCount] {
        [
            RolledCount(kinds: DashboardStore.memberKinds) {
                try await DashboardStore.memberFigures(under: $0.path, on: $0.sql())
            }
        ]
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 10, permission: .ownAccount, link: { _ in ("/", "首页") })]
    }

}
