import Fluent
import LiudongCore
import Vapor

/// The roster's whole life, part five — 重复登记合并: entries of one person found by name and birth date, merged with
/// a reason by the county, undone within 30 days.
struct MergesFeature: Feature {
    let name = "merges"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(47, CreateMemberMerges())] }

    func routes(_ routes: FeatureRoutes) throws { try MergePages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await MergeDemo.load(demo) }
}
