import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Fixed-window counters per key, in memory on each node (limits are per node behind a load balancer).
/// A lock, not an actor: it is taken twice per public request and never waits on anything.
final class RateLimiter: @unchecked Sendable {
    private struct State {
        var windows: [String: (start: Date, count: Int)] = [:]
        var lastSweep = Date()
    }
    private let state = NIOLockedValueBox(State())

    /// Counts one hit; returns the seconds to wait when `limit` hits in `window` are exceeded.
    func hit(_ key: String, limit: Int, window: TimeInterval, now: Date = Date()) -> Int? {
        state.withLockedValue { s in
            if now.timeIntervalSince(s.lastSweep) > 60 {
                s.windows = s.windows.filter { now.timeIntervalSince($0.value.start) < 3600 * 2 }
                s.lastSweep = now
            }
            var entry = s.windows[key] ?? (now, 0)
            if now.timeIntervalSince(entry.start) >= window { entry = (now, 0) }
            entry.count += 1
            s.windows[key] = entry
            guard entry.count > limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(entry.start)).rounded(.up)))
        }
    }
}

extension Application {
    private struct RateLimiterKey: StorageKey { typealias Value = RateLimiter }

    var rateLimiter: RateLimiter {
        if let r = storage[RateLimiterKey.self] { return r }
        let r = RateLimiter()
        storage[RateLimiterKey.self] = r
        return r
    }
}

/// Limits the public self-report endpoints per client address (generous: phones share carrier NAT addresses).
struct ClientRateLimit: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard req.method == .POST else { return try await next.respond(to: req) }
        let limit = req.settings.reportsPerClientPerMinute
        if let wait = req.application.rateLimiter.hit("client:\(req.clientAddress)", limit: limit, window: 60) {
            throw AppError.rateLimited(retryAfter: wait)
        }
        return try await next.respond(to: req)
    }
}
