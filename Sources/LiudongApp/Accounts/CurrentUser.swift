import Fluent
import SQLKit
import LiudongCore
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

    init(account: Account, scope: Organization, viaToken: Bool) {
        accountID = account.id!
        username = account.username
        displayName = account.displayName
        role = account.role
        scopeID = scope.id!
        scopeCode = scope.code
        scopeName = scope.shortName
        scopePath = scope.path
        scopeKind = scope.kind
        scopeLevel = scope.level
        self.viaToken = viaToken
    }

    /// City-level administrators also look after the external (inflow-side) organizations outside the tree.
    var seesExternal: Bool { scopeLevel == .city && (role == .admin || role == .orgDept) }

    /// Organizations in the subtree of the scope (an inflow account: only its own organization).
    func covers(_ org: Organization) -> Bool {
        org.path.hasPrefix(scopePath) || (org.kind == .external && seesExternal)
    }

    /// Fails with 404 (never a hint that it exists) when the organization lies outside the scope.
    func require(_ org: Organization?) throws -> Organization {
        guard let org, covers(org) else { throw AppError.notFound }
        return org
    }

    func require(role allowed: (Role) -> Bool) throws {
        guard allowed(role) else { throw AppError.forbidden }
    }

    /// Members this account may see. Tree roles: members of organizations in the subtree.
    /// Inflow roles: only members whose open flow has them reported to this organization.
    func visibleMembers(_ query: QueryBuilder<Member>, within path: String? = nil) -> QueryBuilder<Member> {
        let subtree = path ?? scopePath
        if role == .inflow || scopeKind == .external {
            let open = SQLGroupExpression(FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression })
            return query.filter(.sql(embed: "\(ident: "id") IN (SELECT \(ident: "member_id") FROM \(ident: "flows") WHERE \(ident: "inflow_org_id") = \(bind: scopeID) AND \(ident: "status") IN \(open))"))
        }
        return query.filter(.sql(embed: "\(ident: "organization_id") IN (SELECT \(ident: "id") FROM \(ident: "organizations") WHERE \(PathPrefix("path", subtree)))"))
    }

    /// Organizations this account may see.
    func visibleOrganizations(_ query: QueryBuilder<Organization>) -> QueryBuilder<Organization> {
        guard seesExternal else { return query.filter(\.$path =~ scopePath) }
        return query.group(.or) { $0.filter(\.$path =~ scopePath).filter(\.$kind == .external) }
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
            let hash = SHA256.hash(data: Data(bearer.token.utf8)).hex
            if let token = try await APIToken.query(on: req.db).filter(\.$tokenHash == hash).first(),
               token.expiresAt > Date(),
               let user = try await Self.load(accountID: token.accountID, on: req.db, viaToken: true) {
                req.auth.login(user)
            }
        } else if req.hasSession, let raw = req.session.data["account"], let id = UUID(uuidString: raw) {
            // Sessions end on the server after `sessionHours`, whatever the browser keeps.
            let started = req.session.data["since"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) ?? .distantPast
            if Date().timeIntervalSince(started) > Self.sessionHours * 3600 {
                req.session.data["account"] = nil
            } else if let user = try await Self.load(accountID: id, on: req.db, viaToken: false) {
                req.auth.login(user)
            } else {
                req.session.data["account"] = nil
            }
        }
        return try await next.respond(to: req)
    }

    static func load(accountID: UUID, on db: Database, viaToken: Bool) async throws -> CurrentUser? {
        guard let account = try await Account.find(accountID, on: db), account.disabledAt == nil,
              let org = try await Organization.find(account.organizationID, on: db) else { return nil }
        return CurrentUser(account: account, scope: org, viaToken: viaToken)
    }
}

/// Pages: redirect to sign-in; API: 401 in the JSON error shape.
struct RequireUser: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard req.auth.has(CurrentUser.self) else {
            if req.url.path.hasPrefix("/api/") { throw AppError.unauthorized }
            let back = req.url.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return req.redirect(to: "/login?next=\(back)")
        }
        return try await next.respond(to: req)
    }
}

extension Digest {
    var hex: String { Hex.encode(self) }
}
