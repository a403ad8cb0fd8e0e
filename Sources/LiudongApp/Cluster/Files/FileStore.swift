import Crypto
import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// A stored file: its content's SHA-256 (lower-case hex) and size in bytes.
struct StoredFile: Sendable, Equatable {
    var sha256: String
    var size: Int
}

/// The private files of every node, content addressed by SHA-256: written in chunks of 1 MiB (never a whole file in
/// memory), each chunk sealed with the data key and bound to its file and place, read back chunk by chunk. Several
/// rows may refer to one file; the daily sweep recounts the references (`FileReferences`) and removes what nothing
/// refers to a day after it was stored, with copies left by an interrupted upload.
struct FileStore: Sendable {
    enum Problem: Error { case cannotWrite, missing, damaged }

    static let chunkSize = 1 << 20
    let cipher: FieldCipher
    let blobs: any FileBlobs
    let kind: FileStoreKind

    init(kind: FileStoreKind, cipher: FieldCipher, pool: NIOThreadPool) {
        self.kind = kind
        self.cipher = cipher
        switch kind {
        case .database: blobs = DatabaseBlobs()
        case .directory(let root): blobs = DirectoryBlobs(root: root, pool: pool)
        }
    }

    /// A store over a given backend (tests watch what reaches it).
    init(kind: FileStoreKind, cipher: FieldCipher, blobs: any FileBlobs) {
        self.kind = kind
        self.cipher = cipher
        self.blobs = blobs
    }

    struct Copy: Decodable {
        var blob: String
        var size: Int64
        var chunks: Int
    }

    static func context(_ blob: String, _ seq: Int) -> String { "\(blob)/\(seq)" }

    /// Stores what `next` yields (pieces of any size, nil at the end). Equal content already stored is not kept twice.
    func put(on db: Database, now: Date = AppClock.now, reading next: () async throws -> Data?) async throws
        -> StoredFile
    {
        let blob = UUID().uuidString
        let sql = try db.sql()
        try await sql.raw(
            "INSERT INTO stored_files (blob, size, chunks, refs, created_at) VALUES (\(bind: blob), 0, 0, 0, \(bind: now))"
        ).run()
        var hasher = SHA256()
        var pending = Data()
        var seq = 0
        var size = 0
        func flush(_ chunk: Data) async throws {
            hasher.update(data: chunk)
            try await blobs.write(blob, seq: seq, try cipher.sealChunk(chunk, context: Self.context(blob, seq)), on: db)
            seq += 1
            size += chunk.count
        }
        do {
            while let piece = try await next() {
                pending.append(piece)
                while pending.count >= Self.chunkSize {
                    try await flush(pending.prefix(Self.chunkSize))
                    pending = Data(pending.dropFirst(Self.chunkSize))
                }
            }
            if !pending.isEmpty || seq == 0 { try await flush(pending) }
        } catch {
            try? await remove([blob], on: db)
            throw error
        }
        let sha = hasher.finalize().hex
        // Equal content stored before: keep that copy, drop this one.
        if try await copy(sha, on: db) != nil {
            try await remove([blob], on: db)
        } else {
            try await sql.raw(
                """
                UPDATE stored_files SET sha256 = \(bind: sha), size = \(bind: Int64(size)), chunks = \(bind: seq)
                WHERE blob = \(bind: blob)
                """
            ).run()
        }
        return StoredFile(sha256: sha, size: size)
    }

    /// Stores bytes already in memory (a photo from a form).
    func put(_ data: Data, on db: Database, now: Date = AppClock.now) async throws -> StoredFile {
        var offset = data.startIndex
        return try await put(on: db, now: now) {
            guard offset < data.endIndex else { return nil }
            let end = data.index(offset, offsetBy: Self.chunkSize, limitedBy: data.endIndex) ?? data.endIndex
            defer { offset = end }
            return data[offset..<end]
        }
    }

    /// Stores an uploaded body a chunk at a time, without copying it whole first.
    func put(_ buffer: ByteBuffer, on db: Database, now: Date = AppClock.now) async throws -> StoredFile {
        var rest = buffer
        return try await put(on: db, now: now) {
            guard rest.readableBytes > 0 else { return nil }
            return rest.readData(length: min(Self.chunkSize, rest.readableBytes))
        }
    }

    /// Stores a file on disk, read a chunk at a time.
    func put(path: String, on db: Database, now: Date = AppClock.now) async throws -> StoredFile {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Problem.missing }
        defer { try? handle.close() }
        return try await put(on: db, now: now) {
            let piece = try handle.read(upToCount: Self.chunkSize)
            return piece?.isEmpty == false ? piece : nil
        }
    }

    /// The stored copy of `sha` that reads use (the oldest), with its size and chunk count.
    func copy(_ sha: String, on db: Database) async throws -> Copy? {
        try await db.sql().raw(
            "SELECT blob, size, chunks FROM stored_files WHERE sha256 = \(bind: sha) ORDER BY created_at, blob LIMIT 1"
        ).first(decoding: Copy.self)
    }

    /// Whether a complete copy of `sha256` is stored.
    func exists(_ sha256: String, on db: Database) async throws -> Bool { try await copy(sha256, on: db) != nil }

    /// Hands the file's plaintext to `each`, a chunk at a time; returns its size. Throws `missing` when no copy is
    /// stored and `damaged` when a chunk is absent or does not open (a changed byte, the wrong key).
    @discardableResult
    func read(_ sha256: String, on db: Database, _ each: (Data) async throws -> Void) async throws -> Int {
        guard let c = try await copy(sha256, on: db) else { throw Problem.missing }
        var hasher = SHA256()
        for seq in 0..<max(0, c.chunks) {
            guard let sealed = try await blobs.read(c.blob, seq: seq, on: db),
                let plain = try? cipher.openChunk(sealed, context: Self.context(c.blob, seq))
            else { throw Problem.damaged }
            hasher.update(data: plain)
            try await each(plain)
        }
        guard hasher.finalize().hex == sha256 else { throw Problem.damaged }
        return Int(clamping: c.size)
    }

    /// Writes the file to `path` (a private temporary file a reader then parses).
    func copy(_ sha256: String, to path: String, on db: Database) async throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw Problem.cannotWrite }
        defer { try? handle.close() }
        try await read(sha256, on: db) { try handle.write(contentsOf: $0) }
    }

    /// Removes copies and their chunks.
    func remove(_ blobs: [String], on db: Database) async throws {
        guard !blobs.isEmpty else { return }
        try await self.blobs.delete(blobs, on: db)
        for part in stride(from: 0, to: blobs.count, by: 500) {
            let some = Array(blobs[part..<min(blobs.count, part + 500)])
            try await db.sql().raw("DELETE FROM stored_files WHERE blob IN \(SQLBind.group(some))").run()
        }
    }
}

extension Application {
    struct FileStoreKey: StorageKey { typealias Value = FileStore }
    /// The file store of `LIUDONG_FILE_STORE` (made in `configure`).
    var files: FileStore {
        get { made(FileStoreKey.self) }
        set { storage[FileStoreKey.self] = newValue }
    }
}
