import Fluent
import LiudongCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// A short-lived in-memory copy of the organizations the public endpoints look up on every report.
/// Codes are stable; a rename or closure is seen within `ttl` seconds.
final class OrgDirectory: @unchecked Sendable {
    struct Entry: Sendable, Decodable {
        var id: Int
        var code: String
        var path: String
        var short_name: String
        var kind: String
        var closed_at: Date?
        var isClosed: Bool { closed_at != nil }
    }

    private let ttl: TimeInterval
    private let box = NIOLockedValueBox<(loaded: Date, byCode: [String: Entry], byID: [Int: Entry], inflow: [Entry])>(
        (.distantPast, [:], [:], []))

    init(ttl: TimeInterval = 30) { self.ttl = ttl }

    func byCode(_ code: String, on db: Database) async throws -> Entry? {
        if let hit = try await refreshIfStale(db).byCode[code] { return hit }
        return try await refreshAfterMiss(db)?.byCode[code]
    }

    func byID(_ id: Int, on db: Database) async throws -> Entry? {
        if let hit = try await refreshIfStale(db).byID[id] { return hit }
        return try await refreshAfterMiss(db)?.byID[id]
    }

    /// A code not seen yet may be a new organization: look again, but at most once a second.
    private func refreshAfterMiss(_ db: Database) async throws -> (
        loaded: Date, byCode: [String: Entry], byID: [Int: Entry], inflow: [Entry]
    )? {
        let loaded = box.withLockedValue { $0.loaded }
        guard AppClock.now.timeIntervalSince(loaded) >= 1 else { return nil }
        box.withLockedValue { $0.loaded = .distantPast }
        return try await refreshIfStale(db)
    }

    /// The open inflow-side organizations (external and mobile), by code, as of at most `ttl` seconds ago.
    func inflowOrganizations(on db: Database) async throws -> [Entry] {
        try await refreshIfStale(db).inflow
    }

    func invalidate() { box.withLockedValue { $0.loaded = .distantPast } }

    private func refreshIfStale(_ db: Database) async throws -> (
        loaded: Date, byCode: [String: Entry], byID: [Int: Entry], inflow: [Entry]
    ) {
        let current = box.withLockedValue { $0 }
        if AppClock.now.timeIntervalSince(current.loaded) < ttl { return current }
        let sql = try db.sql()
        let rows = try await sql.select().columns("id", "code", "path", "short_name", "kind", "closed_at").from(
            "organizations"
        )
        .all(decoding: Entry.self)
        let fresh = (
            AppClock.now, Dictionary(rows.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }),
            Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            rows.filter { !$0.isClosed && ($0.kind == OrgKind.external.rawValue || $0.kind == OrgKind.mobile.rawValue) }
                .sorted { $0.code < $1.code }
        )
        box.withLockedValue { $0 = fresh }
        return fresh
    }
}

extension Application {
    struct OrgDirectoryKey: StorageKey { typealias Value = OrgDirectory }

    var orgDirectory: OrgDirectory {
        get { made(OrgDirectoryKey.self) }
        set { storage[OrgDirectoryKey.self] = newValue }
    }
}
