import Fluent
import SQLKit

/// Jobs, entrepreneurship and returning talent (就业创业、人才回引): the talent register of mobile members, home-side
/// opportunities published by counties, and returning-entrepreneur projects.
struct CreateTalent: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("talent_profiles")
            .field("member_id", .uuid, .identifier(auto: false), .references("members", "id", onDelete: .cascade))
            .field("industry", .string)
            .field("skills", .string, .required)
            .field("title", .string)
            .field("business", .string)
            .field("willing_return", .bool, .required)
            .field("willing_invest", .bool, .required)
            .field("note", .string)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime)
            .create()
        try await database.schema("opportunities")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("unit", .string, .required)
            .field("industry", .string)
            .field("skills", .string, .required)
            .field("details", .string, .required)
            .field("contact", .string, .required)
            .field("valid_until", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("return_projects")
            .id()
            .field("county_id", .int, .required, .references("organizations", "id"))
            .field("member_id", .uuid, .references("members", "id", onDelete: .setNull))
            .field("enterprise", .string, .required)
            .field("industry", .string, .required)
            .field("investment", .int, .required)
            .field("annual_output", .int, .required)
            .field("jobs_created", .int, .required)
            .field("started_on", .string, .required)
            .field("support", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "opportunities_org").on("opportunities").column("org_id").column("valid_until")
            .run()
        try await sql.create(index: "return_projects_county").on("return_projects").column("county_id").run()
    }

    func revert(on database: Database) async throws {
        for table in ["return_projects", "opportunities", "talent_profiles"] {
            try await database.schema(table).delete()
        }
    }
}
