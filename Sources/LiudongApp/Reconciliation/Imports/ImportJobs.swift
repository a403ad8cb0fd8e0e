import Foundation
import LiudongCore
import NIOConcurrencyHelpers
import Vapor

/// Uploaded imports in progress on this node: the dry run starts as soon as the file arrives, the page polls its
/// progress, then the uploader applies it. Files live under var/imports until applied or discarded.
final class ImportJobs: @unchecked Sendable {
    enum Phase: String, Sendable { case checking, checked, applying, applied, failed }

    struct Job: Sendable {
        var id: UUID
        var accountID: UUID
        var kind: ImportKind
        var orgID: Int?  // the inflow organization (kind inflow)
        /// Uploaded by a county or committee for an inflow organization without an account (代为上传).
        var proxy = false
        var quarter: Quarter
        var fileName: String
        var path: String
        var scopePath: String
        var scopeCode: String
        var phase: Phase = .checking
        var rowsRead = 0
        var summary: NationalImportService.Summary?
        var error: String?
        var started = AppClock.now
    }

    private let box = NIOLockedValueBox<[UUID: Job]>([:])

    /// Adds a job; jobs (and their uploaded files) older than a day are forgotten.
    func add(_ job: Job) {
        let stale = box.withLockedValue { jobs -> [Job] in
            let old = jobs.values.filter {
                AppClock.now.timeIntervalSince($0.started) > 86_400 && $0.phase != .checking && $0.phase != .applying
            }
            for j in old { jobs[j.id] = nil }
            jobs[job.id] = job
            return old
        }
        for j in stale { try? FileManager.default.removeItem(atPath: j.path) }
    }
    func get(_ id: UUID) -> Job? { box.withLockedValue { $0[id] } }
    func update(_ id: UUID, _ change: (inout Job) -> Void) {
        box.withLockedValue {
            if var j = $0[id] {
                change(&j)
                $0[id] = j
            }
        }
    }

    /// Moves a job from one phase to the next only if it is still in the first (true when this caller moved it).
    func begin(_ id: UUID, from: Phase, to: Phase) -> Bool {
        box.withLockedValue { jobs in
            guard var j = jobs[id], j.phase == from else { return false }
            j.phase = to
            j.rowsRead = 0
            j.started = AppClock.now
            jobs[id] = j
            return true
        }
    }

    /// Forgets a job and removes its file (the uploader abandoned it).
    func discard(_ id: UUID) {
        let path = box.withLockedValue { jobs -> String? in
            guard let j = jobs[id], j.phase != .checking, j.phase != .applying else { return nil }
            jobs[id] = nil
            return j.path
        }
        if let path { try? FileManager.default.removeItem(atPath: path) }
    }
}

extension Application {
    struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }
    var importJobs: ImportJobs {
        get { made(ImportJobsKey.self) }
        set { storage[ImportJobsKey.self] = newValue }
    }
}
