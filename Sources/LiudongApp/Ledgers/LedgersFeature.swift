import Vapor

/// The two-sided ledgers (台账), their exports, snapshots and `liudong export` / `liudong ledger`.
struct LedgersFeature: Feature {
    let name = "ledgers"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(9, CreateLedgerSnapshots()), NumberedMigration(10, IndexMembersByFlowStatus())]
    }

    func routes(_ routes: FeatureRoutes) throws { try LedgerController().boot(routes) }

    var commands: [(name: String, command: any AsyncCommand)] {
        [("export", ExportCommand()), ("ledger", LedgerCommand())]
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 40, permission: .viewLedgers, link: { user in user.isInflowSide ? nil : ("/ledger", "台账") })]
    }
}
