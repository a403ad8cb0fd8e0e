import Fluent
import Foundation
import LiudongCore

/// The last worklist computed for an account, kept for the menus of every page (`Features.menus`): the home page and
/// `GET /api/v1/worklist` write it; a page reads it when it is at most `maxAge` old (else its menus show no counts).
final class WorklistCacheRow: Model, @unchecked Sendable {
    static let schema = "worklist_cache"

    @ID(custom: "username", generatedBy: .user) var id: String?
    /// `[WorkItem]` as JSON.
    @Field(key: "items") var items: String
    @Field(key: "computed_at") var computedAt: Date

    init() {}
}

enum WorklistCache {
    static let maxAge: TimeInterval = 30 * 60

    static func save(_ items: [WorkItem], for username: String, on db: Database) async throws {
        let json = String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
        let row = try await WorklistCacheRow.find(username, on: db) ?? WorklistCacheRow()
        row.items = json
        row.computedAt = AppClock.now
        if row.id == nil {
            row.id = username
            try await row.create(on: db)
        } else {
            try await row.update(on: db)
        }
    }

    /// The account's items and when they were counted, when fresh enough.
    static func read(for username: String, on db: Database) async throws -> (items: [WorkItem], at: Date)? {
        guard let row = try await WorklistCacheRow.find(username, on: db),
            AppClock.now.timeIntervalSince(row.computedAt) <= maxAge,
            let items = try? JSONDecoder().decode([WorkItem].self, from: Data(row.items.utf8))
        else { return nil }
        return (items, row.computedAt)
    }
}
