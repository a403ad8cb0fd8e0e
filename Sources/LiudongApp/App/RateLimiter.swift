import Foundation
import Vapor

/// Fixed-window counters per key, in memory on each node (limits are per node behind a load balancer).
actor RateLimiter {
    private var windows: [String: (start: Date, count: Int)] = [:]
    private var lastSweep = Date()

    /// Counts one hit; returns the seconds to wait when `limit` hits in `window` are exceeded.
    func hit(_ key: String, limit: Int, window: TimeInterval, now: Date = Date()) -> Int? {
        if now.timeIntervalSince(lastSweep) > 60 {
            windows = windows.filter { now.timeIntervalSince($0.value.start) < window * 2 }
            lastSweep = now
        }
        var entry = windows[key] ?? (now, 0)
        if now.timeIntervalSince(entry.start) >= window { entry = (now, 0) }
        entry.count += 1
        windows[key] = entry
        guard entry.count > limit else { return nil }
        return max(1, Int((window - now.timeIntervalSince(entry.start)).rounded(.up)))
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
        if let wait = await req.application.rateLimiter.hit("client:\(req.clientAddress)", limit: limit, window: 60) {
            throw AppError.rateLimited(retryAfter: wait)
        }
        return try await next.respond(to: req)
    }
}
