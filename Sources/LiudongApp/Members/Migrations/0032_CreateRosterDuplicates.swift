import Fluent
import SQLKit

/// Registrations below the county of a number already on the roster elsewhere: held for the county's organization
/// department to settle (its worklist), never answered to the branch with where the number is.
struct CreateRosterDuplicates: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("roster_duplicates")
            .id()
            .field("id_number_hash", .string, .required)
            .field("existing_member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("submitted_org_id", .int, .required)
            .field("county_id", .int, .required)
            .field("county_path", .string, .required)
            .field("name", .string, .required)
            .field("id_masked", .string, .required)
            .field("details_enc", .string, .required)
            .field("submitted_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("settled_at", .datetime)
            .field("settled_by", .string)
            .field("resolution", .string)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "roster_duplicates_open").on("roster_duplicates").column("county_path").column(
            "settled_at"
        ).run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("roster_duplicates").delete()
    }
}
