import Fluent
import SQLKit

/// The electronic 流动党员活动证: one per flow (re-issued with a new token when lost), its annual checks (年审)
/// and the check-ins (登记报到) organizations record by scanning it.
struct CreateCertificates: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("certificates")
            .id()
            .field("number", .string, .required)
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("flow_id", .uuid, .required, .references("flows", "id"))
            .field("issued_on", .string, .required)
            .field("valid_to", .string, .required)
            .field("token_version", .int, .required)
            .field("revoked_on", .string)
            .field("revoked_reason", .string)
            .field("issued_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.schema("certificate_checks")
            .id()
            .field("certificate_id", .uuid, .required, .references("certificates", "id", onDelete: .cascade))
            .field("year", .int, .required)
            .field("appraisal", .string, .required)
            .field("checked_on", .string, .required)
            .field("valid_to", .string, .required)
            .field("checked_by", .string, .required)
            .unique(on: "certificate_id", "year")
            .create()
        try await database.schema("certificate_checkins")
            .id()
            .field("certificate_id", .uuid, .required, .references("certificates", "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("checked_in_on", .string, .required)
            .field("by_username", .string, .required)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "certificates_member").on("certificates").column("member_id").run()
        try await sql.create(index: "certificates_flow").on("certificates").column("flow_id").run()
        try await sql.create(index: "certificate_checkins_cert").on("certificate_checkins").column("certificate_id")
            .run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("certificate_checkins").delete()
        try await database.schema("certificate_checks").delete()
        try await database.schema("certificates").delete()
    }
}
