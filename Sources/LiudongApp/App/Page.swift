import LiudongCore
import Vapor

/// What every page's layout needs: title, navigation for the role, CSRF token, flash message.
struct Layout: Encodable {
    struct NavItem: Encodable { var href: String; var label: String; var active: Bool; var badge: Int? = nil }
    var title: String
    var csrf: String
    var user: UserBadge?
    var nav: [NavItem]
    var flash: String?
}

struct UserBadge: Encodable {
    var displayName: String
    var username: String
    var roleLabel: String
    var scopeName: String
}

/// A page: the layout plus the page's own view model.
struct Page<Body: Encodable>: Encodable {
    var layout: Layout
    var body: Body
}

extension Request {
    /// Renders a Leaf view inside the common layout.
    func page<Body: Encodable>(_ view: String, title: String, _ body: Body, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = auth.get(CurrentUser.self)
        // A bearer-token client has no session and posts no forms: do not create one for it.
        let viaToken = user?.viaToken == true
        // Nor for a stranger's page view (an error page, a 404): only the sign-in form needs a session before sign-in.
        let needsSession = !viaToken && (user != nil || view == "login")
        let flash = needsSession || hasSession ? session.data["flash"] : nil
        if flash != nil { session.data["flash"] = nil }
        let layout = Layout(title: title, csrf: needsSession ? csrfToken : "", user: user.map {
            UserBadge(displayName: $0.displayName, username: $0.username, roleLabel: $0.role.label, scopeName: $0.scopeName)
        }, nav: try await user.asyncMap { u in
            var items = Self.nav(for: u, path: url.path)
            let unread = try await NoticeController.unreadCount(for: u, on: db)
            items.append(.init(href: "/inbox", label: "消息", active: url.path == "/inbox", badge: unread > 0 ? unread : nil))
            return items
        } ?? [], flash: flash)
        let view = try await self.view.render(view, Page(layout: layout, body: body))
        let res = try await view.encodeResponse(for: self)
        res.status = status
        return res
    }

    /// Redirects with a one-time message shown on the next page.
    func redirect(to path: String, flash: String) -> Response {
        session.data["flash"] = flash
        return redirect(to: path)
    }

    static func nav(for user: CurrentUser, path: String) -> [Layout.NavItem] {
        var items: [(String, String)] = [("/", "首页"), ("/orgs", "组织架构"), ("/members", "党员花名册"), ("/ledger", "台账"), ("/stats", "统计"), ("/reviews", "报到审核"), ("/reconcile", "对账")]
        if user.role == .admin || user.role == .orgDept { items.append(("/imports", "数据导入")) }
        if user.role == .inflow { items = [("/", "首页"), ("/orgs/\(user.scopeCode)", "本组织"), ("/members", "报到党员"), ("/reviews", "报到确认"),
                                           ("/imports", "流入名单"), ("/reconcile", "对账")] }
        if user.role.canManageAccounts { items.append(("/accounts", "账号管理")) }
        if user.role.canReadAudit { items.append(("/audit", "审计日志")) }
        return items.map { href, label in
            Layout.NavItem(href: href, label: label, active: href == "/" ? path == "/" : path.hasPrefix(href))
        }
    }

    /// An integer query parameter, clamped to at least 1.
    func pageNumber() -> Int { min(max(1, (try? query.get(Int.self, at: "page")) ?? 1), 1_000_000) }
}

/// A labelled option of a `<select>`.
struct SelectOption: Encodable {
    var value: String
    var label: String
    var selected: Bool
}

extension Labelled {
    static func options(selected: String?) -> [SelectOption] {
        allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected || $0.label == selected) }
    }
}
