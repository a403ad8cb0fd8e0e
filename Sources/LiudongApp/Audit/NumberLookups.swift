import Fluent
import LiudongCore
import Vapor

/// The hourly allowance of lookups by personal number, per account. Counted from the audit log, which every node
/// writes to the same database, so the limit holds across nodes and restarts.
enum NumberLookups {
    static let window: TimeInterval = 3600

    /// The account's lookups by number in the last hour.
    private static func recent(_ user: CurrentUser, on db: Database) -> QueryBuilder<AuditEntry> {
        AuditEntry.query(on: db).filter(\.$accountID == user.accountID)
            .filter(\.$action == AuditAction.lookup.rawValue).filter(\.$at >= AppClock.now.addingTimeInterval(-window))
    }

    /// Throws 429 (with the seconds until the oldest lookup of the hour leaves the window) once the account has made
    /// `limit` lookups in the last hour.
    static func admit(_ user: CurrentUser, limit: Int, on db: Database) async throws {
        guard try await remaining(user, limit: limit, on: db) == 0 else { return }
        let oldest = try await recent(user, on: db).sort(\.$at).first()?.at ?? AppClock.now
        let wait = max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(AppClock.now)).rounded(.up)))
        throw AppError.rateLimited(retryAfter: min(wait, Int(window)))
    }

    /// How many lookups the account has left in this hour.
    static func remaining(_ user: CurrentUser, limit: Int, on db: Database) async throws -> Int {
        max(0, limit - (try await recent(user, on: db).count()))
    }
}
