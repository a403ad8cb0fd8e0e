import Crypto
import Fluent
import Foundation
import LiudongCore
import NIOConcurrencyHelpers
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 31 items 1–4: what lets two app nodes share one database — throttles counted in it, one run at a time of the
/// scheduled jobs, files every node reads, import jobs any node runs and takes over.
@Suite("Several nodes: throttles, job locks, the file store, import jobs")
struct ClusterTests {
    static func apiSignIn(_ app: Application, _ username: String, _ password: String) async throws
        -> TestingHTTPResponse
    {
        try await app.testing().sendRequest(
            .POST, "/api/v1/session", headers: ["Content-Type": "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
    }

    @Test(arguments: TestDatabase.all)
    func wrongPasswordsAlternatedBetweenTwoNodesMeetOneBudget(db: TestDatabase) async throws {
        try await withTestApp(db) { a in
            _ = try await Fixture.build(a)
            try await withSecondNode(of: a) { b in
                var statuses: [HTTPStatus] = []
                let began = AppClock.now
                for i in 0..<14 {
                    statuses.append(try await Self.apiSignIn(i % 2 == 0 ? a : b, "secretary", "wrong-\(i)").status)
                }
                // Ten a minute per username across both nodes (each alone would have allowed seven and never refused).
                let limit = a.settings.signInsPerUserPerMinute
                #expect(statuses.prefix(limit).allSatisfy { $0 == .unauthorized }, "\(statuses)")
                // The window is a minute from the first guess: on a machine so loaded that the fourteen took longer,
                // the last ones fall in a new window (seen once under the whole suite on both databases at once).
                let within = AppClock.now.timeIntervalSince(began) < 55
                #expect(statuses.dropFirst(limit).allSatisfy { $0 == .tooManyRequests || !within }, "\(statuses)")
                #expect(statuses[limit] == .tooManyRequests, "\(statuses)")
                // The account locked once, however many guesses arrived on each node.
                let locks = try await AuditEntry.query(on: a.db).filter(\.$username == "secretary").all()
                    .filter { $0.summary.contains("账号锁定\(a.settings.lockoutMinutes)分钟") }
                #expect(locks.count == 1)
            }
            // The window ends: the sweep forgets it.
            let later = AppClock.now.addingTimeInterval(61)
            #expect(try await Throttle.hit("user:secretary", limit: 10, window: 60, now: later, on: a.db) == nil)
            #expect(try await Throttle.sweep(now: later.addingTimeInterval(61), on: a.db) >= 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSecondRunOfAJobWaitsForTheFirstOnAnyNode(db: TestDatabase) async throws {
        try await withTestApp(db) { a in
            try await withSecondNode(of: a) { b in
                let refused = try await JobLock.run("sweep", holder: "node-a", on: a.db) {
                    do {
                        _ = try await JobLock.run("sweep", holder: "node-b", on: b.db) { true }
                        return ""
                    } catch let held as JobLock.Held {
                        return held.message
                    }
                }
                #expect(refused.hasPrefix("liudong sweep 已有一次运行尚未结束"), "\(refused)")
                // Released when the first run ends, and other jobs were never blocked.
                #expect(try await JobLock.run("sweep", holder: "node-b", on: b.db) { 1 } == 1)
                #expect(try await JobLock.run("notify", holder: "node-b", on: b.db) { 2 } == 2)
            }
            // SQLite's lock row: a run that died holds it until its lease ends, then the next run takes it.
            if case .sqlite = db {
                let long = AppClock.system.addingTimeInterval(-JobLock.lease - 1)
                try await JobLock.acquireRow("sweep", holder: "died", on: a.db)
                await #expect(throws: JobLock.Held.self) {
                    try await JobLock.acquireRow("sweep", holder: "x", on: a.db)
                }
                _ = try await (a.db as! SQLDatabase).raw("UPDATE job_locks SET until = \(bind: long)").run()
                try await JobLock.acquireRow("sweep", holder: "x", on: a.db)
                try await JobLock.releaseRow("sweep", holder: "x", on: a.db)
            }
        }
    }

    /// Remembers what reaches the backend, to show the store streams (a chunk at a time, never the whole file).
    final class WatchedBlobs: FileBlobs, @unchecked Sendable {
        let inner: any FileBlobs
        let box = NIOLockedValueBox((writes: 0, reads: 0, largest: 0))
        init(_ inner: any FileBlobs) { self.inner = inner }
        func write(_ blob: String, seq: Int, _ sealed: Data, on db: Database) async throws {
            box.withLockedValue {
                $0.writes += 1
                $0.largest = max($0.largest, sealed.count)
            }
            try await inner.write(blob, seq: seq, sealed, on: db)
        }
        func read(_ blob: String, seq: Int, on db: Database) async throws -> Data? {
            box.withLockedValue { $0.reads += 1 }
            return try await inner.read(blob, seq: seq, on: db)
        }
        func delete(_ blobs: [String], on db: Database) async throws { try await inner.delete(blobs, on: db) }
        func strays(known: Set<String>, before: Date) async throws -> [String] {
            try await inner.strays(known: known, before: before)
        }
    }

    static let megabytes = 100

    @Test(arguments: TestDatabase.all, [false, true])
    func aHundredMegabyteFileGoesInAndOutAChunkAtATime(db: TestDatabase, directory: Bool) async throws {
        try await withTestApp(db) { a in
            let kind: FileStoreKind = directory ? .directory(a.settings.varDirectory + "/files") : .database
            let plain = FileStore(kind: kind, cipher: a.cipher, pool: a.threadPool)
            let watched = WatchedBlobs(plain.blobs)
            let store = FileStore(kind: kind, cipher: a.cipher, blobs: watched)
            // A 100 MB stream, each megabyte different, handed over in pieces of 256 KB: when a piece is asked for,
            // every chunk before the one it completes has already gone to the backend — the store never holds more
            // than one chunk of the file (flat memory, whatever the file's size).
            let piece = FileStore.chunkSize / 4
            var expected = SHA256()
            var handed = 0
            var mostHeld = 0
            let stored = try await store.put(on: a.db) {
                guard handed < Self.megabytes * 4 else { return nil }
                let written = watched.box.withLockedValue { $0.writes }
                mostHeld = max(mostHeld, handed * piece - written * FileStore.chunkSize)
                var data = Data(repeating: UInt8(handed / 4 % 251), count: piece)
                data[7] = UInt8(handed & 0xff)
                expected.update(data: data)
                handed += 1
                return data
            }
            let sha = expected.finalize().hex
            #expect(stored == StoredFile(sha256: sha, size: Self.megabytes * FileStore.chunkSize))
            #expect(mostHeld < FileStore.chunkSize, "\(mostHeld) bytes held at once")
            // Every chunk went to the backend as it was read, sealed, no larger than a chunk and its seal.
            let w = watched.box.withLockedValue { $0 }
            #expect(w.writes == Self.megabytes && w.largest <= FileStore.chunkSize + 28)
            // Read back a chunk at a time: each handed over before the next is fetched.
            var got = SHA256()
            var chunks = 0
            try await store.read(sha, on: a.db) { data in
                #expect(data.count <= FileStore.chunkSize)
                #expect(watched.box.withLockedValue { $0.reads } == chunks + 1)
                chunks += 1
                got.update(data: data)
            }
            #expect(got.finalize().hex == sha && chunks == Self.megabytes)
            // Equal content (here read from a file on disk) is kept once; the other node reads it (the same database
            // or the same directory).
            let path = a.settings.varDirectory + "/big.bin"
            FileManager.default.createFile(atPath: path, contents: nil)
            let out = try #require(FileHandle(forWritingAtPath: path))
            try await store.read(sha, on: a.db) { try out.write(contentsOf: $0) }
            try out.close()
            #expect(try await store.put(path: path, on: a.db) == stored)
            let copies = try await (a.db as! SQLDatabase).raw("SELECT count(*) AS n FROM stored_files").first()?
                .decode(column: "n", as: Int.self)
            #expect(copies == 1)
            try await withSecondNode(of: a) { b in
                let other = FileStore(kind: kind, cipher: b.cipher, pool: b.threadPool)
                var again = SHA256()
                let size = try await other.read(sha, on: b.db) { again.update(data: $0) }
                #expect(size == stored.size)
                #expect(again.finalize().hex == sha)
            }
            // At rest the bytes are sealed: no chunk holds the plaintext, and a changed byte is caught.
            if !directory {
                let row = try #require(
                    try await (a.db as! SQLDatabase).raw("SELECT data FROM stored_file_chunks WHERE seq = 3").first())
                var sealed = try row.decode(column: "data", as: Data.self)
                #expect(sealed.range(of: Data(repeating: 3, count: 64)) == nil)
                sealed[40] ^= 1
                _ = try await (a.db as! SQLDatabase).raw(
                    "UPDATE stored_file_chunks SET data = \(bind: sealed) WHERE seq = 3"
                ).run()
                await #expect(throws: FileStore.Problem.damaged) { try await store.read(sha, on: a.db) { _ in } }
            }
            try await store.remove(
                try await (a.db as! SQLDatabase).raw("SELECT blob FROM stored_files").all()
                    .map { try $0.decode(column: "blob", as: String.self) }, on: a.db)
            #expect(try await !store.exists(sha, on: a.db))
        }
    }
}
