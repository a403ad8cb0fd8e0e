import Fluent

/// When an account's password last changed: web sessions begun before it end (a change or reset signs out everywhere).
struct AddPasswordChangedAt: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("accounts").field("password_changed_at", .datetime).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("accounts").deleteField("password_changed_at").update()
    }
}
