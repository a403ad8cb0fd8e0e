import SQLKit

/// Rows gathered for one multi-row INSERT at a time.
struct Rows {
    let table: String
    let columns: [String]
    var pending: [[any SQLExpression]] = []

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    mutating func add(_ row: [any SQLExpression]) { pending.append(row) }

    mutating func flushIfFull(_ sql: SQLDatabase) async throws {
        if pending.count >= 300 { try await flush(sql) }
    }

    /// Values one statement may carry: below PostgreSQL's 65,535 parameters and SQLite's 32,766 variables.
    static let maxBinds = 30_000

    /// Writes what is pending, in as many statements as the parameter limit needs (a caller may have gathered any
    /// number of rows: one organization's attendance at a province's inflow office runs to tens of thousands).
    mutating func flush(_ sql: SQLDatabase) async throws {
        guard !pending.isEmpty else { return }
        let perStatement = max(1, Self.maxBinds / max(1, columns.count))
        var start = 0
        while start < pending.count {
            let end = min(start + perStatement, pending.count)
            let insert = sql.insert(into: table).columns(columns)
            for row in pending[start..<end] { insert.values(row) }
            try await insert.run()
            start = end
        }
        pending.removeAll(keepingCapacity: true)
    }
}
