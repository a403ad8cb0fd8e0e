import Fluent
import SQLKit

/// Duplicate roster entries merged into one (合并重复登记): both entries and both numbers' keyed hashes, why, and which
/// rows moved — so that the merge can be undone within 30 days.
struct CreateMemberMerges: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("member_merges")
            .id()
            .field("kept_id", .uuid, .required, .references("members", "id"))
            .field("dropped_id", .uuid, .required, .references("members", "id"))
            .field("kept_hash", .string, .required)
            .field("dropped_hash", .string, .required)
            .field("reason", .string, .required)
            .field("merged_on", .string, .required)
            .field("merged_by", .string, .required)
            .field("moved", .string, .required)
            .field("undone_on", .string)
            .field("undone_by", .string)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "member_merges_kept").on("member_merges").column("kept_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("member_merges").delete()
    }
}
