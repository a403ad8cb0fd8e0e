import Vapor

/// One bad field of a form or JSON body, with its Chinese message.
public struct FieldError: Content, Equatable, Sendable {
    public var field: String
    public var message: String
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

extension Array where Element == FieldError {
    /// Messages keyed by field, the first message per field, for showing beside each input.
    var byField: [String: String] {
        Dictionary(map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Errors a user may see; the database's own text never reaches them.
public enum AppError: AbortError, Sendable {
    case notFound
    case forbidden
    case unauthorized
    case invalid([FieldError])
    case conflict(String)
    case badRequest(String)
    case rateLimited(retryAfter: Int)
    /// A wrong username or password through the API: 401 with the field's message.
    case signInFailed([FieldError])

    public var status: HTTPResponseStatus {
        switch self {
        case .notFound: return .notFound
        case .forbidden: return .forbidden
        case .unauthorized: return .unauthorized
        case .invalid: return .unprocessableEntity
        case .conflict: return .conflict
        case .badRequest: return .badRequest
        case .rateLimited: return .tooManyRequests
        case .signInFailed: return .unauthorized
        }
    }

    public var headers: HTTPHeaders {
        if case .rateLimited(let s) = self { return ["Retry-After": "\(s)"] }
        return [:]
    }

    public var code: String {
        switch self {
        case .notFound: return "not_found"
        case .forbidden: return "forbidden"
        case .unauthorized: return "unauthorized"
        case .invalid: return "invalid"
        case .conflict: return "conflict"
        case .badRequest: return "bad_request"
        case .rateLimited: return "rate_limited"
        case .signInFailed: return "unauthorized"
        }
    }

    public var reason: String {
        switch self {
        case .notFound: return "您要找的内容不存在，或不在您的管理范围内"
        case .forbidden: return "您没有权限进行此操作"
        case .unauthorized: return "请先登录"
        case .invalid(let f): return f.count == 1 ? f[0].message : "有\(f.count)处填写有误，请按提示修改"
        case .conflict(let m): return m
        case .badRequest(let m): return m
        case .rateLimited(let s): return "提交过于频繁，请\(s)秒后再试"
        case .signInFailed(let f): return f.first?.message ?? "用户名或密码不正确"
        }
    }

    public var fields: [FieldError] {
        if case .invalid(let f) = self { return f }
        if case .signInFailed(let f) = self { return f }
        return []
    }
}

/// The API error body of DESIGN §3.
struct ErrorBody: Content {
    struct Inner: Content {
        var code: String
        var message: String
        var fields: [FieldError]
    }
    var error: Inner
}
