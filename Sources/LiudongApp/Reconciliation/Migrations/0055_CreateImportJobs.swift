import Fluent
import SQLKit

/// Uploaded imports in progress, in the database so any node shows them and runs them: the file (by SHA-256 in the
/// file store), what was asked (`phase`: checking, checked, applying, applied, failed), progress, the outcome (the
/// summary sealed with the data key: its rejected rows name people) and which node holds it, with its heartbeat.
struct CreateImportJobs: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("import_jobs")
            .field("id", .uuid, .identifier(auto: false))
            .field("account_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("org_id", .int)
            .field("proxy", .bool, .required, .sql(.default(false)))
            .field("quarter", .string, .required)
            .field("file_name", .string, .required)
            .field("file_sha256", .string)
            .field("scope_path", .string, .required)
            .field("scope_code", .string, .required)
            .field("username", .string, .required)
            .field("phase", .string, .required)
            .field("rows_read", .int, .required, .sql(.default(0)))
            .field("summary", .string)
            .field("error", .string)
            .field("owner", .string)
            .field("heartbeat_at", .datetime)
            .field("attempts", .int, .required, .sql(.default(0)))
            .field("started_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "import_jobs_phase").on("import_jobs").column("phase").column("created_at").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("import_jobs").delete()
    }
}
