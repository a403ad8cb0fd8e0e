import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Multi-row inserts of plain values for the points ledger. On SQLite the statement is built once per batch and the
/// values bound directly (SQLKit's Codable binding costs more than the insert at a hundred thousand rows); other
/// databases go through SQLKit.
struct PointRows {
    enum Value: Sendable {
        case text(String), int(Int), bool(Bool), uuid(UUID)

        var sqlite: SQLiteData {
            switch self {
            case .text(let s): return .text(s)
            case .int(let i): return .integer(i)
            case .bool(let b): return .integer(b ? 1 : 0)
            case .uuid(let u): return .text(u.uuidString)
            }
        }

        var bind: SQLBind {
            switch self {
            case .text(let s): return SQLBind(s)
            case .int(let i): return SQLBind(i)
            case .bool(let b): return SQLBind(b)
            case .uuid(let u): return SQLBind(u)
            }
        }
    }

    let table: String
    let columns: [String]
    let db: Database
    private var pending: [[Value]] = []
    /// Rows per statement: SQLite allows 32,766 variables, PostgreSQL 65,535.
    private var batch: Int { max(1, 4_000 / max(1, columns.count)) }

    init(_ table: String, _ columns: [String], on db: Database) {
        self.table = table
        self.columns = columns
        self.db = db
    }

    mutating func add(_ row: [Value]) async throws {
        pending.append(row)
        if pending.count >= batch { try await flush() }
    }

    mutating func flush() async throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        if let lite = db as? SQLiteDatabase {
            let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let text =
                "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES "
                + Array(repeating: one, count: pending.count).joined(separator: ",")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(pending.count * columns.count)
            for r in pending { for v in r { binds.append(v.sqlite) } }
            _ = try await lite.query(text, binds)
            return
        }
        let insert = try db.sql().insert(into: table).columns(columns)
        for r in pending { insert.values(r.map(\.bind)) }
        try await insert.run()
    }
}
