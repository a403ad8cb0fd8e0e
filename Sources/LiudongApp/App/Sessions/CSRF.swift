import LiudongCore
import NIOConcurrencyHelpers
import Vapor

private struct PreSignInKey: StorageKey { typealias Value = String }

/// Every state-changing request made with the session cookie must carry the session's CSRF token,
/// as the `_csrf` form field or the `X-CSRF-Token` header. Bearer-token API calls carry no cookie and are exempt.
struct CSRFMiddleware: AsyncMiddleware {
    /// Public endpoints that act for no signed-in account: nothing for a forged request to borrow.
    static let exempt: Set<String> = [
        "/api/v1/session", "/api/v1/self-reports", "/api/v1/member-session", "/api/v1/member-activation",
    ]
    /// The SMS provider's delivery reports carry their own secret in the path (`SMSReportAPI`).
    static let exemptPrefixes = ["/r/", "/api/v1/notify/sms-reports/"]

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        // Large bodies first: who may send one, and how many at once (one middleware hop less per request).
        guard try UploadGate.admit(req) else { return try await checked(req, next) }
        defer { req.application.uploadSlots.release() }
        return try await checked(req, next)
    }

    private func checked(_ req: Request, _ next: AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(req.method),
            req.headers.bearerAuthorization == nil,
            !Self.exempt.contains(req.url.path), !Self.exemptPrefixes.contains(where: { req.url.path.hasPrefix($0) })
        else {
            return try await next.respond(to: req)
        }
        // What the sent token must equal: the session's, or — on the sign-in forms, before anyone signed in — the
        // signed pre-sign-in cookie's (no session row exists for a stranger; issue 25 item 10). Neither: refuse
        // before reading a byte of the body.
        let preSignIn = PreSignInToken.paths.contains(req.url.path) ? PreSignInToken.cookie(of: req) : nil
        let expected = req.hasSession ? req.session.data["csrf"] : nil
        guard expected != nil || preSignIn != nil else { throw Self.refusal(req) }
        var sent = req.headers.first(name: "X-CSRF-Token")
        if sent == nil {
            // A body larger than the first read arrives as a stream and is collected by the route, after this
            // middleware: collect it here first (up to the route's own limit) so that `_csrf` can be read. Bodies
            // beyond the form limit got here only for a signed-in account holding the route's permission, within
            // the node's upload slots (`UploadGate`).
            if req.body.data == nil {
                _ = try await req.body.collect(max: Self.uploadLimit(for: req.url.path) ?? Self.formLimit).get()
            }
            sent = try? req.content.get(String.self, at: "_csrf")
        }
        guard let sent,
            expected.map({ constantTimeEqual(sent, $0) }) == true
                || preSignIn.map({ constantTimeEqual(sent, $0) }) == true
        else { throw Self.refusal(req) }
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
    /// A point claim through the API: a 5 MB photo as base64 in JSON.
    static let claimLimit = 7 * 1024 * 1024 + 512 * 1024

    /// The streaming routes and their limits.
    static func uploadLimit(for path: String) -> Int? {
        if path == uploadPath { return uploadLimit }
        let parts = path.split(separator: "/")
        if parts.count == 3, parts[0] == "agreements", parts[2] == "scan" { return scanLimit }
        if parts.count == 3, parts[0] == "org-life", parts[2] == "attachments" { return scanLimit }
        if path == "/learning/questions/import" { return scanLimit }
        if parts.count == 4, parts[0] == "red-packages", parts[1] == "campaigns", parts[3] == "tracking" {
            return scanLimit
        }
        if path == "/reconcile/proxy/upload" { return uploadLimit }
        if path == "/reconcile/proxy/signoffs" { return scanLimit }
        if path == "/my/diary" || path == "/my/points/claims" { return photoLimit }
        if path == "/api/v1/my/points/claims" { return CSRFMiddleware.claimLimit }
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

/// The CSRF token of the sign-in forms before anyone signed in: a signed double-submit token. The page sets it as
/// an HttpOnly cookie and puts the same value in the form; the post must carry both, and the signature (a digest
/// under the data key, the same on every node) shows the server made it. Nothing is stored: a stranger's views of
/// `/login`, `/my/login` and `/my/activate` create no session row.
enum PreSignInToken {
    static let cookieName = "liudong_pre"
    static let paths: Set<String> = ["/login", "/my/login", "/my/activate"]

    static func make(cipher: FieldCipher) -> String {
        let nonce = [UInt8].random(count: 18).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "+", with: "-")
        return nonce + "." + signature(nonce, cipher: cipher)
    }

    static func signature(_ nonce: String, cipher: FieldCipher) -> String {
        String(cipher.digest("pre-sign-in-csrf", [nonce]).prefix(32))
    }

    static func isValid(_ token: String, cipher: FieldCipher) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.count <= 80, parts.count == 2, parts[0].count >= 16 else { return false }
        return constantTimeEqual(String(parts[1]), signature(String(parts[0]), cipher: cipher))
    }

    /// The request's valid pre-sign-in cookie, if any.
    static func cookie(of req: Request) -> String? {
        guard let value = req.cookies[cookieName]?.string, isValid(value, cipher: req.application.cipher) else {
            return nil
        }
        return value
    }
}

