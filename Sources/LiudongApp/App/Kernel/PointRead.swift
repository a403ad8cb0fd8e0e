import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Reads rows for the points ledger column by column. On SQLite the query runs on the connection directly and values
/// are taken as stored (Codable row decoding costs more than the query at a hundred thousand rows); other databases
/// go through SQLKit.
struct PointRow {
    private enum Storage {
        case lite(SQLiteRow)
        case sql(any SQLRow)
    }
    private let storage: Storage

    /// Appended to only by the one thread that steps the statement, then read after the query has returned.
    private final class Rows: @unchecked Sendable {
        var items: [PointRow] = []
    }

    static func all(_ query: SQLQueryString, on db: Database) async throws -> [PointRow] {
        let sql = try db.sql()
        if let lite = db as? SQLiteDatabase {
            var s = SQLSerializer(database: sql)
            query.serialize(to: &s)
            var binds: [SQLiteData] = []
            var plain = true
            for b in s.binds {
                switch b {
                case let v as String: binds.append(.text(v))
                case let v as Int: binds.append(.integer(v))
                case let v as Bool: binds.append(.integer(v ? 1 : 0))
                case let v as UUID: binds.append(.text(v.uuidString))
                case let v as Date: binds.append(.float(v.timeIntervalSince1970))
                default: plain = false
                }
            }
            if plain {
                // Rows are collected on SQLite's own thread: the futures-based reader hops to the event loop once
                // per row, which costs more than the query itself at a hundred thousand rows.
                let rows = Rows()
                let (text, values) = (s.sql, binds)
                try await lite.withConnection { connection in
                    try await connection.query(text, values) { rows.items.append(PointRow(storage: .lite($0))) }
                }
                return rows.items
            }
        }
        return try await sql.raw(query).all().map { PointRow(storage: .sql($0)) }
    }

    func string(_ c: String) -> String? {
        switch storage {
        case .lite(let r): return r.column(c)?.string
        case .sql(let r): return (try? r.decode(column: c, as: String?.self)) ?? nil
        }
    }

    /// A uuid column as text, upper case (as `UUID.uuidString` writes it), whichever database.
    func id(_ c: String) -> String? {
        switch storage {
        case .lite(let r):
            // Stored upper case by the app; other writers' lower case is folded.
            guard let s = r.column(c)?.string else { return nil }
            return s.utf8.contains(where: { $0 >= 97 && $0 <= 122 }) ? s.uppercased() : s
        case .sql(let r): return ((try? r.decode(column: c, as: UUID?.self)) ?? nil)?.uuidString
        }
    }

    func int(_ c: String) -> Int? {
        switch storage {
        case .lite(let r): return r.column(c)?.integer.map { Int($0) }
        case .sql(let r): return (try? r.decode(column: c, as: Int?.self)) ?? nil
        }
    }

    func bool(_ c: String) -> Bool {
        switch storage {
        case .lite(let r): return r.column(c)?.bool ?? false
        case .sql(let r): return (try? r.decode(column: c, as: Bool.self)) ?? false
        }
    }

    func uuid(_ c: String) -> UUID? {
        switch storage {
        case .lite(let r): return r.column(c)?.string.flatMap(Self.parseUUID)
        case .sql(let r): return (try? r.decode(column: c, as: UUID?.self)) ?? nil
        }
    }

    func date(_ c: String) -> Date? {
        switch storage {
        case .lite(let r): return r.column(c)?.double.map { Date(timeIntervalSince1970: $0) }
        case .sql(let r): return (try? r.decode(column: c, as: Date?.self)) ?? nil
        }
    }

    /// `8-4-4-4-12` hex digits, either case (Foundation's parser goes through sscanf).
    static func parseUUID(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { p -> UUID? in
            guard p.count == 36, p[8] == 45, p[13] == 45, p[18] == 45, p[23] == 45 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var i = 0
                var j = 0
                while i < 35 {
                    if i == 8 || i == 13 || i == 18 || i == 23 {
                        i += 1
                        continue
                    }
                    guard let high = hex(p[i]), let low = hex(p[i + 1]), j < 16 else { return false }
                    out[j] = high << 4 | low
                    i += 2
                    j += 1
                }
                return j == 16
            }
            return ok ? UUID(uuid: bytes) : nil
        }
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}
