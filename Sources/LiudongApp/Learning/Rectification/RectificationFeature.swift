import Fluent
import LiudongCore
import Vapor

/// Measure 4c — the corrective items (整改事项) a 组织生活会 records: what, who, by when, done on; those past their
/// due day and not done reach the worklist of the organization and those above it.
struct RectificationFeature: Feature {
    let name = "org-life-rectification"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(36, CreateRectifications())] }

    func routes(_ routes: FeatureRoutes) throws { try RectificationPages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await RectificationDemo.load(demo) }

    var rolledCounts: [RolledCount] {
        [
            RolledCount("rectificationOverdue") {
                PerOrg(counts: try await RectificationStore.overdue(under: $0.path, today: $0.today, on: $0.db))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city, user.can(.recordOrgLife) else { return [] }
        let counts = try await scope.counts("rectificationOverdue", in: self).counts
        return [
            WorkTally(
                kind: "rectificationOverdue", label: "逾期未完成的组织生活会整改事项", href: "/org-life/rectifications",
                counts: counts, overdue: counts)
        ]
    }
}
