import Fluent
import SQLKit
import Vapor

struct CreateAuditEntries: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("audit_entries")
            .field("id", .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("account_id", .uuid)
            .field("username", .string, .required)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_ref", .string)
            .field("summary", .string, .required)
            .field("client_address", .string, .required)
            .field("scope_path", .string)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "audit_entries_at").on("audit_entries").column("at").run()
        // Append-only, enforced by the database itself, not only by the absence of an edit screen.
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END; $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
                """
            ).run()
        } else {
            try await sql.raw(
                "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
            ).run()
            try await sql.raw(
                "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
            ).run()
        }
    }

    func revert(on database: Database) async throws {
        try await database.schema("audit_entries").delete()
        if let sql = database as? SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("DROP FUNCTION IF EXISTS audit_entries_append_only()").run()
        }
    }
}
