import Fluent
import SQLKit

/// Agreements by the one they renew (`previous_id`): "not yet renewed" (`NOT EXISTS … r.previous_id = a.id`) asked
/// on every worklist had SQLite build a temporary index over all agreements each time (2.5 ms of a branch's 8 ms of
/// worklist SQL at 1,000,000 members). Most agreements renew nothing, so only those that do are indexed.
struct IndexAgreementRenewals: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.raw(
            "CREATE INDEX IF NOT EXISTS agreements_previous ON agreements (previous_id) WHERE previous_id IS NOT NULL"
        ).run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "agreements_previous").run()
    }
}
