import Fluent
import LiudongCore
import Vapor

/// The member's own side (手机端"我的"): activation, sign-in, `/my`, and the same as JSON.
struct MyController {
    func boot(_ r: FeatureRoutes) throws {
        r.public.get("my", "login", use: loginPage)
        r.public.post("my", "login", use: login)
        r.public.get("my", "activate", use: activatePage)
        r.public.post("my", "activate", use: activateForm)
        r.public.post("api", "v1", "member-activation", use: activateAPI)
        r.public.post("api", "v1", "member-session", use: sessionAPI)
        r.member.get("my", use: home)
        r.member.post("my", "logout", use: logout)
        r.member.get("my", "password", use: passwordPage)
        r.member.post("my", "password", use: changePassword)
        r.member.post("my", "report", use: report)
        r.member.get("api", "v1", "my", use: homeAPI)
    }

    // MARK: Sign-in and activation

    struct LoginView: Encodable {
        var idNumber: String
        var error: String?
    }
    struct LoginForm: Content {
        var idNumber: String?
        var password: String?
    }

    func loginPage(req: Request) async throws -> Response {
        if req.auth.has(CurrentMember.self) { return req.redirect(to: "/my") }
        return try await req.myPage("my/login", title: "党员登录", LoginView(idNumber: "", error: nil))
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        do {
            let account = try await MemberAuthService.signIn(
                idNumber: form.idNumber, password: form.password, req: req)
            try await startSession(req, account: account)
            return req.redirect(to: "/my")
        } catch let e as AppError {
            return try await req.myPage(
                "my/login", title: "党员登录",
                LoginView(idNumber: "", error: e.fields.first?.message ?? e.reason),
                status: e.status == .tooManyRequests ? .tooManyRequests : .ok)
        }
    }

    /// A fresh session id on sign-in (no fixation); any staff sign-in in the same browser ends.
    private func startSession(_ req: Request, account: MemberAccount) async throws {
        if let old = req.session.id { try await AuthService.dropSession(old, on: req.db) }
        req.session.id = nil
        req.session.data = SessionData()
        req.session.data["member"] = account.id!.uuidString
        req.session.data["since"] = String(AppClock.now.timeIntervalSince1970 + 0.001)
        _ = req.csrfToken
    }

    struct ActivateView: Encodable {
        var code: String
        var errors: [String: String]
    }
    struct ActivateForm: Content {
        var idNumber: String?
        var code: String?
        var receipt: String?
        var password: String?
        var confirm: String?
    }

    /// The activation form. The slip's link carries the code in the fragment (`#code=`), which the page copies into
    /// the field; `?code=` from slips printed before still fills it.
    func activatePage(req: Request) async throws -> Response {
        let code = String(((try? req.query.get(String.self, at: "code")) ?? "").prefix(12))
        return try await req.myPage("my/activate", title: "激活党员账号", ActivateView(code: code, errors: [:]))
    }

    func activateForm(req: Request) async throws -> Response {
        let f = try req.content.decode(ActivateForm.self)
        do {
            if f.confirm != f.password {
                throw AppError.invalid([FieldError("confirm", "两次输入的密码不一致")])
            }
            let account = try await MemberAuthService.activate(
                .init(idNumber: f.idNumber, code: f.code, receipt: f.receipt, password: f.password), req: req)
            try await startSession(req, account: account)
            return req.redirect(to: "/my", flash: "账号已激活，欢迎使用")
        } catch let e as AppError {
            let errors = e.fields.isEmpty ? ["code": e.reason] : e.fields.byField
            return try await req.myPage(
                "my/activate", title: "激活党员账号",
                ActivateView(code: MemberAuthService.normalizedCode(f.code), errors: errors),
                status: e.status == .tooManyRequests ? .tooManyRequests : .unprocessableEntity)
        }
    }

    struct ActivationRequest: Content {
        var idNumber: String?
        var code: String?
        var receipt: String?
        var password: String?
    }

    /// `POST /api/v1/member-activation` → 201.
    func activateAPI(req: Request) async throws -> Response {
        let body = try req.content.decode(ActivationRequest.self)
        _ = try await MemberAuthService.activate(
            .init(idNumber: body.idNumber, code: body.code, receipt: body.receipt, password: body.password), req: req)
        let res = Response(status: .created)
        try res.content.encode(["status": "activated"], as: .json)
        return res
    }

