import Fluent
import LiudongCore

/// The audit log as the account may search it.
enum AuditStore {
    /// Entries visible to `user` matching the filter, newest first.
    static func query(_ f: AuditController.Filter, for user: CurrentUser, on db: Database) throws -> QueryBuilder<
        AuditEntry
    > {
        var q = AuditEntry.query(on: db)
        // A county sees what its own accounts did; the city (and its admins) see everything.
        if user.scopeLevel != .city { q = q.filter(\.$scopePath =~ user.scopePath) }
        if let a = Normalize.text(f.action) { q = q.filter(\.$action == a) }
        if let u = Normalize.text(f.user) { q = q.filter(\.$username == u.lowercased()) }
        if let t = Normalize.text(f.q) {
            q = q.group(.or) {
                $0.filter(\.$summary, .contains(inverse: false, .anywhere), t).filter(\.$objectRef == t)
            }
        }
        if let from = Normalize.text(f.from) {
            guard let d = CalendarDate(from) else { throw AppError.invalid([FieldError("from", "起始日期格式应为YYYY-MM-DD")]) }
            q = q.filter(\.$at >= d.startDate)
        }
        if let to = Normalize.text(f.to) {
            guard let d = CalendarDate(to) else { throw AppError.invalid([FieldError("to", "截止日期格式应为YYYY-MM-DD")]) }
            q = q.filter(\.$at < d.adding(days: 1).startDate)
        }
        return q
    }
}
