import Fluent
import SQLKit

struct CreateMembers: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("members")
            .id()
            .field("name", .string, .required)
            .field("sex", .string, .required)
            .field("ethnicity", .string, .required)
            .field("birth_date", .string, .required)
            .field("id_number_enc", .string, .required)
            .field("id_number_hash", .string, .required)
            .field("id_tail", .string, .required)
            .field("id_prefix", .string, .required)
            .field("phone_enc", .string)
            .field("phone_hash", .string)
            .field("phone_tail", .string)
            .field("phone_prefix", .string)
            .field("education", .string, .required)
            .field("category", .string, .required)
            .field("joined_on", .string, .required)
            .field("full_on", .string)
            .field("organization_id", .int, .required, .references("organizations", "id"))
            .field("household", .string)
            .field("residence", .string)
            .field("employer", .string)
            .field("is_migrant_worker", .bool, .required)
            .field("flow_status", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "id_number_hash")
            .create()
        try await database.schema("member_events")
            .field("id", .int, .identifier(auto: true))
            .field("member_id", .uuid, .required, .references("members", "id"))
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("summary", .string, .required)
            .field("account_username", .string)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "members_org_name").on("members").column("organization_id").column("name").run()
        try await sql.create(index: "members_name").on("members").column("name").run()
        try await sql.create(index: "members_id_tail").on("members").column("id_tail").run()
        try await sql.create(index: "members_phone_tail").on("members").column("phone_tail").run()
        try await sql.create(index: "members_phone_hash").on("members").column("phone_hash").run()
        try await sql.create(index: "member_events_member").on("member_events").column("member_id").column("at").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("member_events").delete()
        try await database.schema("members").delete()
    }
}
