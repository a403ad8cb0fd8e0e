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
            if plain { return try await lite.query(s.sql, binds).map { PointRow(storage: .lite($0)) } }
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
        case .lite(let r): return r.column(c)?.string?.uppercased()
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
    static func parseUUID(_ s: String) -> UUID? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        var high: UInt8?
        var count = 0
        for c in s.utf8 {
            count += 1
            if c == 45 {
                guard count == 9 || count == 14 || count == 19 || count == 24, high == nil else { return nil }
                continue
            }
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 65...70: v = c - 55
            case 97...102: v = c - 87
            default: return nil
            }
            if let h = high {
                guard bytes.count < 16 else { return nil }
                bytes.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        guard count == 36, bytes.count == 16, high == nil else { return nil }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
