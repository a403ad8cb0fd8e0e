import Fluent
import SQLKit

/// Private files every node reads (agreement scans, organizational-life attachments, diary and claim photos, signed
/// receipts, uploaded imports): one row per stored copy (`blob`), named by its content's SHA-256 once complete, and —
/// with `LIUDONG_FILE_STORE=db`, the default — its chunks, each sealed with the data key. `refs` is how many rows
/// referred to it at the last recount (the daily sweep removes copies nobody refers to).
struct CreateStoredFiles: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("stored_files")
            .field("blob", .string, .identifier(auto: false))
            .field("sha256", .string)
            .field("size", .int64, .required, .sql(.default(0)))
            .field("chunks", .int, .required, .sql(.default(0)))
            .field("refs", .int, .required, .sql(.default(0)))
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("stored_file_chunks")
            .field("blob", .string, .required)
            .field("seq", .int, .required)
            .field("data", .data, .required)
            .compositeIdentifier(over: "blob", "seq")
            .create()
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "stored_files_sha256").on("stored_files").column("sha256").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("stored_file_chunks").delete()
        try await database.schema("stored_files").delete()
    }
}
