import Fluent
import Foundation
import LiudongCore
import NIOConcurrencyHelpers
import Vapor

/// Runs import jobs on this node: the one a person just uploaded or applied here at once, and — on a serving node,
/// every two seconds — any job that needs a node and has none, or whose node stopped heartbeating for a minute
/// (`ImportJobRules`). While it runs a job it renews its hold and writes progress every few seconds; the apply marks
/// the job applied inside its own transaction, so a job is never half applied and never applied twice.
final class ImportWorker: @unchecked Sendable {
    /// This node, as the job table names it.
    let node: String
    private let running = NIOLockedValueBox(0)
    private let poller = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(node: String = "\(JobLock.thisProcess):\(UUID().uuidString.prefix(8))") { self.node = node }

    private let kicked = NIOLockedValueBox<[UUID: Task<Void, Never>]>([:])

    /// Looks for work now (after an upload or an apply on this node), in the background; shutting down waits for it.
    func kick(_ app: Application) {
        let key = UUID()
        kicked.withLockedValue { tasks in
            tasks[key] = Task {
                do { _ = try await self.runOne(app) } catch { app.logger.warning("import worker: \(error)") }
                _ = self.kicked.withLockedValue { $0.removeValue(forKey: key) }
            }
        }
    }

    /// Starts polling (a serving node); stopped by `stop`.
    func startPolling(_ app: Application, every seconds: Double = 2) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                do {
                    while try await self.runOne(app) {}
                } catch {
                    app.logger.warning("import worker: \(error)")
                }
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            }
        }
        poller.withLockedValue { $0 = task }
    }

    /// Stops polling and waits for the runs this node started (a job cut short is taken over by another node).
    func stop() async {
        let task = poller.withLockedValue { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        task?.cancel()
        await task?.value
        while let next = kicked.withLockedValue({ $0.values.first }) { await next.value }
    }

    /// Claims one job and runs it to its end; false when there was none to claim. At most two jobs at once per node
    /// (an import reads a whole file: more would starve the pages).
    @discardableResult
    func runOne(_ app: Application, now: Date = AppClock.now) async throws -> Bool {
        let admitted = running.withLockedValue { n -> Bool in
            guard n < 2 else { return false }
            n += 1
            return true
        }
        guard admitted else { return false }
        defer { running.withLockedValue { $0 -= 1 } }
        guard let job = try await ImportJobStore.claim(owner: node, now: now, cipher: app.cipher, on: app.db) else {
            return false
        }
        try await run(job, app: app)
        return true
    }

    private func run(_ job: ImportJob, app: Application) async throws {
        let apply = job.phase == .applying
        if case .fail(let reason) = ImportJobRules.takeover(phase: job.phase, attempts: job.attempts - 1) {
            try await ImportJobStore.finish(
                job.id, owner: node, phase: .failed, summary: nil, rowsRead: 0, error: reason, keepFile: false,
                on: app.db)
            try? await forgetFile(job.fileSHA256, app: app)
            return
        }
        let progress = NIOLockedValueBox(0)
        let owner = node
        let heart = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(ImportJobRules.heartbeat * 1_000_000_000))
                if Task.isCancelled { return }
                _ = try? await ImportJobStore.beat(
                    job.id, owner: owner, rowsRead: progress.withLockedValue { $0 }, now: AppClock.now, on: app.db)
            }
        }
        defer { heart.cancel() }
        let path = try PrivateFiles.directory(app, "imports") + "/\(job.id.uuidString)-\(node.suffix(8)).upload"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            guard let sha = job.fileSHA256 else { throw AppError.conflict("上传的文件已不在，请重新上传") }
            try await app.files.copy(sha, to: path, on: app.db)
            // Inside the apply's transaction: the job is applied, and audited, exactly when the data is (and only by
            // its owner), so the uploader's page never says 已导入 before the audit log does.
            let commit: @Sendable (Database, NationalImportService.Summary) async throws -> Void = { tx, summary in
                guard
                    try await ImportJobStore.finish(
                        job.id, owner: owner, phase: .applied,
                        summary: try ImportJobStore.seal(summary, cipher: app.cipher),
                        rowsRead: summary.rows, error: nil, keepFile: false, on: tx)
                else { throw AppError.conflict("这份文件已由另一个服务节点接手") }
                try await Audit.record(
                    .import, job.kind.auditObject, ref: job.quarter.description,
                    summary: (job.proxy ? "代为" : "")
                        + "导入\(job.kind.noun)“\(job.fileName)”（\(job.quarter.chinese)）：\(summary.rows)行，新增\(summary.new)，更新\(summary.updated)，未变\(summary.unchanged)，未导入\(summary.rejectedTotal)",
                    user: nil, username: job.username, client: "web", on: tx)
            }
            let summary = try await Self.execute(
                job, path: path, apply: apply, commit: commit, app: app,
                progress: { n in progress.withLockedValue { $0 = n } })
            if apply {
                try? await forgetFile(sha, app: app)
            } else {
                try await ImportJobStore.finish(
                    job.id, owner: owner, phase: .checked,
                    summary: try ImportJobStore.seal(summary, cipher: app.cipher),
                    rowsRead: summary.rows, error: nil, keepFile: true, on: app.db)
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
            // A failed file is not kept: the uploader fixes it and sends it again.
            if try await ImportJobStore.finish(
                job.id, owner: owner, phase: .failed, summary: nil, rowsRead: progress.withLockedValue { $0 },
                error: message, keepFile: false, on: app.db)
            {
                try? await forgetFile(job.fileSHA256, app: app)
            }
        }
    }

    /// The dry run or the apply of the national export, or an inflow organization's list.
    private static func execute(
        _ job: ImportJob, path: String, apply: Bool,
        commit: @escaping @Sendable (Database, NationalImportService.Summary) async throws -> Void,
        app: Application, progress: @escaping @Sendable (Int) -> Void
    ) async throws -> NationalImportService.Summary {
        if job.kind == .inflow {
            guard let orgID = job.orgID, let org = try await Organization.find(orgID, on: app.db) else {
                throw AppError.notFound
            }
            // A county or committee uploading for an inflow organization without an account (代为上传).
            return try await InflowLedgerService.upload(
                path: path, org: org, quarter: job.quarter,
                username: job.proxy ? "\(job.username)（代为上传）" : job.username, apply: apply,
                cipher: app.cipher, gate: app.writeGate, on: app.db, keepRejected: app.settings.rejectedRowsKept,
                commit: commit)
        }
        return try await NationalImportService.run(
            path: path, fileName: job.fileName, quarter: job.quarter, scopePath: job.scopePath,
            scopeCode: job.scopeCode, username: job.username, apply: apply, cipher: app.cipher, gate: app.writeGate,
            on: app.db, keepRejected: app.settings.rejectedRowsKept, progress: progress, commit: commit)
    }

    /// The job's file leaves the store once nothing refers to it.
    private func forgetFile(_ sha: String?, app: Application) async throws {
        guard let sha else { return }
        try await app.files.removeIfUnreferenced(sha, app)
    }
}

extension Application {
    struct ImportWorkerKey: StorageKey { typealias Value = ImportWorker }
    var importWorker: ImportWorker {
        get { made(ImportWorkerKey.self) }
        set { storage[ImportWorkerKey.self] = newValue }
    }
}

/// A serving node looks for import jobs that need one (its own uploads start at once without waiting for this).
struct ImportPolling: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        // Not under the tests (they run jobs themselves) nor in a one-off command (`liudong demo`, `migrate`…).
        guard app.environment != .testing, Self.serving(app.environment.arguments) else { return }
        app.importWorker.startPolling(app)
    }

    func shutdownAsync(_ app: Application) async { await app.importWorker.stop() }

    /// `liudong serve …`, or no command at all (serve is the default).
    static func serving(_ arguments: [String]) -> Bool {
        guard let command = arguments.dropFirst().first else { return true }
        return command == "serve" || command.hasPrefix("-")
    }
}
