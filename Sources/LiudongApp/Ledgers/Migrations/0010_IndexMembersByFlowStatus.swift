import Fluent
import SQLKit

/// Ledger pages start from the organizations of a subtree and need only their flowing members:
/// (organization_id, flow_status, id) lets SQLite and PostgreSQL reach those without reading every member row.
struct IndexMembersByFlowStatus: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "members_org_flow").on("members").column("organization_id").column("flow_status")
            .column("id").run()
        if sql.dialect.name == "sqlite" { try await sql.raw("ANALYZE members").run() }
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "members_org_flow").run()
    }
}
