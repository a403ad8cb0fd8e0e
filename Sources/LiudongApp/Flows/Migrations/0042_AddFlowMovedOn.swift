import Fluent

/// The day a member moved on from the inflow organization they had reported to (a confirmed change of destination):
/// the time to report at the new place counts from it, not from the day they first left home.
struct AddFlowMovedOn: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("flows").field("moved_on", .string).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("flows").deleteField("moved_on").update()
    }
}
