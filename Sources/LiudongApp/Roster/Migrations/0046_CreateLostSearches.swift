import Fluent
import SQLKit

/// The search log of a lost-contact case (失联党员查找记录): who tried, when, how, and the result.
struct CreateLostSearches: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("lost_searches")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id"))
            .field("flow_id", .uuid, .required, .references("flows", "id"))
            .field("method", .string, .required)
            .field("on_day", .string, .required)
            .field("result", .string, .required)
            .field("found", .bool, .required)
            .field("by_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "lost_searches_flow").on("lost_searches").column("flow_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("lost_searches").delete()
    }
}
