import Fluent
import SQLKit

/// Every home page asks for the account's own pairs as a cadre (the worklist's 我结对的党员本季度待联系): without this
/// index that was a scan of every pairing in the province on each page view.
struct IndexPairingsByCadreAccount: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "pairings_cadre_account").on("pairings").column("cadre_account_id")
            .column("ended_on").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "pairings_cadre_account").run()
    }
}
