import Fluent
import LiudongCore
import Vapor

/// Reconciliation's inputs: the national system's quarterly export (a job per upload, a dry run, then apply) and the
/// inflow side's lists; `liudong import`.
struct ImportsFeature: Feature {
    let name = "imports"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(55, CreateImportJobs())] }

    func routes(_ routes: FeatureRoutes) throws { try ImportPages().boot(routes) }

    /// An upload waiting to be checked or applied.
    var files: [FileReference] { [FileReference(table: "import_jobs", sha256Column: "file_sha256")] }

    /// Jobs a day old are forgotten with their files (uploads never applied, or abandoned).
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let gone = try await ImportJobs.forget(app)
        return gone > 0 ? ["数据导入：清除一天前的导入任务\(gone)个及其上传文件"] : []
    }

    var commands: [(name: String, command: any AsyncCommand)] { [("import", ImportCommand())] }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 65, permission: .actForInflowOrganization, link: { _ in ("/imports", "流入名单") }),
            NavEntry(
                order: 80, permission: .importNational,
                link: { user in
                    user.isInflowSide ? nil : ("/imports", "数据导入")
                }),
        ]
    }
}
