import Fluent
import SQLKit

/// One row per stored upload (a member's diary or claim photo, an attachment or a scan): who, what kind, how many
/// bytes, when. The per-person quotas count here, on every node alike.
struct CreateUploadLedger: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("upload_ledger")
            .field("id", .int, .identifier(auto: true))
            .field("owner", .string, .required)
            .field("kind", .string, .required)
            .field("bytes", .int64, .required)
            .field("at", .datetime, .required)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "upload_ledger_owner").on("upload_ledger").column("owner").column("kind").column(
            "at"
        ).run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("upload_ledger").delete()
    }
}
