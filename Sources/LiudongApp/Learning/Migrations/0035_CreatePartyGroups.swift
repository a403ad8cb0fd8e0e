import Fluent
import SQLKit

/// 党小组: a branch (or a mobile party organization) may set up groups — a name, a leader, members — and owes a
/// 党小组会 per group; a group closed keeps its record (`closed_on`).
struct CreatePartyGroups: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("party_groups")
            .id()
            .field("org_id", .int, .required, .references("organizations", "id"))
            .field("name", .string, .required)
            .field("leader_member_id", .uuid, .references("members", "id", onDelete: .setNull))
            .field("created_on", .string, .required)
            .field("closed_on", .string)
            .field("created_by", .string, .required)
            .create()
        try await database.schema("party_group_members")
            .id()
            .field("group_id", .uuid, .required, .references("party_groups", "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references("members", "id", onDelete: .cascade))
            .unique(on: "group_id", "member_id")
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "party_groups_org").on("party_groups").column("org_id").run()
        try await sql.create(index: "party_group_members_member").on("party_group_members").column("member_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("party_group_members").delete()
        try await database.schema("party_groups").delete()
    }
}
