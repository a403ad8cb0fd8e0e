import Fluent

/// Each ledger entry keeps a 64-bit digest of what it says (day, item, version, points, status, reason…), so a
/// recomputation compares the stored ledger by id and digest instead of reading every column back. Rows written
/// before this column (or edited in place since) have none and are rewritten by the next recomputation.
struct AddPointEntrySignature: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("point_entries").field("signature", .int64).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("point_entries").deleteField("signature").update()
    }
}
