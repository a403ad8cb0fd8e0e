import Fluent
import SQLKit

/// The worklist roll-up: per organization and kind, the sum over the organization's subtree; and when it was counted.
struct CreateWorkRollups: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("work_rollups")
            .field("org_id", .int, .required)
            .field("kind", .string, .required)
            .field("n", .int, .required)
            .field("late", .int, .required)
            .compositeIdentifier(over: "org_id", "kind")
            .create()
        try await database.schema("work_rollup_runs")
            .field("name", .string, .identifier(auto: false))
            .field("computed_at", .datetime, .required)
            .field("day", .string, .required)
            .field("kinds", .string, .required)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("work_rollup_runs").delete()
        try await database.schema("work_rollups").delete()
    }
}
