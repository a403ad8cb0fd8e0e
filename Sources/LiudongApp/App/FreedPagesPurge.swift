import Fluent
import Foundation
import SQLKit

/// After a migration that rewrote personal data in place, the old bytes survive where the database keeps freed
/// space: SQLite's free pages and write-ahead log, PostgreSQL's dead tuples. This rewrites the named tables so the
/// old values are gone from the live database files (backups taken before still hold them: README "Old backups").
/// SQLite connections already run with `secure_delete` on (configure), which zeroes pages freed from then on.
enum FreedPages {
    static func purge(tables: [String], on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            // VACUUM FULL writes each table anew and drops the old files (it cannot run in a transaction).
            for table in tables {
                try await sql.raw("VACUUM FULL \(ident: table)").run()
            }
        } else {
            try await sql.raw("VACUUM").run()
            try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        }
    }
}
