import Foundation

/// Hands batches from a plain thread that reads a file synchronously to async code that writes them to the database.
/// The reader blocks while `capacity` batches wait, so memory stays flat however large the file; if the consumer
/// stops (an error), the reader's next `put` throws and reading ends.
final class BlockingChannel<T: Sendable>: @unchecked Sendable {
    struct Cancelled: Error {}

    private let lock = NSLock()
    private var buffer: [T] = []
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var waiter: CheckedContinuation<T?, Error>?
    private let space: DispatchSemaphore

    init(capacity: Int = 2) { space = DispatchSemaphore(value: capacity) }

    /// Runs `produce` on its own thread; whatever it throws reaches the consumer's `next()`.
    static func reading(capacity: Int = 2, _ produce: @escaping @Sendable (BlockingChannel<T>) throws -> Void)
        -> BlockingChannel<T>
    {
        let channel = BlockingChannel<T>(capacity: capacity)
        let thread = Thread {
            do {
                try produce(channel)
                channel.finish(nil)
            } catch { channel.finish(error) }
        }
        thread.stackSize = 1 << 22
        thread.start()
        return channel
    }

    func put(_ item: T) throws {
        space.wait()
        lock.lock()
        if cancelled {
            lock.unlock()
            throw Cancelled()
        }
        if let w = waiter {
            waiter = nil
            lock.unlock()
            space.signal()
            w.resume(returning: item)
        } else {
            buffer.append(item)
            lock.unlock()
        }
    }

    private func finish(_ error: Error?) {
        lock.lock()
        finished = true
        if !(error is Cancelled) { failure = error }
        let w = waiter
        waiter = nil
        lock.unlock()
        if let w {
            if let failure = error, !(failure is Cancelled) {
                w.resume(throwing: failure)
            } else {
                w.resume(returning: nil)
            }
        }
    }

    /// The next batch, or nil when the reader is done.
    func next() async throws -> T? {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T?, Error>) in
            lock.lock()
            if !buffer.isEmpty {
                let item = buffer.removeFirst()
                lock.unlock()
                space.signal()
                c.resume(returning: item)
            } else if finished {
                let f = failure
                lock.unlock()
                if let f { c.resume(throwing: f) } else { c.resume(returning: nil) }
            } else {
                waiter = c
                lock.unlock()
            }
        }
    }

    /// The consumer gives up: the reader stops at its next batch.
    func cancel() {
        lock.lock()
        cancelled = true
        buffer.removeAll()
        lock.unlock()
        for _ in 0..<4 { space.signal() }
    }
}
