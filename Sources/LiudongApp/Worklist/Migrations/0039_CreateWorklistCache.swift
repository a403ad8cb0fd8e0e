import Fluent

/// The last worklist computed for an account (its items' counts and overdue counts), so every page's menus can show
/// them without counting again; in the database, so every node reads the same.
struct CreateWorklistCache: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("worklist_cache")
            .field("username", .string, .identifier(auto: false))
            .field("items", .string, .required)
            .field("computed_at", .datetime, .required)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("worklist_cache").delete()
    }
}
