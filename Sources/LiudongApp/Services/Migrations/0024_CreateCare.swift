import Fluent
import SQLKit

/// Hardship help and festival care (困难帮扶、节日慰问): the register of members in difficulty with the help given, and
/// care campaigns with each visit or call recorded.
struct CreateCare: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("hardship_records")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("level", .int, .required)
            .field("description", .string, .required)
            .field("verified_by", .string, .required)
            .field("verified_on", .string, .required)
            .field("review_due", .string, .required)
            .field("status", .string, .required)
            .field("closed_reason", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("hardship_help")
            .id()
            .field("record_id", .uuid, .required, .references("hardship_records", "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("given_on", .string, .required)
            .field("form", .string, .required)
            .field("amount", .int, .required)
            .field("goods", .string)
            .field("given_by", .string, .required)
            .field("source", .string, .required)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("care_campaigns")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("name", .string, .required)
            .field("festival", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("criteria", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("care_visits")
            .id()
            .field("campaign_id", .uuid, .required, .references("care_campaigns", "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("org_id", .int, .required)
            .field("visited_on", .string, .required)
            .field("way", .string, .required)
            .field("visitor", .string, .required)
            .field("gifts", .string, .required)
            .field("situation", .string, .required)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "campaign_id", "member_id")
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "hardship_records_member").on("hardship_records").column("member_id")
            .column("status").run()
        try await sql.create(index: "hardship_help_record").on("hardship_help").column("record_id").run()
        try await sql.create(index: "care_visits_campaign").on("care_visits").column("campaign_id").column("org_id")
            .run()
    }

    func revert(on database: Database) async throws {
        for table in ["care_visits", "care_campaigns", "hardship_help", "hardship_records"] {
            try await database.schema(table).delete()
        }
    }
}
