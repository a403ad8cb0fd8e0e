import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Bulk inserts stay within each database's parameter limit")
struct RowsBatchTests {
    /// 10,000 rows of 8 values (80,000 parameters) gathered before one flush: above PostgreSQL's 65,535 and SQLite's
    /// 32,766, written whole.
    @Test(arguments: TestDatabase.all)
    func aFlushOfMoreValuesThanOneStatementMayCarryWritesEveryRow(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let sql = try app.db.sql()
            let columns = (1...8).map { "c\($0)" }
            try await sql.raw(
                "CREATE TABLE rows_batch (\(unsafeRaw: columns.map { "\($0) TEXT NOT NULL" }.joined(separator: ", ")))"
            ).run()
            var rows = Rows(table: "rows_batch", columns: columns)
            for i in 0..<10_000 { rows.add(columns.map { SQLBind("\($0)-\(i)") as any SQLExpression }) }
            try await rows.flush(sql)
            #expect(rows.pending.isEmpty)
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM rows_batch").first(decoding: CountResult.self)?.n
            #expect(n == 10_000)
            let last = try await sql.raw("SELECT c8 FROM rows_batch WHERE c1 = 'c1-9999'").first()?.decode(
                column: "c8", as: String.self)
            #expect(last == "c8-9999")
        }
    }
}
