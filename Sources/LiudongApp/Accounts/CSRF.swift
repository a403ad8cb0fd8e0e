import LiudongCore
import Vapor

/// Every state-changing request made with the session cookie must carry the session's CSRF token,
/// as the `_csrf` form field or the `X-CSRF-Token` header. Bearer-token API calls carry no cookie and are exempt.
struct CSRFMiddleware: AsyncMiddleware {
    /// Public endpoints that act for no signed-in account: nothing for a forged request to borrow.
    static let exempt: Set<String> = [
        "/api/v1/session", "/api/v1/self-reports", "/api/v1/member-session", "/api/v1/member-activation",
    ]
    static let exemptPrefixes = ["/r/"]

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(req.method),
            req.headers.bearerAuthorization == nil,
            !Self.exempt.contains(req.url.path), !Self.exemptPrefixes.contains(where: { req.url.path.hasPrefix($0) })
        else {
            return try await next.respond(to: req)
        }
        // No session, no token to compare with: refuse before reading a byte of the body.
        guard req.hasSession, let expected = req.session.data["csrf"] else { throw Self.refusal(req) }
        var sent = req.headers.first(name: "X-CSRF-Token")
        if sent == nil {
            // A body larger than the first read arrives as a stream and is collected by the route, after this
            // middleware: collect it here first (up to the route's own limit) so that `_csrf` can be read.
            if req.body.data == nil {
                _ = try await req.body.collect(max: Self.uploadLimit(for: req.url.path) ?? Self.formLimit).get()
            }
            sent = try? req.content.get(String.self, at: "_csrf")
        }
        guard let sent, constantTimeEqual(sent, expected) else { throw Self.refusal(req) }
        return try await next.respond(to: req)
    }

    /// The national import's streaming route, and its limit (the route itself says the same).
    static let uploadPath = "/imports"
    static let uploadLimit = 100 << 20
    /// Every other form's limit (as `routes.defaultMaxBodySize`).
    static let formLimit = 1 << 20
    /// A signed agreement's scan: 10 MB of file plus the form around it.
    static let scanLimit = 11 << 20
    /// A diary photo: 5 MB of image plus the form around it.
    static let photoLimit = 6 << 20

    /// The streaming routes and their limits.
    static func uploadLimit(for path: String) -> Int? {
        if path == uploadPath { return uploadLimit }
        let parts = path.split(separator: "/")
        if parts.count == 3, parts[0] == "agreements", parts[2] == "scan" { return scanLimit }
        if parts.count == 3, parts[0] == "org-life", parts[2] == "attachments" { return scanLimit }
        if path == "/learning/questions/import" { return scanLimit }
        if path == "/my/diary" || path == "/my/points/claims" { return photoLimit }
        return nil
    }

    private static func refusal(_ req: Request) -> Abort {
        req.logger.notice("CSRF token missing or wrong", metadata: ["path": .string(req.url.path)])
        return Abort(.forbidden, reason: "表单已过期或来源不明（CSRF校验失败），请刷新页面后重试")
    }

}

/// Compares two secrets (tokens, signatures) in time that does not depend on where they first differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

extension Request {
    /// The session's CSRF token, created on first use.
    var csrfToken: String {
        if let t = session.data["csrf"] { return t }
        let t = [UInt8].random(count: 24).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "+", with: "-")
        session.data["csrf"] = t
        // Every session knows when it began, so `liudong sweep` can purge the ones nobody signed in with.
        if session.data["since"] == nil { session.data["since"] = String(AppClock.now.timeIntervalSince1970) }
        return t
    }
}
