import Fluent
import SQLKit

/// Failed member sign-ins counted per account and client address together (the address as a keyed hash): someone
/// who knows a member's ID number can no longer lock the member out everywhere; the member's branch can lift a pause.
/// The account-wide `failed_count` / `locked_until` columns of `member_accounts` stay (landed migrations are never
/// edited) and are no longer read.
struct CreateMemberSignInLocks: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("member_sign_in_failures")
            .field("member_account_id", .uuid, .required, .references("member_accounts", "id", onDelete: .cascade))
            .field("client_key", .string, .required)
            .field("failed_count", .int, .required)
            .field("locked_until", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "member_account_id", "client_key")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("member_sign_in_failures").delete()
    }
}
