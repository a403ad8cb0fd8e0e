import Fluent

/// A self-report whose name differs from the roster's for its ID number is stored and flagged for the reviewing
/// branch (instead of being refused, which told strangers who is on the roster).
struct AddReportRosterFlag: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("self_reports").field("roster_name_differs", .bool).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("self_reports").deleteField("roster_name_differs").update()
    }
}
