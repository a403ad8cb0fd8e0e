import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Quarter snapshots: `ledger close` copies every open ledger line, as it stands, into `ledger_snapshots`.
/// A past quarter is then read (and exported) from there, exactly as it was.
struct CreateLedgerSnapshots: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("ledger_snapshots")
            .field("quarter", .string, .required)
            .field("flow_id", .uuid, .required)
            .field("member_id", .uuid, .required)
            .field("name", .string, .required)
            .field("sex", .string, .required)
            .field("ethnicity", .string, .required)
            .field("birth_date", .string, .required)
            .field("education", .string, .required)
            .field("id_prefix", .string, .required)
            .field("id_tail", .string, .required)
            .field("id_number_enc", .string, .required)
            .field("phone_prefix", .string)
            .field("phone_tail", .string)
            .field("phone_enc", .string)
            .field("joined_on", .string, .required)
            .field("category", .string, .required)
            .field("branch_code", .string, .required)
            .field("branch_name", .string, .required)
            .field("branch_sort", .int, .required)
            .field("branch_path", .string, .required)
            .field("status", .string, .required)
            .field("left_on", .string, .required)
            .field("destination_code", .string)
            .field("address", .string)
            .field("employer", .string)
            .field("reason", .int)
            .field("inflow_code", .string)
            .field("inflow_name", .string)
            .field("arrived_on", .string)
            .field("last_contact_on", .string, .required)
            .field("overdue_since", .string)
            .field("lost_candidate_since", .string)
            .unique(on: "quarter", "flow_id")
            .create()
        try await database.schema("ledger_closes")
            .field("quarter", .string, .identifier(auto: false))
            .field("closed_at", .datetime, .required)
            .field("rows", .int, .required)
            .field("closed_by", .string, .required)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "ledger_snapshots_path").on("ledger_snapshots").column("quarter").column(
            "branch_path"
        ).run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("ledger_closes").delete()
        try await database.schema("ledger_snapshots").delete()
    }
}
