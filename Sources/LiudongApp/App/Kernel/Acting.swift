import Fluent
import LiudongCore
import Vapor

/// Who acts, from where, on which day and database: what an action (`…Actions`) needs besides its input. Pages and
/// their API twins build one from the request and call the same action, which writes the audit line itself — once,
/// so a page and its API cannot differ in what they record.
struct Acting: Sendable {
    let db: Database
    /// The staff account acting; nil for a member acting on their own phone (or the system's daily job).
    let user: CurrentUser?
    /// What the audit log and timelines record as the actor: the account's username or `党员本人·姓名`.
    let name: String
    let client: String
    let today: CalendarDate
    /// False for the demo loader: what it makes up is nobody's act, so it leaves the audit log alone.
    var audited = true

    /// A staff account.
    static func staff(
        _ user: CurrentUser, today: CalendarDate, client: String = "-", on db: Database, audited: Bool = true
    ) -> Acting {
        Acting(db: db, user: user, name: user.username, client: client, today: today, audited: audited)
    }

    /// A member on their own phone (`name` as `CurrentMember.auditName` gives it), or the system.
    static func member(
        _ name: String, today: CalendarDate, client: String = "-", on db: Database, audited: Bool = true
    ) -> Acting {
        Acting(db: db, user: nil, name: name, client: client, today: today, audited: audited)
    }

    /// The system itself (the daily sweep, the command line, the demo loader, a test): `name` is what the audit log
    /// records.
    static func system(_ name: String, today: CalendarDate, on db: Database, audited: Bool = true) -> Acting {
        Acting(db: db, user: nil, name: name, client: "system", today: today, audited: audited)
    }

    /// The same actor on another connection (a transaction).
    func on(_ db: Database) -> Acting {
        Acting(db: db, user: user, name: name, client: client, today: today, audited: audited)
    }

    /// The staff account, or a 401 when a member or nobody acts.
    func staffUser() throws -> CurrentUser {
        guard let user else { throw AppError.unauthorized }
        return user
    }

    func audit(_ action: AuditAction, _ objectType: String, ref: String? = nil, summary: String) async throws {
        guard audited else { return }
        try await Audit.record(
            action, objectType, ref: ref, summary: summary, user: user, username: user == nil ? name : nil,
            client: client, on: db)
    }
}

extension Request {
    /// The signed-in staff account acting today (401 without one).
    var acting: Acting {
        get throws { .staff(try user, today: AppClock.today, client: clientAddress, on: db) }
    }

    /// The signed-in member acting on their phone today (401 without one).
    var actingMember: Acting {
        get throws { .member(try member.auditName, today: AppClock.today, client: clientAddress, on: db) }
    }
}

extension AppError {
    /// A core rule's no: 422 with the fields, or 409 with the reason.
    init(_ rule: RuleError) {
        switch rule {
        case .invalid(let problems): self = .invalid(problems.map { FieldError($0.field, $0.message) })
        case .conflict(let message): self = .conflict(message)
        }
    }
}

extension Result where Failure == RuleError {
    /// The rule's value, or its no as an `AppError` (422 / 409).
    func orThrow() throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let e): throw AppError(e)
        }
    }
}
