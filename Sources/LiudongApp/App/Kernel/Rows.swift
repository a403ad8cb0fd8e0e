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

    mutating func flush(_ sql: SQLDatabase) async throws {
        guard !pending.isEmpty else { return }
        let insert = sql.insert(into: table).columns(columns)
        for row in pending { insert.values(row) }
        try await insert.run()
        pending.removeAll(keepingCapacity: true)
    }
}
