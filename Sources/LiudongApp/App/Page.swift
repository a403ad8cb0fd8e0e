import LiudongCore
import Vapor

/// What every page's layout needs: title, navigation for the role, CSRF token, flash message.
struct Layout: Encodable {
    struct NavItem: Encodable {
        var href: String
        var label: String
        var active: Bool
        var badge: Int? = nil
    }
    var title: String
    var csrf: String
    var user: UserBadge?
    var nav: [NavItem]
    /// The same entries grouped into the bar's menus (`Features.menus`).
    var menus: [NavMenu] = []
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
    func page<Body: Encodable>(_ view: String, title: String, _ body: Body, status: HTTPResponseStatus = .ok)
        async throws -> Response
    {
        let user = auth.get(CurrentUser.self)
        // A bearer-token client has no session and posts no forms: do not create one for it.
        let viaToken = user?.viaToken == true
        // Nor for a stranger's page view: the sign-in form carries a signed pre-sign-in token instead (a cookie and
        // the same value in the form), so no session row exists until someone signs in.
        let needsSession = !viaToken && user != nil
        let flash = needsSession || hasSession ? session.data["flash"] : nil
        if flash != nil { session.data["flash"] = nil }
        let csrf = needsSession ? csrfToken : view == "login" ? preSignInToken : ""
        let layout = Layout(
            title: title, csrf: csrf,
            user: user.map {
                UserBadge(
                    displayName: $0.displayName, username: $0.username, roleLabel: $0.role.label,
                    scopeName: $0.scopeName)
            },
            nav: [],
            menus: try await user.asyncMap {
                try await Features.menus(for: $0, path: url.path, features: application.features, on: db)
            } ?? [],
            flash: flash)
        let view = try await self.view.render(view, Page(layout: layout, body: body))
        let res = try await view.encodeResponse(for: self)
        res.status = status
        setPreSignInCookie(on: res)
        return res
    }

    /// Redirects with a one-time message shown on the next page.
    func redirect(to path: String, flash: String) -> Response {
        session.data["flash"] = flash
        return redirect(to: path)
    }

    /// Runs a form action and goes back with its message, or with the reasons it was refused (invalid fields,
    /// a conflict); other errors propagate to the error page.
    func act(back: String, _ body: () async throws -> String) async throws -> Response {
        do {
            return redirect(to: back, flash: try await body())
        } catch AppError.invalid(let errors) {
            return redirect(to: back, flash: errors.map(\.message).joined(separator: "；"))
        } catch AppError.conflict(let message) {
            return redirect(to: back, flash: message)
        }
    }

    /// An integer query parameter, clamped to at least 1.
    func pageNumber() -> Int { min(max(1, (try? query.get(Int.self, at: "page")) ?? 1), 1_000_000) }
}

/// A labelled option of a `<select>`.
struct SelectOption: Codable {
    var value: String
    var label: String
    var selected: Bool
}

extension Labelled {
    static func options(selected: String?) -> [SelectOption] {
        allCases.map {
            SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected || $0.label == selected)
        }
    }
}
