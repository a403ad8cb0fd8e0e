import Fluent

/// A mobile member whose absence the committee approved is left out of 应到 "recorded with the approval" (DESIGN §6):
/// the attendance keeps who approved it and when. Rows written before have none.
struct AddAttendanceApproval: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("org_life_attendance").field("approval", .string).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("org_life_attendance").deleteField("approval").update()
    }
}
