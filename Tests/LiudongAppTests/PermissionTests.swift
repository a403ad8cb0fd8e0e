import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// The permission table is what the routes enforce: every signed-in route carries its permissions, and each role
/// gets 403 exactly where the table says it may not go.
@Suite("Permissions: one table, enforced on route groups")
struct PermissionTests {
    /// The fixture account of each role (scoped where that role sits).
    static let accounts: [(username: String, role: Role)] = [
        ("admin", .admin), ("city", .orgDept), ("county", .orgDept), ("committee", .committee),
        ("secretary", .secretary),
        ("inflow", .inflow),
    ]

    /// What strangers may reach; everything else needs an account and a permission.
    static let publicRoutes: Set<String> = [
        "GET /healthz", "GET /openapi.json", "GET /api/v1/divisions", "GET /login", "POST /login", "POST /logout",
        "POST /api/v1/session", "DELETE /api/v1/session", "GET /r/status", "POST /r/status", "GET /r/:orgCode",
        "POST /r/:orgCode", "POST /api/v1/self-reports", "GET /api/v1/self-reports/:receipt", "GET /orgs/:code/qr.svg",
        "GET /my/login", "POST /my/login", "GET /c/:token", "GET /my/activate", "POST /my/activate",
        "POST /api/v1/member-activation",
        "POST /api/v1/member-session",
        // A member's points ledger: staff with the permission for members of their scope, a member for themself.
        "GET /api/v1/points",
        // The SMS provider's delivery reports: the secret token in the path is the key.
        "POST /api/v1/notify/sms-reports/:token",
    ]

    /// A signed-in member's own routes (`/my`): no staff permission, 403 to staff, 404 to members elsewhere.
    static let memberRoutes: Set<String> = [
        "GET /my", "POST /my/logout", "GET /my/certificate", "GET /my/password", "POST /my/password", "POST /my/report",
        "GET /api/v1/my",
        "POST /my/contacts/:id/confirm", "POST /my/contacts/:id/deny", "POST /api/v1/my/contacts/:id/answer",
        "GET /api/v1/my/contacts",
        "GET /my/org-life", "POST /my/org-life/check-in", "GET /my/courses", "GET /my/courses/:id",
        "POST /my/courses/:id/complete", "GET /my/quiz", "POST /my/quiz", "GET /my/diary", "POST /my/diary",
        "GET /my/home-visits", "POST /my/home-visits", "GET /my/transfer", "POST /my/transfer",
        "GET /my/notifications", "GET /my/notifications/:id", "GET /my/notifications/settings",
        "POST /my/notifications/settings", "GET /api/v1/my/notifications", "POST /api/v1/my/notifications/read",
        "GET /api/v1/my/notifications/settings", "PUT /api/v1/my/notifications/settings",
        "GET /my/dues", "POST /my/dues/base", "POST /my/dues/relief", "GET /api/v1/my/dues",
        "GET /my/diary/:id/photo", "POST /my/red-packages/:id/confirm", "GET /my/red-packages/:id",
        "POST /my/red-packages/:id/answer", "GET /api/v1/my/courses",
        "POST /api/v1/my/courses/:id/complete", "GET /api/v1/my/quiz", "GET /api/v1/my/quizzes",
        "POST /api/v1/my/quiz/answers",
        "POST /api/v1/my/org-life/check-in",
        "GET /my/points", "POST /my/points/claims", "POST /my/points/appeals", "GET /my/points/claims/:id/photo",
        "GET /my/points/ranking", "GET /api/v1/my/points", "POST /api/v1/my/points/claims",
        "POST /api/v1/my/points/appeals",
        "GET /my/requests", "POST /my/requests", "GET /my/requests/:id", "POST /my/requests/:id/rate",
        "POST /my/requests/:id/reopen", "POST /api/v1/my/requests", "GET /api/v1/my/requests",
        "POST /api/v1/my/requests/:id/rate", "POST /api/v1/my/requests/:id/reopen", "GET /my/talent", "POST /my/talent",
    ]

