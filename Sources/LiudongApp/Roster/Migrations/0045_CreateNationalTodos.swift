import Fluent
import SQLKit

/// The national system's to-do list (双向登记): each change that must also be entered into 全国党员管理信息系统, with
/// what the export will show once it is, ticked by staff or by a later import.
struct CreateNationalTodos: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("national_todos")
            .id()
            .field("member_id", .uuid, .required, .references("members", "id"))
            .field("branch_id", .int, .required, .references("organizations", "id"))
            .field("change", .string, .required)
            .field("detail", .string, .required)
            .field("expect", .string, .required)
            .field("since", .string, .required)
            .field("done_on", .string)
            .field("done_by", .string)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "national_todos_open").on("national_todos").column("branch_id").column("done_on")
            .column("since").run()
        try await sql.create(index: "national_todos_member").on("national_todos").column("member_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("national_todos").delete()
    }
}
