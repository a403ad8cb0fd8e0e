import Fluent

/// 公示: a publication keeps the last day of its notice period (5 working days), during which members may object.
/// Publications made before have none and are final.
struct AddPointNoticePeriod: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("point_publications").field("notice_until", .string).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("point_publications").deleteField("notice_until").update()
    }
}
