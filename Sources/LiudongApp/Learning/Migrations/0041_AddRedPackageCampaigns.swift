import Fluent
import SQLKit

/// 红色包裹 as a campaign: a name, standard contents and a budget; each package keeps its campaign and number in it,
/// the address it goes to, and the member's answer (收到 / 未收到 with a reason, a reflection). A package of a
/// campaign not mailed yet has an empty tracking number and mailing day.
struct AddRedPackageCampaigns: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("red_package_campaigns")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("name", .string, .required)
            .field("contents", .string, .required)
            .field("budget_fen", .int64, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        for (name, type) in [
            ("campaign_id", DatabaseSchema.DataType.uuid), ("seq", .int), ("address", .string), ("answer", .string),
            ("reason", .string), ("reason_note", .string), ("reflection", .string), ("answered_on", .string),
        ] {
            try await database.schema("red_packages").field(.string(name), type).update()
        }
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "red_packages_campaign_seq").unique().on("red_packages").column("campaign_id")
            .column("seq").run()
        try await sql.create(index: "red_package_campaigns_org").on("red_package_campaigns").column("org_id").run()
    }

    func revert(on database: Database) async throws {
        for name in ["answered_on", "reflection", "reason_note", "reason", "answer", "address", "seq", "campaign_id"] {
            try await database.schema("red_packages").deleteField(.string(name)).update()
        }
        try await database.schema("red_package_campaigns").delete()
    }
}
