import Fluent
import LiudongCore
import Vapor

/// The outbox and its sender: the table (migration 51), `liudong notify` (cron), the in-process sender
/// (`LIUDONG_NOTIFY_IN_PROCESS=1`, wired by `configure`), the provider's delivery reports.
struct NotifySendingFeature: Feature {
    let name = "notifySending"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(51, CreateOutbox())] }

    func routes(_ routes: FeatureRoutes) throws { SMSReportAPI().boot(routes) }

    var commands: [(name: String, command: any AsyncCommand)] { [("notify", NotifyCommand())] }

    var openAPI: String? { NotifyOpenAPI.part }
}