    struct SessionRequest: Content {
        var idNumber: String?
        var password: String?
    }
    struct SessionResponse: Content {
        var token: String
        var expiresAt: Date
    }

    /// `POST /api/v1/member-session` → `{"token","expiresAt"}`.
    func sessionAPI(req: Request) async throws -> SessionResponse {
        let body = try req.content.decode(SessionRequest.self)
        let account = try await MemberAuthService.signIn(idNumber: body.idNumber, password: body.password, req: req)
        let (token, expires) = try await MemberAuthService.newToken(
            for: account, hours: req.settings.apiTokenHours, on: req.db)
        return SessionResponse(token: token, expiresAt: expires)
    }

    func logout(req: Request) async throws -> Response {
        req.auth.logout(CurrentMember.self)
        req.session.destroy()
        return req.redirect(to: "/my/login")
    }

    // MARK: The member's page

    struct HomeView: Encodable {
        struct Report: Encodable {
            var kind: String
            var status: String
            var receipt: String
            var at: String
        }
        struct Event: Encodable {
            var at: String
            var text: String
        }
        var my: MyResponse
        var flowStatusLabel: String?
        var reviewState: String?
        var branchSecretary: String
        var reports: [Report]
        var events: [Event]
        var tiles: [MyTile]
        var canReport: Bool
        var address: String
        var employer: String
        var errors: [String: String]
    }

    func home(req: Request) async throws -> Response {
        try await renderHome(req, errors: [:])
    }

    private func renderHome(_ req: Request, errors: [String: String], status: HTTPResponseStatus = .ok)
        async throws -> Response
    {
        let m = try req.member
        let home = try await MyStore.home(m, cipher: req.cipher, on: req.db)
        let my = MyResponse(home, cipher: req.cipher)
        let pending = home.reports.first { $0.status == ReportStatus.pending.rawValue }
        let view = HomeView(
            my: my, flowStatusLabel: home.flow.flatMap { FlowState(rawValue: $0.status)?.label },
            reviewState: pending.map { "有一份\(ReportKind(rawValue: $0.kind)?.label ?? "报告")正在审核（回执 \($0.receipt)）" }
                ?? home.flow.map { $0.arrival_confirmed ? "流入地党组织已确认报到" : "流出登记已确认" },
            branchSecretary: home.branch?.secretary ?? "",
            reports: home.reports.sorted { ($0.created_at ?? .distantPast) > ($1.created_at ?? .distantPast) }.map {
                HomeView.Report(
                    kind: ReportKind(rawValue: $0.kind)?.label ?? $0.kind,
                    status: ReportStatus(rawValue: $0.status)?.label ?? $0.status, receipt: $0.receipt,
                    at: Format.dateTime($0.created_at))
            },
            events: home.events.map { HomeView.Event(at: Format.dateTime($0.at), text: $0.summary) },
            tiles: try await Features.myTiles(m, features: req.application.features, on: req.db, cipher: req.cipher),
            canReport: home.flow != nil, address: home.flow?.address ?? "", employer: home.flow?.employer ?? "",
            errors: errors)
        return try await req.myPage("my/home", title: "我的", view, status: status)
    }

    func homeAPI(req: Request) async throws -> MyResponse {
        MyResponse(try await MyStore.home(try req.member, cipher: req.cipher, on: req.db), cipher: req.cipher)
    }

    struct ReportForm: Content {
        var kind: String?
        var address: String?
        var employer: String?
    }

