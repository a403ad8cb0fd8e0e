import Fluent
import Foundation

/// The queries of the members' diaries (`diary_entries`).
enum DiaryStore {
    /// The member's latest entries, newest first.
    static func latest(member: UUID, limit: Int = 50, on db: Database) async throws -> [DiaryEntry] {
        try await DiaryEntry.query(on: db).filter(\.$memberID == member)
            .sort(\.$onDay, .descending).sort(\.$createdAt, .descending).range(0..<limit).all()
    }

    /// How many entries the member wrote for `day` (ISO date).
    static func count(member: UUID, day: String, on db: Database) async throws -> Int {
        try await DiaryEntry.query(on: db).filter(\.$memberID == member).filter(\.$onDay == day).count()
    }
}
