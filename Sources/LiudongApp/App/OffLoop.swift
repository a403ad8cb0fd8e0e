import NIOConcurrencyHelpers
import NIOPosix

/// Blocking work a request needs — parsing an uploaded file (up to 128 MB of inflated XML), hashing a password — runs
/// on NIO's blocking thread pool, never on the task of the request: the machine has two cores, and a parse holding a
/// thread of Swift's cooperative pool holds half of every user's requests.
enum OffLoop {
    private static let runs = NIOLockedValueBox<[String: Int]>([:])

    /// Runs `body` on the blocking thread pool and returns what it returns (or throws what it throws).
    static func run<T: Sendable>(_ label: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive {
            runs.withLockedValue { $0[label, default: 0] += 1 }
            return try body()
        }
    }

    /// How many times work under `label` ran on the pool (for tests: an importer that parses on the request's own
    /// task leaves it unchanged).
    static func count(_ label: String) -> Int { runs.withLockedValue { $0[label] ?? 0 } }
}