    /// Routes the table allows whose handler also asks for a city-level scope (`CurrentUser.seesExternal`): external
    /// organizations are the city's to keep. Scope, not role: a county department gets 403 there too.
    static let cityScopeOnly: Set<String> = [
        "GET /orgs/new-external", "POST /orgs/external", "POST /org-life/settings", "POST /points/counties",
        "GET /requests/calendar", "POST /requests/calendar", "POST /requests/calendar/remove",
        "POST /requests/settings",
        "POST /requests/stations", "POST /requests/stations/remove",
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    struct Token: Decodable { var token: String }

    static func token(_ app: Application, _ username: String) async throws -> String {
        let res = try await app.testing().sendRequest(
            .POST, "/api/v1/session", headers: ["Content-Type": "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(Fixture.password)"}"#))
        return try res.content.decode(Token.self).token
    }

    @Test func everySignedInRouteCarriesAPermissionAndThePublicOnesAreKnown() async throws {
        let app = try await Application.make(.testing)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liudong-perm-\(UUID())").path
        try await configure(
            app,
            settings: Settings(
                database: .sqlite(path: dir + "/t.sqlite"), varDirectory: dir,
                dataKey: testDataKey))
        let unguarded = app.routes.all.filter { $0.requiredPermissions == nil }
        #expect(Set(unguarded.filter { !$0.isMemberRoute }.map(Self.key)) == Self.publicRoutes)
        #expect(Set(unguarded.filter(\.isMemberRoute).map(Self.key)) == Self.memberRoutes)
        for route in app.routes.all {
            if let permissions = route.requiredPermissions { #expect(!permissions.isEmpty, "\(Self.key(route))") }
        }
        try await app.asyncShutdown()
    }

    /// Every route as each account (a case per account and database: the cases run side by side).
    @Test(arguments: TestDatabase.all, Self.accounts.map(\.username))
    func eachRoleGets403ExactlyWhereTheTableSaysSo(db: TestDatabase, username: String) async throws {
        let role = try #require(Self.accounts.first { $0.username == username }?.role)
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let user = try await Fixture.user(app, username)
            let token = try await Self.token(app, username)
            for route in app.routes.all {
                guard let permissions = route.requiredPermissions else { continue }
                let path =
                    "/"
                    + route.path.map { component -> String in
                        switch component {
                        case .parameter("code"): return user.scopeCode
                        case .parameter("id") where route.path.first?.description == "reconcile": return "999999"
                        case .parameter: return UUID().uuidString
                        default: return component.description
                        }
                    }.joined(separator: "/")
                let res = try await app.testing().sendRequest(
                    route.method, path, headers: ["Authorization": "Bearer \(token)"])
                let allowed =
                    permissions.contains(where: role.can)
                    && (!Self.cityScopeOnly.contains(Self.key(route)) || user.seesExternal)
                if allowed {
                    #expect(res.status != .forbidden, "\(username) \(Self.key(route)) → \(res.status.code)")
                } else {
                    #expect(res.status == route.deniedStatus, "\(username) \(Self.key(route)) → \(res.status.code)")
                }
            }
        }
    }

    @Test func theTableGivesEachRoleWhatItHadBefore() {
        // The department roles run reconciliation and imports; only the administrator manages accounts.
        #expect(Role.admin.can(.manageAccounts) && !Role.orgDept.can(.manageAccounts))
        for role in [Role.admin, .orgDept] {
            for p in [
                Permission.editOrganizations, .readAudit, .runReconciliation, .importNational, .exportFullNumbers,
            ] {
                #expect(role.can(p), "\(role) \(p)")
            }
        }
        for role in [Role.committee, .secretary] {
            #expect(
                role.can(.editRoster) && role.can(.revealNumbers) && role.can(.decideFlows) && role.can(.viewStatistics)
            )
            #expect(!role.can(.editOrganizations) && !role.can(.readAudit) && !role.can(.runReconciliation))
        }
        // The inflow side sees what reports to it, confirms arrivals, submits its list; it edits no roster.
        for p in [
            Permission.editRoster, .revealNumbers, .reviewHomeReports, .decideFlows, .viewStatistics, .importNational,
        ] {
            #expect(!Role.inflow.can(p), "\(p)")
        }
        #expect(Role.inflow.can(.reviewArrivals) && Role.inflow.can(.actForInflowOrganization))
        #expect(Role.allCases.allSatisfy { $0.can(.ownAccount) })
    }

    /// No role comparison outside the table: handlers ask for permissions.
    @Test func noRoleComparisonOutsideThePermissionTable() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files =
            FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter {
                $0.pathExtension == "swift" && $0.lastPathComponent != "Permission.swift"
            } ?? []
        #expect(files.count > 50)
        let patterns = [#"role\s*[!=]=\s*\."#, #"\.role\s*\.\s*can"#, #"require\(role:"#]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in patterns {
                #expect(
                    text.range(of: pattern, options: .regularExpression) == nil, "\(file.lastPathComponent): \(pattern)"
                )
            }
        }
    }
}
