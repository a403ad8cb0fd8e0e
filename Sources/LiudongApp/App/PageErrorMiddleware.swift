import Vapor

/// Turns every error into the DESIGN §3 JSON shape under /api, and into a Chinese error page elsewhere.
struct PageErrorMiddleware: AsyncMiddleware {
    let environment: Environment

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let (status, code, message, fields) = describe(error, req: req)
            if status.code >= 500 {
                req.logger.report(error: error)
            }
            if req.url.path.hasPrefix("/api/") || req.url.path == "/healthz" {
                let body = ErrorBody(error: .init(code: code, message: message, fields: fields))
                let res = Response(status: status)
                try res.content.encode(body, as: .json)
                if let e = error as? AppError {
                    for (k, v) in e.headers { res.headers.replaceOrAdd(name: k, value: v) }
                }
                if status == .serviceUnavailable { res.headers.replaceOrAdd(name: .retryAfter, value: "5") }
                return res
            }
            struct ErrorView: Encodable {
                var status: UInt
                var heading: String
                var message: String
            }
            let heading: String
            switch status.code {
            case 401: heading = "请先登录"
            case 403: heading = "没有权限"
            case 404: heading = "页面不存在"
            case 429: heading = "请稍后再试"
            case 400..<500: heading = "请求有误"
            default: heading = "系统出错了"
            }
            do {
                let res = try await req.page(
                    "error", title: heading, ErrorView(status: status.code, heading: heading, message: message),
                    status: status)
                if let e = error as? AppError {
                    for (k, v) in e.headers { res.headers.replaceOrAdd(name: k, value: v) }
                }
                if status == .serviceUnavailable { res.headers.replaceOrAdd(name: .retryAfter, value: "5") }
                return res
            } catch {
                let res = Response(status: status, body: .init(string: "\(status.code) \(message)"))
                res.headers.contentType = .plainText
                return res
            }
        }
    }

    private func describe(_ error: Error, req: Request) -> (HTTPResponseStatus, String, String, [FieldError]) {
        switch error {
        case let e as AppError:
            return (e.status, e.code, e.reason, e.fields)
        case let e as DecodingError:
            return (.badRequest, "bad_request", "提交的数据格式不正确：\(Self.describe(e))", [])
        case let e as AbortError:
            let message: String
            switch e.status {
            case .notFound: message = "您要找的页面不存在"
            case .payloadTooLarge: message = "提交的内容过大"
            case .unsupportedMediaType: message = "不支持的提交格式"
            case .methodNotAllowed: message = "不支持该请求方式"
            default:
                message =
                    e.reason.unicodeScalars.contains(where: { $0.value > 0x2E80 })
                    ? e.reason
                    : (e.status.code < 500 ? "请求有误（\(e.status.code)）" : "系统出错了，请稍后再试")
            }
            return (
                e.status, e.status.code == 403 ? "forbidden" : e.status.code == 404 ? "not_found" : "error", message, []
            )
        case is ConnectionPoolTimeoutError:
            // Every database connection stayed busy past the pool's wait: overload, not a fault — say so.
            return (.serviceUnavailable, "busy", "系统繁忙，请稍后再试", [])
        default:
            return (.internalServerError, "internal", "系统出错了，请稍后再试；如多次出现请联系管理员", [])
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let key, _): return "缺少字段 \(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "无法解析" : "字段 \(path) 的值不正确"
        @unknown default: return "无法解析"
        }
    }
}
