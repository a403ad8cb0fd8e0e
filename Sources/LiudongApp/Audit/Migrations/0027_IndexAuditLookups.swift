import Fluent
import SQLKit

/// The hourly count of an account's lookups by number reads the audit log by account, action and time.
struct IndexAuditLookups: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "audit_entries_account_action_at").on("audit_entries")
            .column("account_id").column("action").column("at").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "audit_entries_account_action_at").run()
    }
}
