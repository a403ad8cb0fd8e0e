import Fluent
import SQLKit
import Vapor

/// Group commit for self-reports: reports that arrive while a write is in progress are stored together in the
/// next transaction (multi-row inserts), so the database does one commit for many phones. If a batch fails,
/// its reports are retried one by one, so each report is still stored whole or refused on its own.
actor ReportWriter {
    /// The rows one report adds.
    struct Rows: Sendable {
        var report: [any Encodable & Sendable]
        var notice: [any Encodable & Sendable]
        var event: [any Encodable & Sendable]?
    }

    static let reportColumns = [
        "id", "receipt", "kind", "org_code", "review_org_id", "review_path", "home_org_id", "inflow_org_id",
        "member_id", "name", "id_number_enc", "id_number_hash", "id_masked", "phone_enc", "phone_masked",
        "destination_code", "address", "employer", "occupation", "reason", "left_on", "expected_return_on", "note",
        "status", "dedupe_key", "client_address", "created_at", "roster_name_differs",
    ]
    static let noticeColumns = ["org_id", "org_path", "kind", "title", "link", "created_at"]
    static let eventColumns = ["member_id", "at", "kind", "summary", "account_username"]
    /// Rows per statement: 28 columns × 300 stays under SQLite's 32,766 bound parameters.
    static let maxBatch = 300

    private struct Job {
        var rows: Rows
        var done: CheckedContinuation<Void, Error>
    }

    private var queue: [Job] = []
    private var draining = false
    private let database: @Sendable () -> Database
    private let gate: WriteGate

    init(gate: WriteGate, database: @escaping @Sendable () -> Database) {
        self.gate = gate
        self.database = database
    }

    func write(_ rows: Rows) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            queue.append(Job(rows: rows, done: done))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(Self.maxBatch))
            queue.removeFirst(batch.count)
            do {
                try await Self.insert(batch.map(\.rows), gate: gate, on: database())
                batch.forEach { $0.done.resume() }
            } catch {
                for job in batch {
                    do {
                        try await Self.insert([job.rows], gate: gate, on: database())
                        job.done.resume()
                    } catch {
                        job.done.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }

    private static func insert(_ rows: [Rows], gate: WriteGate, on db: Database) async throws {
        try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            var reports = sql.insert(into: "self_reports").columns(reportColumns)
            var notices = sql.insert(into: "notices").columns(noticeColumns)
            var events = sql.insert(into: "member_events").columns(eventColumns)
            var hasEvents = false
            for r in rows {
                reports = reports.values(r.report)
                notices = notices.values(r.notice)
                if let e = r.event {
                    events = events.values(e)
                    hasEvents = true
                }
            }
            try await reports.run()
            try await notices.run()
            if hasEvents { try await events.run() }
        }
    }
}

extension Application {
    struct ReportWriterKey: StorageKey { typealias Value = ReportWriter }

    var reportWriter: ReportWriter {
        get { made(ReportWriterKey.self) }
        set { storage[ReportWriterKey.self] = newValue }
    }
}
