import Fluent
import LiudongCore
import Vapor

/// 党费, a branch's existing dues book brought in: dry run first, per-row reasons, nothing half-written.
struct DuesImportFeature: Feature {
    let name = "dues-import"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(49, CreateDuesImports())] }

    func routes(_ routes: FeatureRoutes) throws { try DuesImportPages().boot(routes) }
}