    /// The change or return report, prefilled from the roster: the member types only what changed.
    func report(req: Request) async throws -> Response {
        let m = try req.member
        let f = try req.content.decode(ReportForm.self)
        guard let kind = f.kind.flatMap(ReportKind.init(rawValue:)), kind == .change || kind == .return else {
            return try await renderHome(req, errors: ["kind": "请选择变更或返回"], status: .unprocessableEntity)
        }
        guard let member = try await Member.find(m.memberID, on: req.db),
            let branch = try await Organization.find(member.organizationID, on: req.db)
        else { throw AppError.notFound }
        let input = SelfReportInput(
            kind: kind.rawValue, orgCode: branch.code, name: member.name,
            idNumber: try req.cipher.open(member.idNumberEnc),
            phone: try member.phoneEnc.map(req.cipher.open), address: kind == .change ? f.address : nil,
            employer: kind == .change ? f.employer : nil, note: "党员本人在手机端“我的”提交")
        do {
            let outcome = try await SelfReportService.submit(
                input,
                context: .init(
                    cipher: req.cipher, settings: req.settings, limiter: req.application.rateLimiter,
                    writer: req.application.reportWriter, client: req.clientAddress),
                directory: req.application.orgDirectory, on: req.db)
            return req.redirect(to: "/my", flash: "\(kind.label)已提交，回执 \(outcome.receipt)，请等待党组织审核")
        } catch AppError.invalid(let errors) {
            return try await renderHome(req, errors: errors.byField, status: .unprocessableEntity)
        }
    }

    // MARK: Password

    struct PasswordView: Encodable { var errors: [String: String] }
    struct PasswordForm: Content {
        var current: String?
        var password: String?
        var confirm: String?
    }

    func passwordPage(req: Request) async throws -> Response {
        try await req.myPage("my/password", title: "修改密码", PasswordView(errors: [:]))
    }

    func changePassword(req: Request) async throws -> Response {
        let m = try req.member
        let f = try req.content.decode(PasswordForm.self)
        guard let account = try await MemberAccount.find(m.accountID, on: req.db) else { throw AppError.unauthorized }
        var errors: [FieldError] = []
        let pool = req.application.threadPool
        if try await !AuthService.verify(f.current ?? "", hash: account.passwordHash, on: pool) {
            errors.append(FieldError("current", "当前密码不正确"))
        }
        if let e = MemberAuthService.checkPassword(f.password) { errors.append(e) }
        if f.confirm != f.password { errors.append(FieldError("confirm", "两次输入的新密码不一致")) }
        guard errors.isEmpty else {
            return try await req.myPage(
                "my/password", title: "修改密码", PasswordView(errors: errors.byField), status: .unprocessableEntity)
        }
        account.passwordHash = try await AuthService.hash(f.password ?? "", cost: req.settings.passwordCost, on: pool)
        let changed = AppClock.now
        account.passwordChangedAt = changed
        try await account.update(on: req.db)
        try await MemberAuthService.revokeTokens(of: m.accountID, on: req.db)
        try await MemberAuthService.audit(req, ref: m.memberID.uuidString, "党员本人修改密码", success: true)
        req.session.data["since"] = String(changed.timeIntervalSince1970 + 0.001)
        return req.redirect(to: "/my", flash: "密码已修改")
    }
}

/// The member pages' layout: no staff navigation; a session (for CSRF) once a member page is shown.
struct MyLayout: Encodable {
    var title: String
    var csrf: String
    var name: String?
    var flash: String?
    /// Unread messages in the member's inbox (the bar's 消息 link shows it).
    var unread: Int = 0
}

struct MyPage<Body: Encodable>: Encodable {
    var layout: MyLayout
    var body: Body
}

extension Request {
    func myPage<Body: Encodable>(_ view: String, title: String, _ body: Body, status: HTTPResponseStatus = .ok)
        async throws -> Response
    {
        // Before anyone signed in (the sign-in and activation forms) no session is made: a signed pre-sign-in token
        // (cookie and form field) guards the form instead.
        let signedIn = auth.has(CurrentMember.self) || auth.has(CurrentUser.self)
        let flash = signedIn || hasSession ? session.data["flash"] : nil
        if flash != nil { session.data["flash"] = nil }
        var layout = MyLayout(
            title: title, csrf: signedIn ? csrfToken : preSignInToken, name: auth.get(CurrentMember.self)?.name,
            flash: flash)
        if let m = auth.get(CurrentMember.self) {
            layout.unread = try await NotifyStore.inboxCount(
                "m:\(m.memberID.uuidString)", unreadOnly: true, on: db.sql())
        }
        let res = try await self.view.render(view, MyPage(layout: layout, body: body)).encodeResponse(for: self)
        res.status = status
        setPreSignInCookie(on: res)
        return res
    }
}
