import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// A page's figures for a wide scope (`ScopeWidth`: a city or a province, a thousand organizations or more), counted
/// by the roll-up (`WorkRollup.runIfDue`, every `every` seconds) and read by the page: counting them on a request
/// took seconds at 1,000,000 members. A narrower scope, or a cache older than `maxAge` or of another day, counts live.
struct RolledFigure: Sendable {
    let name: String
    /// The figures for an organization, as JSON.
    let compute: @Sendable (Organization, Database) async throws -> Data

    init<T: Encodable>(_ name: String, _ compute: @escaping @Sendable (Organization, Database) async throws -> T) {
        self.name = name
        self.compute = { org, db in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try encoder.encode(try await compute(org, db))
        }
    }
}

enum FigureCache {
    static let every: TimeInterval = 300
    static let maxAge: TimeInterval = 900

    /// The cached figures of `name` for `org`, when the roll-up keeps them (it does for wide scopes only) and they are
    /// fresh.
    static func read<T: Decodable>(_ name: String, for org: Organization, as: T.Type, on db: Database) async throws
        -> (value: T, at: Date)?
    {
        let sql = try db.sql()
        guard let id = org.id, let row = try await WorkRollupStore.figure(name, scope: id, on: sql),
            row.day == AppClock.today.description, abs(AppClock.now.timeIntervalSince(row.computed_at)) <= maxAge,
            let value = try? JSONDecoder().decode(T.self, from: Data(row.body.utf8))
        else { return nil }
        return (value, row.computed_at)
    }

    /// The scopes figures are kept for: the roots and their children that are wide.
    static func wideScopes(on db: Database) async throws -> [Organization] {
        let sql = try db.sql()
        var out: [Organization] = []
        for root in try await Organization.query(on: db).filter(\.$parentID == nil).filter(\.$kind == .regular).all() {
            guard try await ScopeWidth.isWide(root.path, on: sql) else { continue }
            out.append(root)
            for child in try await OrganizationService.regularChildren(of: root, on: db)
            where try await ScopeWidth.isWide(child.path, on: sql) {
                out.append(child)
            }
        }
        return out
    }

    /// Counts every registered figure for every wide scope (or the scopes given) and stores it; how many were stored.
    static func run(_ app: Application, scopes: [Organization]? = nil) async throws -> Int {
        let figures = app.features.flatMap(\.rolledFigures)
        guard !figures.isEmpty else { return 0 }
        var stored = 0
        var orgs = scopes ?? []
        let db = app.backgroundDB
        if scopes == nil { orgs = try await wideScopes(on: db) }
        for org in orgs {
            for figure in figures {
                let body = try await figure.compute(org, db)
                try await WorkRollupStore.saveFigure(
                    figure.name, scope: org.id!, day: AppClock.today, body: String(decoding: body, as: UTF8.self),
                    gate: app.writeGate, on: db)
                stored += 1
            }
        }
        return stored
    }
}
