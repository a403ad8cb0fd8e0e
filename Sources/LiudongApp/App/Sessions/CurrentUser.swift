import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The signed-in account and its scope organization: the one place authorization is decided.
struct CurrentUser: Authenticatable, Sendable {
    let accountID: UUID
    let username: String
    let displayName: String
    let role: Role
    let scopeID: Int
    let scopeCode: String
    let scopeName: String
    let scopePath: String
    let scopeKind: OrgKind
    let scopeLevel: OrgLevel?
    /// Whether this request authenticated with a bearer token (no cookie, so no CSRF check).
    let viaToken: Bool

    /// The newest notice this account has seen (the inbox badge counts those after it).
    var noticesReadThrough: Int

    /// When the account last changed something (`UserAuthenticator.acted`): a roll-up run begun before it is not read.
    var actedAt: Date?

    init(account: Account, scope: Organization, viaToken: Bool) {
        self.init(
            accountID: account.id!, username: account.username, displayName: account.displayName, role: account.role,
            scopeID: scope.id!, scopeCode: scope.code, scopeName: scope.shortName, scopePath: scope.path,
            scopeKind: scope.kind,
            scopeLevel: scope.level, viaToken: viaToken, noticesReadThrough: account.noticesReadThrough)
        self.actedAt = account.actedAt
    }

    init(
        accountID: UUID, username: String, displayName: String, role: Role, scopeID: Int, scopeCode: String,
        scopeName: String,
        scopePath: String, scopeKind: OrgKind, scopeLevel: OrgLevel?, viaToken: Bool, noticesReadThrough: Int
    ) {
        self.accountID = accountID
        self.username = username
        self.displayName = displayName
        self.role = role
        self.scopeID = scopeID
        self.scopeCode = scopeCode
        self.scopeName = scopeName
        self.scopePath = scopePath
        self.scopeKind = scopeKind
        self.scopeLevel = scopeLevel
        self.viaToken = viaToken
        self.noticesReadThrough = noticesReadThrough
    }

    /// Whether the account holds a permission (the one table: `Role.permissions`).
    func can(_ permission: Permission) -> Bool { role.can(permission) }

    /// An account of the inflow side: an inflow organization's account, or any account scoped outside the tree.
    var isInflowSide: Bool { can(.actForInflowOrganization) || scopeKind != .regular }

    /// City-level departments also look after the external (inflow-side) organizations outside the tree.
    var seesExternal: Bool { scopeLevel == .city && can(.editOrganizations) }

    /// Organizations in the subtree of the scope (an inflow account: only its own organization).
    func covers(_ org: Organization) -> Bool {
        org.path.hasPrefix(scopePath) || (org.kind == .external && seesExternal)
    }

    /// Fails with 404 (never a hint that it exists) when the organization lies outside the scope.
    func require(_ org: Organization?) throws -> Organization {
        guard let org, covers(org) else { throw AppError.notFound }
        return org
    }

    /// 403 unless the account holds the permission (for a choice inside a route that serves two permissions).
    func require(_ permission: Permission) throws {
        guard can(permission) else { throw AppError.forbidden }
    }

    /// Members this account may see. Tree roles: members of organizations in the subtree.
    /// Inflow roles: only members whose open flow has them reported to this organization.
    func visibleMembers(_ query: QueryBuilder<Member>, within path: String? = nil) -> QueryBuilder<Member> {
        let subtree = path ?? scopePath
        if can(.actForInflowOrganization) || scopeKind == .external {
            let open = SQLGroupExpression(
                FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression })
            return query.filter(
                .sql(
                    embed:
                        "\(ident: "id") IN (SELECT \(ident: "member_id") FROM \(ident: "flows") WHERE \(ident: "inflow_org_id") = \(bind: scopeID) AND \(ident: "status") IN \(open))"
                ))
        }
        return query.filter(
            .sql(
                embed:
                    "\(ident: "organization_id") IN (SELECT \(ident: "id") FROM \(ident: "organizations") WHERE \(PathPrefix("path", subtree)))"
            ))
    }

    /// Organizations this account may see.
    func visibleOrganizations(_ query: QueryBuilder<Organization>) -> QueryBuilder<Organization> {
        guard seesExternal else { return query.under(path: scopePath) }
        return query.group(.or) { $0.under(path: scopePath).filter(\.$kind == .external) }
    }
}

extension Request {
    /// The signed-in user; throws 401 when there is none.
    var user: CurrentUser {
        get throws {
            guard let u = auth.get(CurrentUser.self) else { throw AppError.unauthorized }
            return u
        }
    }
}

