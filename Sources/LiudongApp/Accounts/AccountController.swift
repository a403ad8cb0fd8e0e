import Fluent
import LiudongCore
import Vapor

/// Account pages for administrators, within their scope.
struct AccountController {
    func boot(_ r: FeatureRoutes) throws {
        let accounts = r.signedIn(.manageAccounts).grouped("accounts")
        accounts.get(use: index)
        accounts.get("new", use: new)
        accounts.post(use: create)
        accounts.post(":id", "disable", use: disable)
        accounts.post(":id", "enable", use: enable)
        accounts.post(":id", "password", use: resetPassword)
        accounts.post(":id", "delete", use: delete)
    }

    struct Row: Encodable {
        var id: String
        var username: String
        var displayName: String
        var role: String
        var org: String
        var disabled: Bool
        var locked: Bool
        var lastSignIn: String
        var isSelf: Bool
    }
    struct IndexView: Encodable { var rows: [Row] }

    private func requireAdmin(_ req: Request) throws -> CurrentUser {
        let user = try req.user
        try user.require(.manageAccounts)
        return user
    }

    /// Accounts whose scope organization lies in the admin's scope (external ones too for a city admin).
    static func accounts(for user: CurrentUser, on db: Database) async throws -> [(Account, Organization)] {
        try await AccountService.accounts(for: user, on: db)
    }

    func index(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        let rows = try await Self.accounts(for: user, on: req.db).map { a, o in
            Row(
                id: a.id!.uuidString, username: a.username, displayName: a.displayName, role: a.role.label,
                org: o.shortName,
                disabled: a.disabledAt != nil, locked: (a.lockedUntil ?? .distantPast) > AppClock.now,
                lastSignIn: Format.dateTime(a.lastSignInAt), isSelf: a.id == user.accountID)
        }
        return try await req.page("accounts/index", title: "账号管理", IndexView(rows: rows))
    }

    struct Form: Content {
        var username: String?
        var displayName: String?
        var password: String?
        var role: String?
        var orgCode: String?
    }
    struct FormView: Encodable {
        var form: Form
        var errors: [String: String]
        var roles: [SelectOption]
        var orgs: [SelectOption]
    }

    private func formView(_ req: Request, _ user: CurrentUser, form: Form, errors: [FieldError]) async throws
        -> FormView
    {
        let orgs = try await AccountService.openOrganizations(for: user, on: req.db)
        return FormView(
            form: form, errors: errors.byField,
            roles: Role.options(selected: form.role),
            orgs: orgs.map {
                SelectOption(
                    value: $0.code, label: "\($0.code) \($0.shortName)（\($0.typeLabel)）",
                    selected: $0.code == form.orgCode)
            })
    }

    func new(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        return try await req.page(
            "accounts/form", title: "新建账号", try await formView(req, user, form: Form(), errors: []))
    }

    func create(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        let f = try req.content.decode(Form.self)
        guard let role = f.role.flatMap(Role.init(rawValue:)) else {
            return try await req.page(
                "accounts/form", title: "新建账号",
                try await formView(req, user, form: f, errors: [FieldError("role", "请选择角色")]),
                status: .unprocessableEntity)
        }
        do {
            let a = try await AccountService.create(
                .init(
                    username: f.username ?? "", displayName: f.displayName ?? "", password: f.password ?? "",
                    role: role, orgCode: f.orgCode ?? ""), creator: user, bcryptCost: req.settings.passwordCost,
                on: req.db)
            try await req.audit(.create, "account", ref: a.username, summary: "新建账号\(a.username)（\(a.role.label)）")
            return req.redirect(to: "/accounts", flash: "已新建账号\(a.username)")
        } catch AppError.invalid(let errors) {
            var kept = f
            kept.password = nil
            return try await req.page(
                "accounts/form", title: "新建账号", try await formView(req, user, form: kept, errors: errors),
                status: .unprocessableEntity)
        }
    }

    private func target(_ req: Request, _ user: CurrentUser) async throws -> Account {
        guard let id = req.parameters.get("id", as: UUID.self),
            let a = try await Self.accounts(for: user, on: req.db).first(where: { $0.0.id == id })?.0
        else { throw AppError.notFound }
        return a
    }

    func disable(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        let a = try await target(req, user)
        guard a.id != user.accountID else { return req.redirect(to: "/accounts", flash: "不能停用自己的账号") }
        a.disabledAt = AppClock.now
        try await a.update(on: req.db)
        try await AuthService.revokeTokens(of: a.requireID(), on: req.db)
        try await req.audit(.update, "account", ref: a.username, summary: "停用账号\(a.username)")
        return req.redirect(to: "/accounts", flash: "已停用\(a.username)")
    }

    func enable(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        let a = try await target(req, user)
        a.disabledAt = nil
        a.lockedUntil = nil
        a.failedCount = 0
        try await a.update(on: req.db)
        try await req.audit(.update, "account", ref: a.username, summary: "启用（解锁）账号\(a.username)")
        return req.redirect(to: "/accounts", flash: "已启用\(a.username)")
    }

    struct PasswordForm: Content { var password: String? }

    func resetPassword(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        let a = try await target(req, user)
        let password = try req.content.decode(PasswordForm.self).password ?? ""
        if let e = AuthService.checkPassword(password) {
            return req.redirect(to: "/accounts", flash: "\(a.username)：\(e.message)")
        }
        a.passwordHash = try await AuthService.hash(
            password, cost: req.settings.passwordCost, on: req.application.threadPool)
        a.failedCount = 0
        a.lockedUntil = nil
        a.passwordChangedAt = AppClock.now  // every web session of the account ends
        try await a.update(on: req.db)
        try await AuthService.revokeTokens(of: a.requireID(), on: req.db)
        try await req.audit(.update, "account", ref: a.username, summary: "重置账号\(a.username)的密码")
        return req.redirect(to: "/accounts", flash: "已重置\(a.username)的密码")
    }

    func delete(req: Request) async throws -> Response {
        let user = try requireAdmin(req)
        let a = try await target(req, user)
        guard a.id != user.accountID else { return req.redirect(to: "/accounts", flash: "不能删除自己的账号") }
        try await a.delete(on: req.db)
        try await req.audit(.delete, "account", ref: a.username, summary: "删除账号\(a.username)（\(a.role.label)）")
        return req.redirect(to: "/accounts", flash: "已删除\(a.username)")
    }
}
