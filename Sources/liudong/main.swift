import LiudongApp
import Logging
import Vapor

var env = try Environment.detect()
if Environment.get("LIUDONG_LOG_FORMAT") == "json" {
    let level = Logger.Level(rawValue: Environment.get("LOG_LEVEL") ?? "info") ?? .info
    LoggingSystem.bootstrap { label in
        var h = JSONLogHandler(label: label)
        h.logLevel = level
        return TrimmedLogHandler(h)
    }
} else {
    // Vapor's console handler, each message cut to a readable length (a failed bulk statement carries megabytes).
    try LoggingSystem.bootstrap(from: &env) { level in
        let console = Terminal()
        return { label in TrimmedLogHandler(ConsoleLogger(label: label, console: console, level: level)) }
    }
}
let app = try await Application.make(env)
do {
    try await configure(app, settings: try Settings.fromEnvironment())
} catch {
    app.logger.critical("\(error)")
    try? await app.asyncShutdown()
    exit(1)
}
do {
    try await app.execute()
} catch {
    // Vapor has already reported it; exit non-zero without a crash backtrace.
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
