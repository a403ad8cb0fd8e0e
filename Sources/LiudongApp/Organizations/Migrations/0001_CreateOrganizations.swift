import Fluent
import SQLKit

struct CreateOrganizations: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("organizations")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("short_name", .string, .required)
            .field("level", .string)
            .field("kind", .string, .required)
            .field("basis", .string)
            .field("division_code", .string, .required)
            .field("secretary", .string, .required)
            .field("phone", .string, .required)
            .field("contact_person", .string)
            .field("parent_id", .int, .references("organizations", "id"))
            .field("path", .string, .required)
            .field("sort_order", .int, .required)
            .field("closed_at", .datetime)
            .field("closed_reason", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema("organization_events")
            .field("id", .int, .identifier(auto: true))
            .field("organization_id", .int, .required, .references("organizations", "id"))
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("summary", .string, .required)
            .field("account_username", .string)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "organizations_path").on("organizations").column("path").run()
        try await sql.create(index: "organizations_parent").on("organizations").column("parent_id").run()
        try await sql.create(index: "organization_events_org").on("organization_events").column("organization_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("organization_events").delete()
        try await database.schema("organizations").delete()
    }
}
