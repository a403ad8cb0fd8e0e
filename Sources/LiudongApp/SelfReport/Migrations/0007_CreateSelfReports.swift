import Fluent
import LiudongCore
import SQLKit
import Vapor

struct CreateSelfReports: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("self_reports")
            .id()
            .field("receipt", .string, .required)
            .field("kind", .string, .required)
            .field("org_code", .string, .required)
            .field("review_org_id", .int, .required, .references("organizations", "id"))
            .field("review_path", .string, .required)
            .field("home_org_id", .int, .references("organizations", "id"))
            .field("inflow_org_id", .int, .references("organizations", "id"))
            .field("member_id", .uuid, .references("members", "id"))
            .field("name", .string, .required)
            .field("id_number_enc", .string, .required)
            .field("id_number_hash", .string, .required)
            .field("id_masked", .string, .required)
            .field("phone_enc", .string)
            .field("phone_masked", .string)
            .field("destination_code", .string)
            .field("address", .string)
            .field("employer", .string)
            .field("occupation", .string)
            .field("reason", .int)
            .field("left_on", .string)
            .field("expected_return_on", .string)
            .field("note", .string)
            .field("status", .string, .required)
            .field("review_reason", .string)
            .field("reviewed_by", .string)
            .field("reviewed_at", .datetime)
            .field("dedupe_key", .string, .required)
            .field("client_address", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "receipt")
            .unique(on: "dedupe_key")
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "self_reports_review").on("self_reports").column("review_path").column("status")
            .run()
        try await sql.create(index: "self_reports_member").on("self_reports").column("member_id").run()
        try await sql.create(index: "self_reports_id_hash").on("self_reports").column("id_number_hash").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("self_reports").delete()
    }
}
