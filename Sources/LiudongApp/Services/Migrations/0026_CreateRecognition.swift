import Fluent
import SQLKit

/// Recognition (评优表彰): award campaigns with quotas per county, and nominations approved in turn.
struct CreateRecognition: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("award_campaigns")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("name", .string, .required)
            .field("award", .string, .required)
            .field("year", .int, .required)
            .field("nominate_until", .string, .required)
            .field("status", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("published_on", .string)
            .create()
        try await database.schema("award_quotas")
            .field("campaign_id", .uuid, .required, .references("award_campaigns", "id", onDelete: .cascade))
            .field("county_id", .int, .required)
            .field("quota", .int, .required)
            .unique(on: "campaign_id", "county_id")
            .create()
        try await database.schema("award_nominations")
            .id()
            .field("campaign_id", .uuid, .required, .references("award_campaigns", "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("branch_id", .int, .required)
            .field("county_id", .int, .required)
            .field("citation", .string, .required)
            .field("status", .string, .required)
            .field("nominated_by", .string, .required)
            .field("committee_by", .string)
            .field("county_by", .string)
            .field("rejected_reason", .string)
            .field("created_at", .datetime)
            .unique(on: "campaign_id", "member_id")
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "award_nominations_campaign").on("award_nominations").column("campaign_id")
            .column("county_id").run()
    }

    func revert(on database: Database) async throws {
        for table in ["award_nominations", "award_quotas", "award_campaigns"] {
            try await database.schema(table).delete()
        }
    }
}
