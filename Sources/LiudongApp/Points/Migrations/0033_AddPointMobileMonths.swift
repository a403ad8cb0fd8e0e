import Fluent

/// Who is ranked is whoever was mobile at any time in the year, and the band lines are pro-rated by the months each
/// was mobile: totals and the published snapshot keep those months (12 bits, bit 0 January; `PointMobility`). Rows
/// written before have none and read as the whole year, as they were ranked then.
struct AddPointMobileMonths: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("point_totals").field("mobile_months", .int).update()
        try await database.schema("point_snapshot").field("mobile_months", .int).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("point_snapshot").deleteField("mobile_months").update()
        try await database.schema("point_totals").deleteField("mobile_months").update()
    }
}
