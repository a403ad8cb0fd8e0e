import Fluent
import SQLKit

/// The corrective items (整改事项) of a 组织生活会: what, who answers for it, the due day, the day it was done.
struct CreateRectifications: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("org_life_rectifications")
            .id()
            .field("event_id", .uuid, .required, .references("org_life_events", "id", onDelete: .cascade))
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("what", .string, .required)
            .field("who", .string, .required)
            .field("due_on", .string, .required)
            .field("done_on", .string)
            .field("done_note", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "org_life_rectifications_open").on("org_life_rectifications").column("org_id")
            .column("done_on").column("due_on").run()
        try await sql.create(index: "org_life_rectifications_event").on("org_life_rectifications")
            .column("event_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("org_life_rectifications").delete()
    }
}
