import Fluent
import LiudongCore
import Vapor

/// The audit log page: filter by action, user, text and date; orgDept and admin only, within scope.
struct AuditController {
    static let pageSize = 50
    static let objectLabels = ["account": "账号", "member": "党员", "organization": "组织", "demo": "演示数据"]

    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.readAudit).get("audit", use: index)
    }

    struct Filter: Content {
        var action: String?
        var user: String?
        var q: String?
        var from: String?
        var to: String?
        var page: Int?
    }
    struct Row: Encodable {
        var at: String
        var username: String
        var action: String
        var object: String
        var summary: String
        var client: String
    }
    struct IndexView: Encodable {
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var filter: Filter
        var actions: [SelectOption]
        var prev: String?
        var next: String?
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.readAudit)
        let f = try req.query.decode(Filter.self)
        let q = try AuditStore.query(f, for: user, on: req.db)
        let total = try await q.count()
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(1, f.page ?? 1), pages)
        let entries = try await q.sort(\.$id, .descending).range(((page - 1) * Self.pageSize)..<(page * Self.pageSize))
            .all()
        func link(_ p: Int) -> String {
            var c = URLComponents()
            c.queryItems =
                [("action", f.action), ("user", f.user), ("q", f.q), ("from", f.from), ("to", f.to)]
                .compactMap { k, v in v.map { URLQueryItem(name: k, value: $0) } } + [
                    URLQueryItem(name: "page", value: "\(p)")
                ]
            return "/audit?" + (c.percentEncodedQuery ?? "")
        }
        let rows = entries.map {
            Row(
                at: Format.dateTime($0.at), username: $0.username,
                action: AuditAction(rawValue: $0.action)?.label ?? $0.action,
                object: [Self.objectLabels[$0.objectType] ?? $0.objectType, $0.objectRef].compactMap { $0 }.joined(
                    separator: " "), summary: $0.summary, client: $0.clientAddress)
        }
        let actions = AuditAction.allCases.map {
            SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == f.action)
        }
        return try await req.page(
            "audit/index", title: "审计日志",
            IndexView(
                rows: rows, total: total, page: page, pages: pages, filter: f, actions: actions,
                prev: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil))
    }
}
