import Fluent
import Foundation
import LiudongCore
import Vapor

/// Runs an upload's dry run or apply in the background (the national export, or an inflow organization's list —
/// also one a county uploads on its behalf); the job records progress and the outcome.
enum ImportRunner {
    /// Runs the dry run or the apply in the background; the job records progress and the outcome.
    static func start(_ job: ImportJobs.Job, apply: Bool, app: Application, username: String) {
        let jobs = app.importJobs
        Task {
            do {
                let summary: NationalImportService.Summary
                if job.kind == .inflow {
                    guard let orgID = job.orgID, let org = try await Organization.find(orgID, on: app.db) else {
                        throw AppError.notFound
                    }
                    // A county or committee uploading for an inflow organization without an account (代为上传).
                    summary = try await InflowLedgerService.upload(
                        path: job.path, org: org, quarter: job.quarter,
                        username: job.proxy ? "\(username)（代为上传）" : username, apply: apply,
                        cipher: app.cipher, gate: app.writeGate, on: app.db,
                        keepRejected: app.settings.rejectedRowsKept)
                } else {
                    summary = try await NationalImportService.run(
                        path: job.path, fileName: job.fileName, quarter: job.quarter, scopePath: job.scopePath,
                        scopeCode: job.scopeCode,
                        username: username, apply: apply, cipher: app.cipher, gate: app.writeGate, on: app.db,
                        keepRejected: app.settings.rejectedRowsKept,
                        progress: { n in jobs.update(job.id) { $0.rowsRead = n } })
                }
                jobs.update(job.id) {
                    $0.summary = summary
                    $0.phase = apply ? .applied : .checked
                    $0.rowsRead = summary.rows
                }
                if apply {
                    try? FileManager.default.removeItem(atPath: job.path)
                    try await Audit.record(
                        .import, job.kind.auditObject, ref: job.quarter.description,
                        summary: (job.proxy ? "代为" : "")
                            + "导入\(job.kind.noun)“\(job.fileName)”（\(job.quarter.chinese)）：\(summary.rows)行，新增\(summary.new)，更新\(summary.updated)，未变\(summary.unchanged)，未导入\(summary.rejectedTotal)",
                        user: nil, username: username, client: "web", on: app.db)
                }
            } catch {
                // The user reads a Chinese sentence; the Swift or database text goes to the log only.
                let message: String
                if let e = error as? AppError {
                    message = e.reason
                } else {
                    app.logger.report(error: error)
                    message = "导入失败，文件未导入（系统错误已记录，请稍后重试或联系管理员）"
                }
                jobs.update(job.id) {
                    $0.phase = .failed
                    $0.error = message
                }
                // A failed file is not kept: the uploader fixes it and sends it again.
                try? FileManager.default.removeItem(atPath: job.path)
            }
        }
    }

}
