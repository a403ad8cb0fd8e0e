import Fluent
import LiudongCore
import Vapor

/// Measure 4c, learning both ways (两地教育培训): the inflow organization publishes courses for the members reporting
/// to it and reads their vanguard-post diaries; the members find its courses on their learning menu.
struct TwoPlacesFeature: Feature {
    let name = "learning-two-places"

    func routes(_ routes: FeatureRoutes) throws { try TwoPlacesPages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await TwoPlacesDemo.load(demo) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 67, permission: .actForInflowOrganization,
                link: { u in u.scopeKind == .external ? ("/learning/inflow", "两地教育培训") : nil })
        ]
    }
}
