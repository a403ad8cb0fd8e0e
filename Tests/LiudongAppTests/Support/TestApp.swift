import Fluent
import FluentPostgresDriver
import Foundation
import LiudongCore
import NIOConcurrencyHelpers
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
        // A copy of the process's migrated template; `autoMigrate` below then finds every migration done.
        try FileManager.default.copyItem(atPath: try await TestTemplates.shared.sqlite(), toPath: dir + "/test.sqlite")
        database = .sqlite(path: dir + "/test.sqlite")
    case .postgres(let url):
        let name = "liudong_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let template = try await TestTemplates.shared.postgres(url)
        try await adminSQL(url, "CREATE DATABASE \(name) TEMPLATE \(template)")
        dropName = name
        database = .postgres(url: replaceDatabase(in: url, with: name))
    }
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, settings: testSettings(database, dir), features: features)
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

/// The settings of a test's app: a fixed key, and bcrypt's lowest cost (a third of the suite's time went to cost-12
/// hashes).
private func testSettings(_ database: Settings.Database, _ dir: String) -> Settings {
    var settings = Settings(database: database, varDirectory: dir, dataKey: testDataKey)
    settings.passwordCost = 4
    return settings
}

/// One migrated database per test process and backend, which every test's database starts as a copy of: running
/// the 60-odd migrations for each test took 0.2 s on SQLite and most of 0.5 s on PostgreSQL, a quarter of the suite.
/// Made on first use with every feature's migrations, in the process's own clock (`LIUDONG_TODAY`).
actor TestTemplates {
    static let shared = TestTemplates()
    private var sqliteFile: Task<String, Error>?
    private var postgresNames: [String: Task<String, Error>] = [:]

    /// The template's file (removed when the process ends).
    func sqlite() async throws -> String {
        if let made = sqliteFile { return try await made.value }
        let made = Task { () throws -> String in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "liudong-template-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            templateDirectory.withLockedValue { $0 = dir }
            atexit {
                templateDirectory.withLockedValue { if let d = $0 { try? FileManager.default.removeItem(atPath: d) } }
            }
            try await Self.migrate(.sqlite(path: dir + "/template.sqlite"), dir)
            return dir + "/template.sqlite"
        }
        sqliteFile = made
        return try await made.value
    }

    /// The template database's name on the server of `url`. Templates of earlier runs older than a day are dropped
    /// (a run's own outlives it: nothing in a test process runs at its exit to drop it).
    func postgres(_ url: String) async throws -> String {
        if let made = postgresNames[url] { return try await made.value }
        let made = Task { () throws -> String in
            let stamp = Int(AppClock.system.timeIntervalSince1970)
            let name =
                "liudong_tpl_\(stamp)_"
                + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8)
                .lowercased()
            for old in try await adminNames(url, "SELECT datname FROM pg_database WHERE datname LIKE 'liudong_tpl_%'") {
                let parts = old.split(separator: "_")
                if parts.count == 4, let made = Int(parts[2]), made < stamp - 86_400 {
                    try? await adminSQL(url, "DROP DATABASE IF EXISTS \(old)")
                }
            }
            try await adminSQL(url, "CREATE DATABASE \(name)")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liudong-tpl-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await Self.migrate(.postgres(url: replaceDatabase(in: url, with: name)), dir)
            return name
        }
        postgresNames[url] = made
        return try await made.value
    }

    private static func migrate(_ database: Settings.Database, _ dir: String) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try await configure(app, settings: testSettings(database, dir), features: Features.all)
            try await app.autoMigrate()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        // Shut down: no connection may stay open on a database PostgreSQL copies, and SQLite folds its log in.
        try await app.asyncShutdown()
    }
}

private let templateDirectory = NIOLockedValueBox<String?>(nil)

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

/// The first column of a query's rows on the server named by `url`.
private func adminNames(_ url: String, _ query: String) async throws -> [String] {
    struct Row: Decodable { var datname: String }
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    app.databases.use(try .postgres(url: url), as: .psql)
    do {
        let rows = try await (app.db as! SQLDatabase).raw(SQLQueryString(query)).all(decoding: Row.self)
        try await app.asyncShutdown()
        return rows.map(\.datname)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
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
