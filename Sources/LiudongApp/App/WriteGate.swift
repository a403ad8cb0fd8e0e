import Fluent
import SQLKit
import Vapor

/// SQLite allows one writer at a time and answers BUSY to a second transaction that wants to write
/// after reading; serializing write transactions in-process avoids that. PostgreSQL needs no gate.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

extension Application {
    struct WriteGateKey: StorageKey { typealias Value = WriteGate }

    var writeGate: WriteGate {
        get { made(WriteGateKey.self) }
        set { storage[WriteGateKey.self] = newValue }
    }
}

extension Database {
    /// A write transaction: all or nothing, and one at a time on SQLite.
    func writeTransaction<T: Sendable>(gate: WriteGate, _ body: @escaping @Sendable (Database) async throws -> T)
        async throws -> T
    {
        guard (self as? SQLDatabase)?.dialect.name == "sqlite" else { return try await transaction(body) }
        await gate.acquire()
        do {
            let result = try await transaction(body)
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }
}
