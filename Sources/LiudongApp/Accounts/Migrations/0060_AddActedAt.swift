import Fluent

/// When an account last changed something (any successful request that is not a read, `ActedMiddleware`): until the
/// next roll-up run that began after it, the account's worklist and home page count live, so its own work shows at
/// once (`WorkRollup.snapshot`).
struct AddActedAt: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("accounts").field("acted_at", .datetime).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("accounts").deleteField("acted_at").update()
    }
}