extension Request {
    /// The token for a sign-in form shown before anyone signed in: the cookie's when valid, else a new one that
    /// `setPreSignInCookie` puts on the response.
    var preSignInToken: String {
        if let t = storage[PreSignInKey.self] ?? PreSignInToken.cookie(of: self) { return t }
        let t = PreSignInToken.make(cipher: application.cipher)
        storage[PreSignInKey.self] = t
        return t
    }

    /// Sets the pre-sign-in cookie when this request made a new token.
    func setPreSignInCookie(on res: Response) {
        guard let t = storage[PreSignInKey.self] else { return }
        res.cookies[PreSignInToken.cookieName] = HTTPCookies.Value(
            string: t, expires: nil, maxAge: 8 * 3600, path: "/",
            isSecure: settings.baseURL.hasPrefix("https://"), isHTTPOnly: true, sameSite: .strict)
    }

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

/// Large bodies (beyond the form limit: imports, scans, attachments, photos) are read only for a signed-in account
/// or member that holds the route's permission — checked before the first byte — and at most
/// `LIUDONG_UPLOADS_IN_FLIGHT` at once on this node (429 beyond). A stranger's 100 MB post costs a refusal, not memory.
/// Asked first by `CSRFMiddleware` (bearer-token requests included).
enum UploadGate {
    /// Throws (401/403/404, or 429 when the node's slots are taken) before a byte of a large body is read unless the
    /// request may send it; true when it took an upload slot, which the caller releases when the request ends.
    static func admit(_ req: Request) throws -> Bool {
        guard req.method == .POST, req.body.data == nil, let route = req.route, isLarge(req) else { return false }
        if route.isMemberRoute {
            guard req.auth.has(CurrentMember.self) else { throw AppError.unauthorized }
        } else if let permissions = route.requiredPermissions {
            guard let user = req.auth.get(CurrentUser.self) else { throw AppError.unauthorized }
            guard permissions.contains(where: user.can) else {
                throw route.deniedStatus == .notFound ? AppError.notFound : AppError.forbidden
            }
        } else {
            // A public route reads at most its own small limit: nothing to gate.
            return false
        }
        guard req.application.uploadSlots.acquire(limit: req.settings.uploadsInFlight) else {
            throw AppError.rateLimited(retryAfter: 10)
        }
        return true
    }

    /// A body announced (or streaming without a length) beyond the form limit.
    static func isLarge(_ req: Request) -> Bool {
        guard let length = req.headers.first(name: .contentLength).flatMap(Int.init) else { return true }
        return length > CSRFMiddleware.formLimit
    }
}

/// Large uploads running on this node.
final class UploadSlots: Sendable {
    private let running = NIOLockedValueBox(0)

    func acquire(limit: Int) -> Bool {
        running.withLockedValue {
            guard $0 < limit else { return false }
            $0 += 1
            return true
        }
    }

    func release() { running.withLockedValue { $0 = max(0, $0 - 1) } }

    var count: Int { running.withLockedValue { $0 } }
}

extension Application {
    private struct UploadSlotsKey: StorageKey { typealias Value = UploadSlots }

    var uploadSlots: UploadSlots {
        if let s = storage[UploadSlotsKey.self] { return s }
        let s = UploadSlots()
        storage[UploadSlotsKey.self] = s
        return s
    }
}
