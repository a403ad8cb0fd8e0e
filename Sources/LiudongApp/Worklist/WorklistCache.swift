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

    /// How long an unchanged count stands without being written again.
    static let rewriteAfter: TimeInterval = 60

    /// One upsert: two pages of the same account counting at once both succeed (the later count stands). A count
    /// equal to the one stored in the last minute is not written again (its 截至 time then is at most a minute old): a home page or a worklist poll is then
    /// a read only (a write on every view serialized every page of the node behind SQLite's one writer).
    static func save(_ items: [WorkItem], for username: String, on db: Database) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same items, the same text, on every node
        let json = String(decoding: try encoder.encode(items), as: UTF8.self)
        if let row = try await WorklistCacheRow.find(username, on: db), row.items == json,
            AppClock.now.timeIntervalSince(row.computedAt) < rewriteAfter
        {
            return
        }
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
