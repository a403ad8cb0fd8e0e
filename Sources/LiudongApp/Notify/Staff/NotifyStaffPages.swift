import Fluent
import LiudongCore
import Vapor

/// The staff's view of notifications (`/notifications`, `GET /api/v1/notifications/figures`): per day and category,
/// messages sent, delivered, failed, held in the inbox and waiting, under an organization; the provider (and its
/// balance where its API gives one). And a branch's group list (`/notifications/group-list`, `.xlsx`, copyable text):
/// what to send to whom through the branch's own WeChat group, for branches that notify that way.
struct NotifyStaffPages {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewMembers)
        view.get("notifications", use: page)
        view.get("api", "v1", "notifications", "figures", use: api)
        view.get("notifications", "group-list", use: groupList)
        view.get("notifications", "group-list", "export", use: export)
    }

    struct Figure: Content {
        var day: String
        var category: String
        var label: String
        var sent: Int
        var delivered: Int
        var failed: Int
        var held: Int
        var queued: Int
    }

    struct Figures: Content {
        var org: String
        var name: String
        var provider: String
        var balance: String
        var days: Int
        var figures: [Figure]
    }

    static func figures(_ req: Request, of org: Organization) async throws -> Figures {
        let days = min(max((try? req.query.get(Int.self, at: "days")) ?? 14, 1), 92)
        let since = AppClock.today.adding(days: -(days - 1)).description
        let rows = try await NotifyStore.figures(under: org.path, since: since, on: req.db.sql())
        var merged: [String: Figure] = [:]
        var order: [String] = []
        for r in rows {
            let key = r.day + "|" + r.category
            if merged[key] == nil {
                order.append(key)
                merged[key] = Figure(
                    day: r.day, category: r.category, label: NotifyCategory(rawValue: r.category)?.label ?? r.category,
                    sent: 0, delivered: 0, failed: 0, held: 0, queued: 0)
            }
            switch OutboxStatus(rawValue: r.status) {
            case .sent: merged[key]?.sent += r.n
            case .delivered:
                merged[key]?.delivered += r.n
                merged[key]?.sent += r.n
            case .failed: merged[key]?.failed += r.n
            case .suppressed: merged[key]?.held += r.n
            case .queued, .sending, nil: merged[key]?.queued += r.n
            }
        }
        let provider = req.settings.notify.provider
        return Figures(
            org: org.code, name: org.name,
            provider: provider == nil ? "未配置（消息留在党员手机端的“消息”和党支部的群发清单中）" : "阿里云短信服务",
            balance: provider == nil ? "—" : "阿里云短信接口不提供余额查询，请在阿里云控制台“费用”中查看",
            days: days, figures: order.compactMap { merged[$0] })
    }

    struct PageView: Encodable {
        var f: Figures
        var today: String
        var branch: Bool
    }

    func page(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let f = try await Self.figures(req, of: org)
        return try await req.page(
            "notifications/figures", title: "短信通知",
            PageView(f: f, today: AppClock.today.description, branch: org.level == .branch || org.kind == .mobile))
    }

    func api(req: Request) async throws -> Figures {
        try await Self.figures(req, of: req.treeScopeOrganization())
    }

    struct Line: Encodable {
        var name: String
        var title: String
        var text: String
        var sms: String
    }

    struct List: Encodable {
        var code: String
        var name: String
        var day: String
        var lines: [Line]
        var copyText: String
    }

    static let listLimit = 2000

    static func list(_ req: Request) async throws -> List {
        let org = try await req.treeScopeOrganization()
        let day = (try? req.query.get(String.self, at: "day")).flatMap { CalendarDate($0) } ?? AppClock.today
        let rows = try await NotifyStore.groupList(
            org: org.id!, day: day.description, limit: listLimit, on: req.db.sql())
        let lines = rows.map { r -> Line in
            let event = NotifyEvent(rawValue: r.event)
            var sms = OutboxStatus(rawValue: r.status)?.label ?? r.status
            if let why = r.held.flatMap(NotifyRules.Held.init(rawValue:)) { sms += "（\(why.label)）" }
            return Line(
                name: r.name ?? "党支部书记", title: event?.label ?? r.event, text: event?.text(stored: r.params) ?? "",
                sms: sms)
        }
        let copy = lines.map { "@\($0.name) \($0.text)" }.joined(separator: "\n")
        return List(code: org.code, name: org.name, day: day.description, lines: lines, copyText: copy)
    }

    func groupList(req: Request) async throws -> Response {
        let list = try await Self.list(req)
        return try await req.page("notifications/group-list", title: "群发清单", list)
    }

    func export(req: Request) async throws -> Response {
        let list = try await Self.list(req)
        let path = try PrivateFiles.make(req.application, "exports", name: UUID().uuidString + ".xlsx")
        let book = try LedgerXLSXWriter(path: path)
        try book.writeTable(
            sheet: "群发清单", title: "\(list.name) \(list.day) 通知群发清单",
            header: ["序号", "姓名", "事项", "内容", "短信情况"],
            rows: list.lines.enumerated().map { i, l in ["\(i + 1)", l.name, l.title, l.text, l.sms] },
            numberColumns: [0], widths: [8, 12, 22, 60, 30])
        try book.close()
        try await req.audit(.export, "notify-group-list", ref: list.code, summary: "导出通知群发清单：\(list.name) \(list.day)")
        return try await req.download(
            path, kind: .xlsx, name: "群发清单_\(list.code)_\(list.day).xlsx",
            fallback: "group_list_\(list.code)_\(list.day).xlsx")
    }
}
