import Fluent
import SQLKit

/// 保留在原籍: a branch's decision to keep a member's relationship at home despite six months at one place (land
/// contract, village rights…), with the reason; it stands for a year, then the suggestion comes back.
struct CreateTransferHolds: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("transfer_holds")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id"))
            .field("reason", .string, .required)
            .field("decided_on", .string, .required)
            .field("decided_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "transfer_holds_member").on("transfer_holds").column("member_id").column(
            "decided_on"
        )
        .run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("transfer_holds").delete()
    }
}
