import Foundation
import LiudongCore
import NIOConcurrencyHelpers
import Vapor

/// Fixed-window counters per key, in memory on each node: the load-shedding limits of the public pages (self-report
/// posts and page views per client address, a person's accepted reports per hour), which are per node behind a load
/// balancer by design. Limits that protect accounts are counted in the database (`Throttle`).
/// A lock, not an actor: it is taken twice per public request and never waits on anything.
final class RateLimiter: @unchecked Sendable {
    fileprivate struct State {
        var windows: [String: (start: Date, count: Int)] = [:]
        var lastSweep = AppClock.now
    }
    fileprivate let state = NIOLockedValueBox(State())

    /// Counts one hit; returns the seconds to wait when `limit` hits in `window` are exceeded.
    func hit(_ key: String, limit: Int, window: TimeInterval, now: Date = AppClock.now) -> Int? {
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

extension RateLimiter {
    /// Seconds to wait when `key` already has `limit` counted hits in the window; counts nothing.
    func wait(_ key: String, limit: Int, window: TimeInterval, now: Date = AppClock.now) -> Int? {
        state.withLockedValue { s in
            guard let entry = s.windows[key], now.timeIntervalSince(entry.start) < window, entry.count >= limit else {
                return nil
            }
            return max(1, Int((window - now.timeIntervalSince(entry.start)).rounded(.up)))
        }
    }

    /// Counts one hit for `key` (after the thing it limits was accepted).
    func count(_ key: String, window: TimeInterval, now: Date = AppClock.now) {
        state.withLockedValue { s in
            var entry = s.windows[key] ?? (now, 0)
            if now.timeIntervalSince(entry.start) >= window { entry = (now, 0) }
            entry.count += 1
            s.windows[key] = entry
        }
    }
}

extension Application {
    struct RateLimiterKey: StorageKey { typealias Value = RateLimiter }

    /// Public self-report and phone-page limits. Created in `configure`, before any request can race to create it.
    var rateLimiter: RateLimiter {
        get { made(RateLimiterKey.self) }
        set { storage[RateLimiterKey.self] = newValue }
    }
}

/// Limits the public self-report endpoints per client address (generous: phones share carrier NAT addresses).
/// Page views and status checks (GET) have their own, larger allowance.
struct ClientRateLimit: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let isPost = req.method == .POST
        let limit = isPost ? req.settings.reportsPerClientPerMinute : req.settings.publicViewsPerClientPerMinute
        if let wait = req.application.rateLimiter.hit(
            "\(isPost ? "client" : "view"):\(req.clientAddress)", limit: limit, window: 60)
        {
            throw AppError.rateLimited(retryAfter: wait)
        }
        return try await next.respond(to: req)
    }
}
