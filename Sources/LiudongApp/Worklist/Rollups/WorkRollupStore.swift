import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The rows of the minutely roll-up: `work_rollups` holds, per organization and kind, the sum over the organization's
/// subtree (only non-zero ones); `work_rollup_runs` when and for which day it was counted.
enum WorkRollupStore {
    static let runName = "worklist"
    static let figuresRunName = "figures"

    struct Run: Decodable, Sendable {
        var computed_at: Date
        var day: String
        var kinds: String
    }

    struct Row: Decodable, Sendable {
        var org_id: Int
        var kind: String
        var n: Int
        var late: Int
    }

    struct Key: Hashable, Sendable {
        var org: Int
        var kind: String
    }

    static func lastRun(_ name: String = runName, on sql: SQLDatabase) async throws -> Run? {
        try await sql.raw(
            "SELECT computed_at, day, kinds FROM work_rollup_runs WHERE name = \(bind: name)"
        ).first(decoding: Run.self)
    }

    /// Records a run of `name` now (the figures' runs; the counts' runs are recorded by `save`).
    static func markRun(_ name: String, day: CalendarDate, gate: WriteGate, on db: Database) async throws {
        try await db.writeTransaction(gate: gate) { tx in
            try await tx.sql().insert(into: "work_rollup_runs").columns("name", "computed_at", "day", "kinds")
                .values(SQLBind(name), SQLBind(AppClock.now), SQLBind(day.description), SQLBind(""))
                .onConflict(with: ["name"]) {
                    $0.set(excludedValueOf: "computed_at").set(excludedValueOf: "day")
                }.run()
        }
    }

    /// The scope's row and its children's, every kind.
    static func rows(scope: Int, on sql: SQLDatabase) async throws -> (own: [Row], children: [Row]) {
        let own = try await sql.raw(
            "SELECT org_id, kind, n, late FROM work_rollups WHERE org_id = \(bind: scope)"
        ).all(decoding: Row.self)
        // One row per child with its kinds packed ("kind:n:late,…"): a province's 200 children hold some 8,000
        // rows, and decoding each as a row took 30 ms of its home page.
        let packed = try await sql.raw(
            """
            SELECT r.org_id, string_agg(r.kind || ':' || r.n || ':' || r.late, ',') AS packed
            FROM organizations o JOIN work_rollups r ON r.org_id = o.id
            WHERE o.parent_id = \(bind: scope) GROUP BY r.org_id
            """
        ).all(decoding: PackedRow.self)
        return (own, packed.flatMap(\.rows))
    }

    /// A child's rows as one string (kinds are identifiers: no ':' or ',').
    struct PackedRow: Decodable {
        var org_id: Int
        var packed: String

        var rows: [Row] {
            packed.split(separator: ",").compactMap { entry in
                let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 3, let n = Int(parts[1]), let late = Int(parts[2]) else { return nil }
                return Row(org_id: org_id, kind: String(parts[0]), n: n, late: late)
            }
        }
    }

    static func all(on sql: SQLDatabase) async throws -> [Key: Row] {
        let rows = try await sql.raw("SELECT org_id, kind, n, late FROM work_rollups").all(decoding: Row.self)
        return Dictionary(rows.map { (Key(org: $0.org_id, kind: $0.kind), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Writes what changed since `old` (in one transaction with the run's time): rows gone are deleted, new and
    /// changed ones upserted, in batches well under either database's limit of bound parameters.
    static func save(
        _ new: [Key: Row], replacing old: [Key: Row], kinds: [String], day: CalendarDate, at: Date,
        gate: WriteGate, on db: Database
    ) async throws -> (written: Int, deleted: Int) {
        let gone = old.keys.filter { new[$0] == nil }
        let changed = new.filter { key, row in
            guard let was = old[key] else { return true }
            return was.n != row.n || was.late != row.late
        }.map(\.value)
        let kindList = kinds.sorted().joined(separator: ",")
        try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            for chunk in Array(gone).chunked(400) {
                for kind in Set(chunk.map(\.kind)) {
                    let ids = chunk.filter { $0.kind == kind }.map(\.org)
                    try await sql.delete(from: "work_rollups").where("kind", .equal, kind).where("org_id", .in, ids)
                        .run()
                }
            }
            for chunk in changed.chunked(400) {
                var insert = sql.insert(into: "work_rollups").columns("org_id", "kind", "n", "late")
                for r in chunk {
                    insert = insert.values(SQLBind(r.org_id), SQLBind(r.kind), SQLBind(r.n), SQLBind(r.late))
                }
                try await insert.onConflict(with: ["org_id", "kind"]) {
                    $0.set(excludedValueOf: "n").set(excludedValueOf: "late")
                }.run()
            }
            try await sql.insert(into: "work_rollup_runs").columns("name", "computed_at", "day", "kinds")
                .values(SQLBind(runName), SQLBind(at), SQLBind(day.description), SQLBind(kindList))
                .onConflict(with: ["name"]) {
                    $0.set(excludedValueOf: "computed_at").set(excludedValueOf: "day").set(excludedValueOf: "kinds")
                }.run()
        }
        return (changed.count, gone.count)
    }
}

struct OrgIDPath: Decodable, Sendable {
    var id: Int
    var path: String
}

extension WorkRollupStore {
    struct Figure: Decodable, Sendable {
        var day: String
        var computed_at: Date
        var body: String
    }

    static func figure(_ name: String, scope: Int, on sql: SQLDatabase) async throws -> Figure? {
        try await sql.raw(
            "SELECT day, computed_at, body FROM figure_cache WHERE name = \(bind: name) AND scope_id = \(bind: scope)"
        ).first(decoding: Figure.self)
    }

    static func saveFigure(
        _ name: String, scope: Int, day: CalendarDate, body: String, gate: WriteGate, on db: Database
    ) async throws {
        try await db.writeTransaction(gate: gate) { tx in
            try await tx.sql().insert(into: "figure_cache").columns("name", "scope_id", "day", "computed_at", "body")
                .values(SQLBind(name), SQLBind(scope), SQLBind(day.description), SQLBind(AppClock.now), SQLBind(body))
                .onConflict(with: ["name", "scope_id"]) {
                    $0.set(excludedValueOf: "day").set(excludedValueOf: "computed_at").set(excludedValueOf: "body")
                }.run()
        }
    }
}
