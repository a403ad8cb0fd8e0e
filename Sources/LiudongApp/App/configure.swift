import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import LiudongCore
import SQLKit
import Vapor

/// Builds the application from its settings: databases, migrations, sessions, views, routes, commands.
public func configure(_ app: Application, settings: Settings) async throws {
    try await configure(app, settings: settings, features: Features.all)
}

/// The same, with the features to assemble (a test may add one of its own).
func configure(_ app: Application, settings: Settings, features: [any Feature]) async throws {
    try useClock(settings, app)
    app.settings = settings
    app.features = features
    app.cipher = try FieldCipher(masterKey: settings.dataKey)
    app.makeNodeServices()

    switch settings.database {
    case .sqlite(let path):
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        // A burst (hundreds of reports at once on two cores) queues for the one connection per event loop: let it
        // wait up to a minute rather than fail after AsyncKit's default 10 s.
        app.databases.use(
            .sqlite(
                .file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(60), sqlLogLevel: .debug),
            as: .sqlite)
        // Background counting (the roll-up) has its own connection per event loop: its seconds-long queries must not
        // hold the one that requests queue for.
        app.databases.use(
            .sqlite(
                .file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(60), sqlLogLevel: .debug),
            as: .background, isDefault: false)
        try await tuneSQLite(app, cacheMB: settings.sqliteCacheMB)
        try await tuneSQLite(app, id: .background, cacheMB: settings.sqliteCacheMB)
    case .postgres(let url):
        app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, sqlLogLevel: .debug), as: .psql)
        // Two: a scheduled job's advisory lock holds one connection for the whole run (`JobLock`) while its work
        // uses another (with one, the work waited for the lock's own connection until the pool timed out).
        app.databases.use(
            try .postgres(url: url, maxConnectionsPerEventLoop: 2, sqlLogLevel: .debug), as: .background,
            isDefault: false)
    }
    Features.registerMigrations(on: app)

    app.sessions.use { app in SkipUnchangedSessions(base: app.fluent.sessions.driver()) }
    app.sessions.configuration.cookieName = "liudong_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(
            // Max-Age, not Expires: the browser judges the cookie by its own clock, which `LIUDONG_TODAY` does not move.
            string: id.string, expires: nil, maxAge: 8 * 3600, path: "/",
            isSecure: settings.baseURL.hasPrefix("https://"), isHTTPOnly: true, sameSite: .lax)
    }

    app.views.use(.leaf)
    // Templates are read again on every render only in development (edit and reload); the tests render thousands of
    // pages from templates that do not change under them (re-reading them was a tenth of the suite's time).
    app.leaf.cache.isEnabled = app.environment.isRelease || app.environment == .testing
    app.routes.defaultMaxBodySize = "1mb"

    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(PageErrorMiddleware(environment: app.environment))
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(UserAuthenticator())
    app.middleware.use(MemberAuthenticator())
    app.middleware.use(CSRFMiddleware())
    _ = app.uploadSlots

    try Features.registerRoutes(on: app)
    Features.registerCommands(on: app)
    // Sending SMS: as many connections to the provider as requests in flight; in `serve` too when asked.
    app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(
        8, settings.notify.concurrency)
    if settings.notify.inProcess { app.lifecycle.use(InProcessSender()) }
    app.lifecycle.use(LegacyFileAdoption())
    app.lifecycle.use(ImportPolling())
    app.lifecycle.use(RollupPolling())
}

/// Moves the app's clock when `LIUDONG_TODAY` asks (refused in production unless `LIUDONG_ALLOW_FIXED_CLOCK=1`), and
/// says so in the log. A clock already moved to the same day is left running.
private func useClock(_ settings: Settings, _ app: Application) throws {
    guard let clock = settings.clock else { return }
    if app.environment == .production && !settings.allowFixedClock {
        throw Settings.Problem(
            description: "LIUDONG_TODAY=\(clock) is refused in production (set LIUDONG_ALLOW_FIXED_CLOCK=1 to allow it)"
        )
    }
    if AppClock.setting != clock { AppClock.set(clock) }
    app.logger.warning(
        "The clock is set by LIUDONG_TODAY=\(clock): today is \(AppClock.today) (system: \(AppClock.systemToday))")
}

/// WAL lets readers run beside the one writer; NORMAL sync in WAL keeps every commit durable against
/// application crashes and syncs at checkpoints. Applied on each event loop's pooled connection (one per loop).
private func tuneSQLite(_ app: Application, id: DatabaseID = .sqlite, cacheMB: Int) async throws {
    for loop in app.eventLoopGroup.makeIterator() {
        guard let db = app.databases.database(id, logger: app.logger, on: loop) as? SQLDatabase else { continue }
        try await db.raw("PRAGMA journal_mode = WAL").run()
        // Another process (a command run beside the server: import, sweep, export) may hold the write lock for a
        // moment: wait for it instead of failing at once.
        try await db.raw("PRAGMA busy_timeout = 10000").run()
        try await db.raw("PRAGMA synchronous = NORMAL").run()
        // Checkpoint less often than every 1,000 pages: fewer pauses under a burst of reports.
        try await db.raw("PRAGMA wal_autocheckpoint = 4000").run()
        // Reads at province scale: a bigger page cache per connection (LIUDONG_SQLITE_CACHE_MB, 64; SQLite's default is 2 MB).
        try await db.raw("PRAGMA cache_size = \(unsafeRaw: String(-cacheMB * 1024))").run()
        try await db.raw("PRAGMA temp_store = MEMORY").run()
        // Deleted and overwritten rows are zeroed, not left in free pages where a copy of the file would keep the
        // personal data a conversion migration or an erasure removed.
        try await db.raw("PRAGMA secure_delete = ON").run()
    }
}

/// Conservative headers on every response; pages load nothing from outside.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        res.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if res.headers.contentType == .html {
            res.headers.replaceOrAdd(
                name: "Content-Security-Policy",
                value:
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
            )
            res.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        }
        return res
    }
}

extension DatabaseID {
    /// The pool background counting uses (`Application.backgroundDB`), apart from the one requests use.
    static let background = DatabaseID(string: "background")
}

extension Application {
    /// The database for background counting: its own pool when configured, else the default.
    var backgroundDB: Database {
        databases.ids().contains(.background) ? db(.background) : db
    }
}
