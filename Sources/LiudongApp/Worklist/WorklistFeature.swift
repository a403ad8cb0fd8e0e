import LiudongCore
import Vapor

/// The worklist (待办): what each feature asks of the account now, rolled up per child organization — shown first on
/// the home page and answered by `GET /api/v1/worklist`.
struct WorklistFeature: Feature {
    let name = "worklist"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(39, CreateWorklistCache()), NumberedMigration(57, CreateWorkRollups()),
            NumberedMigration(58, CreateFigureCache()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws { try WorklistController().boot(routes) }

    var commands: [(name: String, command: any AsyncCommand)] { [("rollup", RollupCommand())] }

    var openAPI: String? { WorklistOpenAPI.part }
}
