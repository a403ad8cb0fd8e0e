import Vapor

/// Health, the API description and the division lookup (all public).
struct SystemFeature: Feature {
    let name = "system"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(31, CreateUploadLedger())] }

    func routes(_ routes: FeatureRoutes) throws { try SystemController().boot(routes) }

    var openAPI: String? { SystemOpenAPI.part }
}
