import Fluent
import LiudongCore
import Vapor

/// Sign-in and sign-out: the page (session cookie) and the API (bearer token).
struct AuthController {
    func boot(_ r: FeatureRoutes) throws {
        r.public.get("login", use: loginPage)
        r.public.post("login", use: login)
        r.public.post("logout", use: logout)
        r.public.post("api", "v1", "session", use: apiSession)
        r.public.delete("api", "v1", "session", use: apiSignOut)
        let own = r.signedIn(.ownAccount)
        own.get("password", use: passwordPage)
        own.post("password", use: changePassword)
    }

    struct PasswordView: Encodable { var errors: [String: String] }
    struct PasswordForm: Content {
        var current: String?
        var password: String?
        var confirm: String?
    }

    func passwordPage(req: Request) async throws -> Response {
        try await req.page("password", title: "修改密码", PasswordView(errors: [:]))
    }

    /// Any signed-in user changes their own password; other API tokens of the account are revoked.
    func changePassword(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(PasswordForm.self)
        guard let account = try await Account.find(user.accountID, on: req.db) else { throw AppError.unauthorized }
        var errors: [FieldError] = []
        if try await !AuthService.verify(f.current ?? "", hash: account.passwordHash, on: req.application.threadPool) {
            errors.append(FieldError("current", "当前密码不正确"))
        }
        if let e = AuthService.checkPassword(f.password ?? "") {
            errors.append(e)
        } else if f.password == f.current {
            errors.append(FieldError("password", "新密码不能与当前密码相同"))
        }
        if f.confirm != f.password { errors.append(FieldError("confirm", "两次输入的新密码不一致")) }
        guard errors.isEmpty else {
            return try await req.page(
                "password", title: "修改密码",
                PasswordView(errors: errors.byField),
                status: .unprocessableEntity)
        }
        account.passwordHash = try await AuthService.hash(
            f.password ?? "", cost: req.settings.passwordCost, on: req.application.threadPool)
        let changedAt = AppClock.now
        account.passwordChangedAt = changedAt
        try await account.update(on: req.db)
        try await AuthService.revokeTokens(of: account.requireID(), on: req.db)
        try await req.audit(.update, "account", ref: account.username, summary: "本人修改密码")
        // Every other web session of the account has now ended; this one continues from the change.
        req.session.data["since"] = String(changedAt.timeIntervalSince1970 + 0.001)
        return req.redirect(to: "/", flash: "密码已修改")
    }

    struct LoginView: Encodable {
        var username: String
        var next: String
        var error: String?
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    func loginPage(req: Request) async throws -> Response {
        if req.auth.has(CurrentUser.self) { return req.redirect(to: "/") }
        let next = safeNext(try? req.query.get(String.self, at: "next"))
        return try await req.page("login", title: "登录", LoginView(username: "", next: next, error: nil))
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let next = safeNext(form.next)
        do {
            let account = try await AuthService.signIn(
                username: form.username ?? "", password: form.password ?? "", req: req)
            // A fresh session id on sign-in prevents session fixation: drop the old record, start anew.
            if let old = req.session.id {
                try await AuthService.dropSession(old, on: req.db)
            }
            req.session.id = nil
            req.session.data = SessionData()
            req.session.data["account"] = account.id!.uuidString
            req.session.data["since"] = String(AppClock.now.timeIntervalSince1970)
            _ = req.csrfToken
            if let user = try await UserAuthenticator.load(accountID: account.id!, on: req.db, viaToken: false) {
                req.auth.login(user)
            }
            try await req.audit(.signIn, "account", ref: account.username, summary: "登录成功（网页）")
            return req.redirect(to: next)
        } catch let e as AppError {
            let message = e.fields.first?.message ?? e.reason
            return try await req.page(
                "login", title: "登录", LoginView(username: form.username ?? "", next: next, error: message),
                status: e.status == .tooManyRequests ? .tooManyRequests : .ok)
        }
    }

    func logout(req: Request) async throws -> Response {
        if req.auth.has(CurrentUser.self) {
            try await req.audit(.signOut, "account", ref: try req.user.username, summary: "退出登录")
        }
        req.auth.logout(CurrentUser.self)
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    struct SessionRequest: Content {
        var username: String?
        var password: String?
    }
    struct SessionResponse: Content {
        var token: String
        var expiresAt: Date
    }

    func apiSession(req: Request) async throws -> Response {
        let body = try req.content.decode(SessionRequest.self)
        let account: Account
        do {
            account = try await AuthService.signIn(
                username: body.username ?? "", password: body.password ?? "", req: req)
        } catch AppError.invalid(let fields) where fields.first?.field == "password" {
            throw AppError.signInFailed(fields)  // 401, same error shape
        }
        let raw = BearerToken.make()
        let token = APIToken()
        token.tokenHash = BearerToken.hash(raw)
        token.accountID = account.id!
        token.expiresAt = AppClock.now.addingTimeInterval(TimeInterval(req.settings.apiTokenHours * 3600))
        try await token.create(on: req.db)
        try await Audit.record(
            .signIn, "account", ref: account.username, summary: "登录成功（API令牌）", user: nil,
            username: account.username, client: req.clientAddress, on: req.db)
        let res = Response(status: .ok)
        try res.content.encode(SessionResponse(token: raw, expiresAt: token.expiresAt), as: .json)
        return res
    }

    /// `DELETE /api/v1/session`: the bearer token in use stops working.
    func apiSignOut(req: Request) async throws -> Response {
        guard let bearer = req.headers.bearerAuthorization, req.auth.has(CurrentUser.self) else {
            throw AppError.unauthorized
        }
        let hash = BearerToken.hash(bearer.token)
        try await AuthService.revokeToken(hash: hash, on: req.db)
        try await req.audit(.signOut, "account", ref: try req.user.username, summary: "退出登录（API令牌已作废）")
        return Response(status: .noContent)
    }

    private func safeNext(_ next: String?) -> String { LocalPath.safe(next) }
}
