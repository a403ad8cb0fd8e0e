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
        var kind: String            // national | inflow
        var orgID: Int?             // the inflow organization (kind inflow)
        var quarter: Quarter
        var fileName: String
        var path: String
        var scopePath: String
        var scopeCode: String
        var phase: Phase = .checking
        var rowsRead = 0
        var summary: NationalImportService.Summary?
        var error: String?
        var started = Date()
    }

    private let box = NIOLockedValueBox<[UUID: Job]>([:])

    func add(_ job: Job) { box.withLockedValue { $0[job.id] = job } }
    func get(_ id: UUID) -> Job? { box.withLockedValue { $0[id] } }
    func update(_ id: UUID, _ change: (inout Job) -> Void) { box.withLockedValue { if var j = $0[id] { change(&j); $0[id] = j } } }
}

extension Application {
    private struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }
    var importJobs: ImportJobs {
        if let j = storage[ImportJobsKey.self] { return j }
        let j = ImportJobs()
        storage[ImportJobsKey.self] = j
        return j
    }
}
