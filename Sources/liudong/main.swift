import LiudongApp
import Logging
import Vapor

var env = try Environment.detect()
if Environment.get("LIUDONG_LOG_FORMAT") == "json" {
    let level = Logger.Level(rawValue: Environment.get("LOG_LEVEL") ?? "info") ?? .info
    LoggingSystem.bootstrap { label in
        var h = JSONLogHandler(label: label)
        h.logLevel = level
        return h
    }
} else {
    try LoggingSystem.bootstrap(from: &env)
}
let app = try await Application.make(env)
do {
    try await configure(app, settings: try Settings.fromEnvironment())
    try await app.execute()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
