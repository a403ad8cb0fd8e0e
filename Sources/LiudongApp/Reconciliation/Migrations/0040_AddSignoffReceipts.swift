import Fluent

/// An inflow side's sign-off recorded by the county on the strength of a stamped receipt keeps the receipt's scan
/// (its SHA-256 and type; the file is private).
struct AddSignoffReceipts: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("reconciliation_signoffs").field("inflow_receipt_sha256", .string).update()
        try await database.schema("reconciliation_signoffs").field("inflow_receipt_type", .string).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("reconciliation_signoffs").deleteField("inflow_receipt_type").update()
        try await database.schema("reconciliation_signoffs").deleteField("inflow_receipt_sha256").update()
    }
}
