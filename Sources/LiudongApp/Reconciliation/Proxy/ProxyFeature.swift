import Fluent
import LiudongCore
import Vapor

/// The 12345 model's reconciliation where the inflow side has no account (most street committees): the county or
/// committee uploads that organization's quarterly list on its behalf (代为上传) and records its sign-off from a
/// stamped receipt (scan kept, audited); the reconciliation treats both as that side's.
struct ProxyFeature: Feature {
    let name = "reconciliation-proxy"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(40, AddSignoffReceipts())] }

    func routes(_ routes: FeatureRoutes) throws { try ProxyPages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await ProxyDemo.load(demo) }

    /// Stamped receipts, named by their SHA-256 before the store.
    var files: [FileReference] {
        [
            FileReference(
                table: "reconciliation_signoffs", sha256Column: "inflow_receipt_sha256", legacyDirectory: "receipts",
                legacyNamedBySHA: true, typeColumn: "inflow_receipt_type")
        ]
    }
}
