import Fluent

/// Whole pages' figures for the widest scopes (a city's or province's statistics), counted by the roll-up every few
/// minutes so no request counts a million rows.
struct CreateFigureCache: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("figure_cache")
            .field("name", .string, .required)
            .field("scope_id", .int, .required)
            .field("day", .string, .required)
            .field("computed_at", .datetime, .required)
            .field("body", .string, .required)
            .compositeIdentifier(over: "name", "scope_id")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("figure_cache").delete()
    }
}
