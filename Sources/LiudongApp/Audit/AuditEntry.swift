import Fluent
import SQLKit
import Vapor

/// What was done; stored by raw value, shown by label.
enum AuditAction: String, Codable, CaseIterable, Sendable {
    case signIn, signInFailed, signOut, create, update, delete, reveal, export, `import`
    var label: String {
        switch self {
        case .signIn: return "登录"
        case .signInFailed: return "登录失败"
        case .signOut: return "退出"
        case .create: return "新增"
        case .update: return "修改"
        case .delete: return "删除"
        case .reveal: return "查看完整信息"
        case .export: return "导出"
        case .import: return "导入"
        }
    }
}

/// One line of the append-only audit log. The database refuses updates and deletes (see the migration).
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @OptionalField(key: "account_id") var accountID: UUID?
    @Field(key: "username") var username: String
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @OptionalField(key: "object_ref") var objectRef: String?
    @Field(key: "summary") var summary: String
    @Field(key: "client_address") var clientAddress: String
    /// The path of the actor's scope organization, so a county sees only its own entries.
    @OptionalField(key: "scope_path") var scopePath: String?

    init() {}
}

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
