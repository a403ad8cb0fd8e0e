import Fluent
import SQLKit

/// Account-protecting throttle windows, shared by every node: one row per key (a client address, a username, a
/// member's hashed ID number), its hits in the window and when the window ends.
struct CreateThrottles: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("throttles")
            .field("key", .string, .identifier(auto: false))
            .field("hits", .int, .required)
            .field("ends_at", .datetime, .required)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "throttles_ends").on("throttles").column("ends_at").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("throttles").delete()
    }
}
