import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Each account's inbox: notices for organizations in its scope; opening the inbox marks them read.
struct NoticeController {
    static let pageSize = 50

    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.ownAccount).get("inbox", use: index)
    }

    struct Row: Encodable {
        var at: String
        var title: String
        var link: String
        var unread: Bool
        var kind: String
    }
    struct IndexView: Encodable {
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var prev: String?
        var next: String?
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        guard let account = try await Account.find(user.accountID, on: req.db) else { throw AppError.unauthorized }
        let q = NoticeStore.visible(for: user, on: req.db)
        let total = try await q.count()
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let page = min(req.pageNumber(), pages)
        let notices = try await q.sort(\.$id, .descending).range(((page - 1) * Self.pageSize)..<(page * Self.pageSize))
            .all()
        let watermark = account.noticesReadThrough
        if let newest = notices.first?.id, newest > watermark, page == 1 {
            account.noticesReadThrough = newest
            try await account.update(on: req.db)
            var seen = user
            seen.noticesReadThrough = newest
            req.auth.login(seen)
        }
        let rows = notices.map {
            Row(
                at: Format.dateTime($0.createdAt), title: $0.title, link: $0.link, unread: ($0.id ?? 0) > watermark,
                kind: NoticeKind(rawValue: $0.kind)?.label ?? $0.kind)
        }
        return try await req.page(
            "inbox", title: "消息",
            IndexView(
                rows: rows, total: total, page: page, pages: pages,
                prev: page > 1 ? "/inbox?page=\(page - 1)" : nil,
                next: page < pages ? "/inbox?page=\(page + 1)" : nil))
    }
}
