import Vapor

/// The audit log: every change, reveal, export and import.
struct AuditFeature: Feature {
    let name = "audit"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(4, CreateAuditEntries()), NumberedMigration(27, IndexAuditLookups())]
    }

    func routes(_ routes: FeatureRoutes) throws { try AuditController().boot(routes) }

    var navigation: [NavEntry] {
        [NavEntry(order: 100, permission: .readAudit, link: { _ in ("/audit", "审计日志") })]
    }
}
