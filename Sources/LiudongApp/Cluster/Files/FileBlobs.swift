import Fluent
import Foundation
import NIOPosix
import SQLKit

/// Where the sealed chunks of stored files are kept: `LIUDONG_FILE_STORE=db` (the default: in the database, so a
/// cluster needs nothing but PostgreSQL) or `dir` (`LIUDONG_FILE_DIR`: one node, or a mount every node shares).
public enum FileStoreKind: Sendable, Equatable {
    case database
    case directory(String)

    public var name: String {
        if case .directory = self { return "dir" }
        return "db"
    }
}

/// The chunks of one backend. A chunk is already sealed when it gets here.
protocol FileBlobs: Sendable {
    func write(_ blob: String, seq: Int, _ sealed: Data, on db: Database) async throws
    func read(_ blob: String, seq: Int, on db: Database) async throws -> Data?
    func delete(_ blobs: [String], on db: Database) async throws
    /// Blobs this backend holds that `known` does not name and that are older than `before` (a crash mid-upload).
    func strays(known: Set<String>, before: Date) async throws -> [String]
}

/// Chunks as rows of `stored_file_chunks` (PostgreSQL `bytea`, SQLite blob).
struct DatabaseBlobs: FileBlobs {
    func write(_ blob: String, seq: Int, _ sealed: Data, on db: Database) async throws {
        try await db.sql().raw(
            "INSERT INTO stored_file_chunks (blob, seq, data) VALUES (\(bind: blob), \(bind: seq), \(bind: sealed))"
        ).run()
    }

    func read(_ blob: String, seq: Int, on db: Database) async throws -> Data? {
        try await db.sql().raw(
            "SELECT data FROM stored_file_chunks WHERE blob = \(bind: blob) AND seq = \(bind: seq)"
        ).first(decoding: ChunkRow.self)?.data
    }

    func delete(_ blobs: [String], on db: Database) async throws {
        for part in stride(from: 0, to: blobs.count, by: 500) {
            let some = blobs[part..<min(blobs.count, part + 500)]
            try await db.sql().raw(
                "DELETE FROM stored_file_chunks WHERE blob IN \(SQLBind.group(Array(some)))"
            ).run()
        }
    }

    /// Chunks always belong to a row of `stored_files` (it is written first): strays are swept through it.
    func strays(known: Set<String>, before: Date) async throws -> [String] { [] }
}

/// Chunks as files: `<root>/<first two characters>/<blob>/<seq>`, each 0600 under 0700 directories, written to a
/// temporary name and renamed, so a reader never sees half a chunk.
struct DirectoryBlobs: FileBlobs {
    let root: String
    let pool: NIOThreadPool

    private func folder(_ blob: String) -> String { "\(root)/\(blob.prefix(2))/\(blob)" }

    func write(_ blob: String, seq: Int, _ sealed: Data, on db: Database) async throws {
        let dir = folder(blob)
        try await pool.runIfActive {
            let fm = FileManager.default
            try fm.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temp = "\(dir)/.\(seq).part"
            guard fm.createFile(atPath: temp, contents: sealed, attributes: [.posixPermissions: 0o600]) else {
                throw FileStore.Problem.cannotWrite
            }
            if rename(temp, "\(dir)/\(seq)") != 0 { throw FileStore.Problem.cannotWrite }
        }
    }

    func read(_ blob: String, seq: Int, on db: Database) async throws -> Data? {
        let path = "\(folder(blob))/\(seq)"
        return try await pool.runIfActive { FileManager.default.contents(atPath: path) }
    }

    func delete(_ blobs: [String], on db: Database) async throws {
        let dirs = blobs.map(folder)
        try await pool.runIfActive {
            for d in dirs { try? FileManager.default.removeItem(atPath: d) }
        }
    }

    func strays(known: Set<String>, before: Date) async throws -> [String] {
        let root = self.root
        return try await pool.runIfActive {
            let fm = FileManager.default
            var found: [String] = []
            for prefix in (try? fm.contentsOfDirectory(atPath: root)) ?? [] {
                for blob in (try? fm.contentsOfDirectory(atPath: "\(root)/\(prefix)")) ?? [] where !known.contains(blob)
                {
                    let attributes = try? fm.attributesOfItem(atPath: "\(root)/\(prefix)/\(blob)")
                    if let modified = attributes?[.modificationDate] as? Date, modified < before { found.append(blob) }
                }
            }
            return found
        }
    }
}

private struct ChunkRow: Decodable { var data: Data }
