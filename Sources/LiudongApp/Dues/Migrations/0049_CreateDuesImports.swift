import Fluent

/// A dues book's dry run, kept until it is applied (or a day passes): the rows that will be written, resolved to
/// members and organizations — never the ID numbers of the file — so that any node may apply it.
struct CreateDuesImports: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("dues_imports")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("by_name", .string, .required)
            .field("file_name", .string, .required)
            .field("rows", .string, .required)
            .field("accepted", .int, .required)
            .field("rejected", .int, .required)
            .field("created_at", .datetime)
            .field("applied_at", .datetime)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("dues_imports").delete()
    }
}
