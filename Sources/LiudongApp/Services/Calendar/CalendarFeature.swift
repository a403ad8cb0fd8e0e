import Fluent
import LiudongCore
import Vapor

/// The city's working-day calendar (工作日历), the deadlines of requests and the legal service stations: what the
/// service mechanisms count their deadlines in and route rights matters to. Kept by the city (`/requests/calendar`).
/// Its tables came with the requests' migration (0023), which stays with `RequestsFeature`.
struct CalendarFeature: Feature {
    let name = "calendar"

    func routes(_ routes: FeatureRoutes) throws { try CalendarPages().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 96, permission: .manageServiceSettings,
                link: { u in u.scopeLevel == .city ? ("/requests/calendar", "工作日历") : nil })
        ]
    }

    func loadDemo(_ demo: DemoContext) async throws { try await CalendarDemo.load(demo) }
}
