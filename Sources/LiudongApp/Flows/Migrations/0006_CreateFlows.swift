import Fluent
import LiudongCore
import SQLKit
import Vapor

struct CreateFlows: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("flows")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id"))
            .field("status", .string, .required)
            .field("left_on", .string, .required)
            .field("expected_return_on", .string)
            .field("destination_code", .string)
            .field("address", .string)
            .field("employer", .string)
            .field("occupation", .string)
            .field("reason", .int)
            .field("inflow_org_id", .int, .references("organizations", "id"))
            .field("arrived_on", .string)
            .field("arrival_confirmed", .bool, .required)
            .field("returned_on", .string)
            .field("last_contact_on", .string, .required)
            .field("overdue_since", .string)
            .field("lost_candidate_since", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "flows_member").on("flows").column("member_id").column("status").run()
        try await sql.create(index: "flows_inflow").on("flows").column("inflow_org_id").column("status").run()
        try await sql.create(index: "flows_status_left").on("flows").column("status").column("left_on").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("flows").delete()
    }
}