/// Loads the user from a bearer token or the session cookie.
struct UserAuthenticator: AsyncMiddleware {
    static let sessionHours: Double = 8

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            let hash = BearerToken.hash(bearer.token)
            if let user = try await Self.load(tokenHash: hash, on: req.db) { req.auth.login(user) }
        } else if req.hasSession, let raw = req.session.data["account"], let id = UUID(uuidString: raw) {
            // Sessions end on the server after `sessionHours`, whatever the browser keeps.
            let started =
                req.session.data["since"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) ?? .distantPast
            if AppClock.now.timeIntervalSince(started) > Self.sessionHours * 3600 {
                req.session.data["account"] = nil
            } else if let user = try await Self.load(accountID: id, on: req.db, viaToken: false, sessionSince: started)
            {
                req.auth.login(user)
            } else {
                req.session.data["account"] = nil
            }
        }
        let res = try await next.respond(to: req)
        if let user = req.auth.get(CurrentUser.self), ![.GET, .HEAD, .OPTIONS].contains(req.method),
            res.status.code < 400
        {
            // The change is stored already: a failed stamp must not turn its answer into an error (the account then
            // sees the roll-up's counts, at most a minute behind, instead of its own change at once).
            do {
                try await Self.acted(user, on: req)
            } catch {
                req.logger.warning("未能记录账号操作时间：\(String(describing: error).prefix(200))")
            }
        }
        return res
    }

    /// Notes that the account has just changed something (after the change is stored): until a roll-up run begins
    /// after this, its worklist and home page count live (`WorkRollup.snapshot`), so a handled item leaves at once.
    static func acted(_ user: CurrentUser, on req: Request) async throws {
        let now = AppClock.now
        try await req.db.writeTransaction(gate: req.application.writeGate) { tx in
            try await tx.sql().update("accounts").set("acted_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(user.accountID)).run()
        }
    }

    /// One row per signed-in request: the account joined with its scope organization (and the token, for bearer calls).
    private struct Row: Decodable {
        var id: UUID
        var username: String
        var display_name: String
        var role: String
        var notices_read_through: Int
        var org_id: Int
        var code: String
        var short_name: String
        var path: String
        var kind: String
        var level: String?
        var password_changed_at: Date?
        var acted_at: Date?
    }

    private static let columns =
        "a.id, a.username, a.display_name, a.role, a.notices_read_through, o.id AS org_id, o.code, o.short_name, o.path, o.kind, o.level, a.password_changed_at, a.acted_at"

    private static func user(_ row: Row?, viaToken: Bool) -> CurrentUser? {
        guard let r = row, let role = Role(rawValue: r.role), let kind = OrgKind(rawValue: r.kind) else { return nil }
        var user = CurrentUser(
            accountID: r.id, username: r.username, displayName: r.display_name, role: role, scopeID: r.org_id,
            scopeCode: r.code, scopeName: r.short_name, scopePath: r.path, scopeKind: kind,
            scopeLevel: r.level.flatMap(OrgLevel.init(rawValue:)), viaToken: viaToken,
            noticesReadThrough: r.notices_read_through)
        user.actedAt = r.acted_at
        return user
    }

    static func load(tokenHash: String, on db: Database) async throws -> CurrentUser? {
        let sql = try db.sql()
        let row = try await sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM api_tokens t JOIN accounts a ON a.id = t.account_id JOIN organizations o ON o.id = a.organization_id
            WHERE t.token_hash = \(bind: tokenHash) AND t.expires_at > \(bind: AppClock.now) AND a.disabled_at IS NULL
            """
        ).first(decoding: Row.self)
        return user(row, viaToken: true)
    }

    /// `sessionSince`: when the web session began; a session older than the account's last password change ends.
    static func load(accountID: UUID, on db: Database, viaToken: Bool, sessionSince: Date? = nil) async throws
        -> CurrentUser?
    {
        let sql = try db.sql()
        let row = try await sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM accounts a JOIN organizations o ON o.id = a.organization_id
            WHERE a.id = \(bind: accountID) AND a.disabled_at IS NULL
            """
        ).first(decoding: Row.self)
        if let since = sessionSince, let changed = row?.password_changed_at, changed > since { return nil }
        return user(row, viaToken: viaToken)
    }
}

/// Pages: redirect to sign-in; API: 401 in the JSON error shape. A signed-in member (not staff) gets 404: staff
/// pages do not exist for a member.
struct RequireUser: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard req.auth.has(CurrentUser.self) else {
            if req.auth.has(CurrentMember.self) { throw AppError.notFound }
            if req.url.path.hasPrefix("/api/") { throw AppError.unauthorized }
            let back = req.url.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return req.redirect(to: "/login?next=\(back)")
        }
        return try await next.respond(to: req)
    }
}

/// Bearer tokens of staff and members alike: 32 random bytes, URL-safe base64; only the SHA-256 is stored.
enum BearerToken {
    static func make() -> String {
        [UInt8].random(count: 32).base64.replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String { SHA256.hash(data: Data(token.utf8)).hex }
}

extension Digest {
    var hex: String { Hex.encode(self) }
}
