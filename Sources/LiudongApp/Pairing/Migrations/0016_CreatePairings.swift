import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4b 结对帮带: pairings of cadres with mobile members, the quarterly contacts, the committees' half-year
/// hearings. Cadres' phones are encrypted like members' (a keyed hash finds a cadre's load; the masked form shows).
struct CreatePairings: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("pairings")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("flow_id", .uuid, .references("flows", "id"))
            .field("side", .string, .required)
            .field("cadre_name", .string, .required)
            .field("cadre_post", .string, .required)
            .field("cadre_phone_enc", .string, .required)
            .field("cadre_phone_hash", .string, .required)
            .field("cadre_phone_masked", .string, .required)
            .field("cadre_org_id", .int, .required, .references("organizations", "id"))
            .field("cadre_account_id", .uuid, .references("accounts", "id"))
            .field("started_on", .string, .required)
            .field("ended_on", .string)
            .field("end_reason", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("contacts")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .field("pairing_id", .uuid, .required, .references("pairings", "id"))
            .field("method", .string, .required)
            .field("contact_on", .string, .required)
            .field("summary", .string, .required)
            .field("needs", .string)
            .field("next_on", .string)
            .field("entered_by", .string, .required)
            .field("answer", .string)
            .field("answer_note", .string)
            .field("answered_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.schema("contact_hearings")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("half", .string, .required)
            .field("held_on", .string, .required)
            .field("chair", .string, .required)
            .field("attendees", .string, .required)
            .field("conclusions", .string, .required)
            .field("follow_up", .string)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "org_id", "half")
            .create()
        // A closed quarter's ledger keeps the 结对联系人 of its day.
        try await database.schema("ledger_snapshots").field("pair_contact", .string).update()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "pairings_member").on("pairings").column("member_id").column("ended_on").run()
        try await sql.create(index: "pairings_cadre").on("pairings").column("cadre_phone_hash").column("ended_on").run()
        try await sql.create(index: "pairings_cadre_org").on("pairings").column("cadre_org_id").run()
        try await sql.create(index: "contacts_member").on("contacts").column("member_id").column("contact_on").run()
        try await sql.create(index: "contacts_day").on("contacts").column("contact_on").column("member_id").run()
        try await sql.create(index: "contacts_pairing").on("contacts").column("pairing_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("ledger_snapshots").deleteField("pair_contact").update()
        try await database.schema("contact_hearings").delete()
        try await database.schema("contacts").delete()
        try await database.schema("pairings").delete()
    }
}
