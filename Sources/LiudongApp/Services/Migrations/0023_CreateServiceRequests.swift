import Fluent
import SQLKit

/// The service mechanisms' requests (诉求办理): the city's working-day calendar and deadline settings, legal service
/// stations, requests with their routing and deadlines, and each request's trail of events.
struct CreateServiceRequests: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("work_calendar_days")
            .field("day", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime)
            .create()
        try await database.schema("service_settings")
            .field("id", .int, .identifier(auto: false))
            .field("acknowledge_days", .int, .required)
            .field("answer_days", .int, .required)
            .field("reopen_days", .int, .required)
            .field("auto_close_days", .int, .required)
            .field("updated_by", .string)
            .field("updated_at", .datetime)
            .create()
        try await database.schema("service_stations")
            .field("org_id", .int, .identifier(auto: false), .references("organizations", "id"))
            .field("role", .string, .required)
            .field("area_code", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("service_requests")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("details", .string, .required)
            .field("division_code", .string)
            .field("status", .string, .required)
            .field("side", .string, .required)
            .field("routed_org_id", .int, .required, .references("organizations", "id"))
            .field("home_org_id", .int, .required)
            .field("inflow_org_id", .int)
            .field("contact_id", .uuid)
            .field("raised_by", .string, .required)
            .field("submitted_on", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("acknowledge_by", .string, .required)
            .field("answer_by", .string, .required)
            .field("handler_name", .string)
            .field("accepted_on", .string)
            .field("reply", .string)
            .field("answered_on", .string)
            .field("stars", .int)
            .field("rating_comment", .string)
            .field("closed_on", .string)
            .field("reopened", .int, .required)
            .field("escalated_stage", .string)
            .field("escalated_to_org_id", .int)
            .field("escalated_on", .string)
            .create()
        try await database.schema("service_request_events")
            .id()
            .field("request_id", .uuid, .required, .references("service_requests", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("note", .string)
            .field("org_id", .int)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "service_requests_routed").on("service_requests").column("routed_org_id")
            .column("status").run()
        try await sql.create(index: "service_requests_member").on("service_requests").column("member_id").run()
        try await sql.create(index: "service_requests_escalated").on("service_requests").column("escalated_to_org_id")
            .run()
        try await sql.create(index: "service_request_events_request").on("service_request_events").column("request_id")
            .column("at").run()
    }

    func revert(on database: Database) async throws {
        for table in [
            "service_request_events", "service_requests", "service_stations", "service_settings", "work_calendar_days",
        ] {
            try await database.schema(table).delete()
        }
    }
}
