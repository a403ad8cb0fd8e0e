import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// A column that refers to stored files by SHA-256, declared by the feature that owns the table (`Feature.files`).
struct FileReference: Sendable {
    var table: String
    var sha256Column: String
    /// Where such files lived before the store (`var/private/<directory>/<name>.<extension>`): named by the row's
    /// `id` or by the SHA-256 itself, the extension from `typeColumn` (a `ScanKind`). Adopted into the store at start.
    var legacyDirectory: String?
    var legacyNamedBySHA = false
    var typeColumn: String?
}

extension FileStore {
    /// The references of every feature, counted per SHA-256.
    static func referenceCounts(_ app: Application) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for r in app.features.flatMap(\.files) {
            let rows = try await app.db.sql().raw(
                """
                SELECT \(ident: r.sha256Column) AS sha, count(*) AS n FROM \(ident: r.table)
                WHERE \(ident: r.sha256Column) IS NOT NULL GROUP BY \(ident: r.sha256Column)
                """
            ).all(decoding: ShaCountRow.self)
            for row in rows { counts[row.sha, default: 0] += row.n }
        }
        return counts
    }

    struct SweepResult: Equatable {
        var recounted = 0
        var removed = 0
        var bytesRemoved: Int64 = 0
    }

    /// Recounts every stored file's references and removes, once a day old, the copies nothing refers to, copies
    /// an interrupted upload left, and second copies of equal content.
    func sweep(_ app: Application, now: Date = AppClock.now) async throws -> SweepResult {
        let db = app.db
        let counts = try await Self.referenceCounts(app)
        let rows = try await db.sql().raw(
            "SELECT blob, sha256, size, refs, created_at FROM stored_files ORDER BY created_at, blob"
        ).all(decoding: StoredCopyRow.self)
        let dayAgo = now.addingTimeInterval(-86_400)
        var result = SweepResult()
        var seen = Set<String>()
        var doomed: [String] = []
        for r in rows {
            guard let sha = r.sha256 else {
                if r.created_at < dayAgo {
                    doomed.append(r.blob)
                    result.bytesRemoved += r.size
                }
                continue
            }
            let refs = counts[sha] ?? 0
            if !seen.insert(sha).inserted || (refs == 0 && r.created_at < dayAgo) {
                doomed.append(r.blob)
                result.bytesRemoved += r.size
                continue
            }
            if refs != r.refs {
                try await db.sql().raw("UPDATE stored_files SET refs = \(bind: refs) WHERE blob = \(bind: r.blob)")
                    .run()
                result.recounted += 1
            }
        }
        let strays = try await blobs.strays(
            known: Set(rows.map(\.blob)), before: AppClock.system.addingTimeInterval(-86_400))
        try await blobs.delete(strays, on: db)
        try await remove(doomed, on: db)
        result.removed = doomed.count + strays.count
        return result
    }

    /// Moves files kept under `var/private` before the store (one node's disk) into the store, for every row that
    /// refers to one; each is checked against the row's SHA-256 first, then removed from the disk. Returns how many.
    func adoptLegacy(_ app: Application) async throws -> Int {
        var moved = 0
        for r in app.features.flatMap(\.files) {
            guard let dir = r.legacyDirectory else { continue }
            let path = app.settings.varDirectory + "/private/" + dir
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path), !names.isEmpty else {
                continue
            }
            let idColumn: SQLQueryString = r.legacyNamedBySHA ? "NULL" : "CAST(id AS TEXT)"
            let kindColumn: SQLQueryString = r.typeColumn.map { "\(ident: $0)" } ?? "NULL"
            let rows = try await app.db.sql().raw(
                """
                SELECT \(idColumn) AS id, \(ident: r.sha256Column) AS sha, \(kindColumn) AS kind FROM \(ident: r.table)
                WHERE \(ident: r.sha256Column) IS NOT NULL
                """
            ).all(decoding: LegacyFileRow.self)
            for row in rows {
                guard let ext = row.kind.flatMap(ScanKind.init(rawValue:))?.fileExtension else { continue }
                let base = r.legacyNamedBySHA ? row.sha : (row.id ?? "").uppercased()
                let file = "\(path)/\(base).\(ext)"
                guard FileManager.default.fileExists(atPath: file) else { continue }
                if try await !exists(row.sha, on: app.db) {
                    let stored = try await put(path: file, on: app.db)
                    guard stored.sha256 == row.sha else {
                        app.logger.warning(
                            "legacy file \(dir)/\(base).\(ext) does not match its SHA-256: left in place")
                        continue
                    }
                }
                try? FileManager.default.removeItem(atPath: file)
                moved += 1
            }
        }
        return moved
    }
}

/// At start: files an older version kept on this node's disk move into the store (logged; retried at the next
/// start and by the daily sweep if the database was not ready).
struct LegacyFileAdoption: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        do {
            let n = try await app.files.adoptLegacy(app)
            if n > 0 { app.logger.notice("file store: moved \(n) files from var/private into the store") }
        } catch {
            app.logger.warning(
                "file store: files under var/private not moved yet (\(error)); the next start or sweep will")
        }
    }
}

extension FileStore {
    /// Removes every copy of `sha256` when no row of any feature refers to it (a finished import's upload, at once
    /// rather than a day later: it holds a whole roster).
    func removeIfUnreferenced(_ sha256: String, _ app: Application) async throws {
        for r in app.features.flatMap(\.files) {
            let n =
                try await app.db.sql().raw(
                    "SELECT count(*) AS n FROM \(ident: r.table) WHERE \(ident: r.sha256Column) = \(bind: sha256)"
                ).first(decoding: FileCountRow.self)?.n ?? 0
            if n > 0 { return }
        }
        let copies = try await app.db.sql().raw("SELECT blob FROM stored_files WHERE sha256 = \(bind: sha256)")
            .all(decoding: BlobRow.self).map(\.blob)
        try await remove(copies, on: app.db)
    }
}

private struct ShaCountRow: Decodable {
    var sha: String
    var n: Int
}

private struct StoredCopyRow: Decodable {
    var blob: String
    var sha256: String?
    var size: Int64
    var refs: Int
    var created_at: Date
}

private struct LegacyFileRow: Decodable {
    var id: String?
    var sha: String
    var kind: String?
}

private struct FileCountRow: Decodable { var n: Int }

private struct BlobRow: Decodable { var blob: String }
