import Fluent
import FluentPostgresDriver
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// A database every database test runs on: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set.
enum TestDatabase: CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres(String)

    static var all: [TestDatabase] {
        var list: [TestDatabase] = [.sqlite]
        if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty {
            list.append(.postgres(url))
        }
        return list
    }

    var testDescription: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgres"
        }
    }
}

/// A fixed key so tests are repeatable; never used outside tests.
let testDataKey = Data((0..<32).map { UInt8($0 &* 7 &+ 3) })

/// Runs `body` against a freshly migrated, empty database of the given kind, then throws it away.
func withTestApp(
    _ db: TestDatabase, features: [any Feature] = Features.all,
    _ body: (Application) async throws -> Void
) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liudong-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var dropName: String?
    let database: Settings.Database
    switch db {
    case .sqlite:
        database = .sqlite(path: dir + "/test.sqlite")
    case .postgres(let url):
        let name = "liudong_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await adminSQL(url, "CREATE DATABASE \(name)")
        dropName = name
        database = .postgres(url: replaceDatabase(in: url, with: name))
    }
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(
            app, settings: Settings(database: database, varDirectory: dir, dataKey: testDataKey), features: features)
        try await app.autoMigrate()
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        if let dropName, case .postgres(let url) = db {
            try? await adminSQL(url, "DROP DATABASE IF EXISTS \(dropName)")
        }
        throw error
    }
    try await app.asyncShutdown()
    if let dropName, case .postgres(let url) = db { try await adminSQL(url, "DROP DATABASE IF EXISTS \(dropName)") }
}

/// Runs one statement on the server named by `url` (used to create and drop per-test databases).
private func adminSQL(_ url: String, _ statement: String) async throws {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    app.databases.use(try .postgres(url: url), as: .psql)
    do {
        try await (app.db as! SQLDatabase).raw(SQLQueryString(statement)).run()
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

private func replaceDatabase(in url: String, with name: String) -> String {
    var comps = URLComponents(string: url)!
    comps.path = "/" + name
    return comps.string!
}

/// A second app node on the same database and data key as `app`, with a var directory of its own (nothing on one
/// node's disk is seen by the other), for `body`; shut down after.
func withSecondNode(of app: Application, _ body: (Application) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liudong-node-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var settings = app.settings
    settings.varDirectory = dir
    let node = try await Application.make(.testing)
    node.logger.logLevel = .warning
    do {
        try await configure(node, settings: settings, features: app.features)
        try await body(node)
    } catch {
        try? await node.asyncShutdown()
        throw error
    }
    try await node.asyncShutdown()
}

/// Waits for background work (an import job run by the worker) until `done` holds, looking every 50 ms, for at most
/// `limit`. The limit is a ceiling for a machine under load — the whole suite runs in parallel on two cores, where one
/// import has taken longer than 5 s — never a claim about speed: answers at once when the work is done, and the test
/// asserts what the work left behind afterwards.
@discardableResult
func eventually(
    within limit: Duration = .seconds(120), _ done: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while true {
        if try await done() { return true }
        if clock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
}
