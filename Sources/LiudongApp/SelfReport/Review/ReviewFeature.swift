import Fluent
import LiudongCore
import Vapor

/// The review of self-reports (报到审核 / 报到确认): the home side confirms leaving and return reports, the inflow side
/// confirms arrivals; confirmed reports open, move and close flows.
struct ReviewFeature: Feature {
    let name = "review"

    func routes(_ routes: FeatureRoutes) throws {
        try ReviewPages().boot(routes)
        try ReviewAPI().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 60, permission: .reviewArrivals,
                link: { user in
                    ("/reviews", user.isInflowSide ? "报到确认" : "报到审核")
                })
        ]
    }

    /// Reports waiting for this account's review; those older than `LIUDONG_REVIEW_DUE_DAYS` are overdue.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("reviews") {
                let late = AppClock.now.addingTimeInterval(-Double($0.settings.reviewDueDays) * 86_400)
                return PerOrg(try await SelfReportStore.pending(under: $0.path, lateBefore: late, on: $0.sql()))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let pending = try await scope.counts("reviews", in: self)
        let label = scope.user.isInflowSide ? "报到待确认" : "报告待审核"
        return [
            WorkTally(kind: "reviews", label: label, href: "/reviews", counts: pending.counts, overdue: pending.late)
        ]
    }
}
