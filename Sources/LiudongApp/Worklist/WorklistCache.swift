import Fluent
import Foundation
import LiudongCore
import SQLKit

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

    /// One upsert: two pages of the same account counting at once both succeed (the later count stands).
    static func save(_ items: [WorkItem], for username: String, on db: Database) async throws {
        let json = String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
        try await db.sql().insert(into: "worklist_cache").columns("username", "items", "computed_at")
            .values(SQLBind(username), SQLBind(json), SQLBind(AppClock.now))
            .onConflict(with: ["username"]) { $0.set(excludedValueOf: "items").set(excludedValueOf: "computed_at") }
            .run()
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
