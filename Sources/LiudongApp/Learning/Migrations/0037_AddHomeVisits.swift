import Fluent
import SQLKit

/// 返乡预报: a member (or the branch for them) says when they will be home and where; a study-delivered-home session
/// keeps the organizational-life event it was recorded as (座谈授课, with attendance) and the course it delivered.
struct AddHomeVisits: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("home_visits")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("from_on", .string, .required)
            .field("to_on", .string, .required)
            .field("place", .string, .required)
            .field("reported_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("home_study_sessions").field("event_id", .uuid).update()
        try await database.schema("home_study_sessions").field("course_id", .uuid).update()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "home_visits_member").on("home_visits").column("member_id").column("from_on").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("home_study_sessions").deleteField("course_id").update()
        try await database.schema("home_study_sessions").deleteField("event_id").update()
        try await database.schema("home_visits").delete()
    }
}
