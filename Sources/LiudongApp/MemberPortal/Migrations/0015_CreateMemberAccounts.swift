import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Members' own accounts (手机端"我的"): one per roster member, their API tokens, and one-time activation codes.
struct CreateMemberAccounts: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("member_accounts")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("password_hash", .string, .required)
            .field("failed_count", .int, .required)
            .field("locked_until", .datetime)
            .field("last_sign_in_at", .datetime)
            .field("password_changed_at", .datetime)
            .field("disabled_at", .datetime)
            .field("activated_via", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "member_id")
            .create()
        try await database.schema("member_tokens")
            .id()
            .field("token_hash", .string, .required)
            .field("member_account_id", .uuid, .required, .references("member_accounts", "id", onDelete: .cascade))
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        // The code itself is never stored: only its keyed hash, so a key-less dump cannot use an open one.
        try await database.schema("activation_codes")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("issued_by", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "activation_codes_member").on("activation_codes").column("member_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("activation_codes").delete()
        try await database.schema("member_tokens").delete()
        try await database.schema("member_accounts").delete()
    }
}
