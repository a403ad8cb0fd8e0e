import Fluent
import LiudongCore
import SQLKit
import Vapor

/// A member's own account: signs in with the ID number and a password the member set at activation.
final class MemberAccount: Model, @unchecked Sendable {
    static let schema = "member_accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_count") var failedCount: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    /// `code` (an activation code from the branch) or `receipt` (a confirmed self-report's receipt).
    @Field(key: "activated_via") var activatedVia: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A member's bearer token (only its hash is kept).
final class MemberToken: Model, @unchecked Sendable {
    static let schema = "member_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "member_account_id") var memberAccountID: UUID
    @Field(key: "expires_at") var expiresAt: Date
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A one-time activation code a branch issued for one member (only its keyed hash is kept).
final class ActivationCode: Model, @unchecked Sendable {
    static let schema = "activation_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "issued_by") var issuedBy: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// The signed-in member (手机端"我的"). Staff routes answer 404 to a member; member routes answer 403 to staff.
struct CurrentMember: Authenticatable, Sendable {
    let accountID: UUID
    let memberID: UUID
    let name: String
    let viaToken: Bool

    /// The user name the audit log and timelines record for a member's own actions.
    var auditName: String { "党员本人·\(name)" }
}

extension Request {
    /// The signed-in member; throws 401 when there is none.
    var member: CurrentMember {
        get throws {
            guard let m = auth.get(CurrentMember.self) else { throw AppError.unauthorized }
            return m
        }
    }
}

/// Loads a member from a member token or the session (after `UserAuthenticator`, when no staff account signed in).
struct MemberAuthenticator: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if !req.auth.has(CurrentUser.self) {
            if let bearer = req.headers.bearerAuthorization {
                let hash = BearerToken.hash(bearer.token)
                if let m = try await MemberSessions.load(tokenHash: hash, on: req.db) { req.auth.login(m) }
            } else if req.hasSession, let raw = req.session.data["member"], let id = UUID(uuidString: raw) {
                let started =
                    req.session.data["since"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
                    ?? .distantPast
                if AppClock.now.timeIntervalSince(started) > UserAuthenticator.sessionHours * 3600 {
                    req.session.data["member"] = nil
                } else if let m = try await MemberSessions.load(accountID: id, since: started, on: req.db) {
                    req.auth.login(m)
                } else {
                    req.session.data["member"] = nil
                }
            }
        }
        return try await next.respond(to: req)
    }
}

/// Member routes: a member passes; a staff account gets 403; nobody signed in: 401 (API) or the sign-in page.
struct RequireMember: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if req.auth.has(CurrentMember.self) { return try await next.respond(to: req) }
        if req.auth.has(CurrentUser.self) { throw AppError.forbidden }
        if req.url.path.hasPrefix("/api/") { throw AppError.unauthorized }
        return req.redirect(to: "/my/login")
    }
}

enum MemberSessions {
    private struct Row: Decodable {
        var id: UUID
        var member_id: UUID
        var name: String
        var password_changed_at: Date?
    }

    static func load(tokenHash: String, on db: Database) async throws -> CurrentMember? {
        let row = try await db.sql().raw(
            """
            SELECT a.id, a.member_id, m.name, a.password_changed_at FROM member_tokens t
            JOIN member_accounts a ON a.id = t.member_account_id JOIN members m ON m.id = a.member_id
            WHERE t.token_hash = \(bind: tokenHash) AND t.expires_at > \(bind: AppClock.now) AND a.disabled_at IS NULL
            """
        ).first(decoding: Row.self)
        return row.map { CurrentMember(accountID: $0.id, memberID: $0.member_id, name: $0.name, viaToken: true) }
    }

    /// A web session older than the account's last password change has ended.
    static func load(accountID: UUID, since: Date, on db: Database) async throws -> CurrentMember? {
        let row = try await db.sql().raw(
            """
            SELECT a.id, a.member_id, m.name, a.password_changed_at FROM member_accounts a
            JOIN members m ON m.id = a.member_id WHERE a.id = \(bind: accountID) AND a.disabled_at IS NULL
            """
        ).first(decoding: Row.self)
        guard let row else { return nil }
        if let changed = row.password_changed_at, changed > since { return nil }
        return CurrentMember(accountID: row.id, memberID: row.member_id, name: row.name, viaToken: false)
    }
}
