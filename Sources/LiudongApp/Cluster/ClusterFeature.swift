import Fluent
import LiudongCore
import Vapor

/// What lets several app nodes serve behind one load balancer: account throttles counted in the database
/// (`Throttle`), one run at a time of the scheduled jobs (`JobLock`), private files in one store every node reads
/// (`FileStore`) and import jobs any node can show and run (`ImportJobStore`).
struct ClusterFeature: Feature {
    let name = "cluster"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(52, CreateThrottles()), NumberedMigration(53, CreateJobLocks()),
            NumberedMigration(54, CreateStoredFiles()),
        ]
    }

    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        var lines: [String] = []
        let n = try await Throttle.sweep(on: app.db)
        if n > 0 { lines.append("清除已结束的登录限流窗口\(n)个") }
        let adopted = try await app.files.adoptLegacy(app)
        if adopted > 0 { lines.append("私有文件：将本机 var/private 中的\(adopted)个文件移入文件库") }
        let files = try await app.files.sweep(app)
        if files.removed > 0 {
            lines.append("私有文件：删除无记录引用的文件\(files.removed)个（\(files.bytesRemoved / 1024) KB）")
        }
        return lines
    }
}
