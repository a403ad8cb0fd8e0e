import Fluent
import LiudongCore
import Vapor

/// The member's inbox on the phone (`/my/notifications`, `GET /api/v1/my/notifications`): every message sent to
/// them, whatever became of its SMS, each with the page where it is dealt with; and their switches
/// (`/my/notifications/settings`): each category on or off (security messages always on).
struct MyNotificationsPages {
    static let pageSize = 30

    func boot(_ r: FeatureRoutes) throws {
        r.member.get("my", "notifications", use: page)
        r.member.get("my", "notifications", ":id", use: open)
        r.member.get("my", "notifications", "settings", use: settings)
        r.member.post("my", "notifications", "settings", use: saveSettings)
        r.member.get("api", "v1", "my", "notifications", use: api)
        r.member.post("api", "v1", "my", "notifications", "read", use: readAPI)
        r.member.get("api", "v1", "my", "notifications", "settings", use: settingsAPI)
        r.member.put("api", "v1", "my", "notifications", "settings", use: saveSettingsAPI)
    }

    struct Item: Content {
        var id: Int64
        var event: String
        var category: String
        var title: String
        var text: String
        var link: String?
        /// What to do there: 请确认, 去答题, 查看…
        var action: String?
        var createdAt: Date
        /// The same in Beijing time, as the page shows it.
        var at: String
        var read: Bool
        /// What became of the SMS: 已发送, 已送达, 仅站内 (and why), 待发送…
        var sms: String
    }

    struct Listing: Content {
        var unread: Int
        var total: Int
        var page: Int
        var pages: Int
        var items: [Item]
    }

    static func item(_ r: NotifyStore.InboxRow) -> Item {
        let event = NotifyEvent(rawValue: r.event)
        var sms = OutboxStatus(rawValue: r.status)?.label ?? r.status
        if let why = r.held.flatMap(NotifyRules.Held.init(rawValue:)) { sms += "（\(why.label)）" }
        return Item(
            id: r.id, event: r.event, category: event?.category.rawValue ?? "", title: event?.label ?? r.event,
            text: event?.text(stored: r.params) ?? "", link: r.link, action: event.flatMap(Self.action),
            createdAt: r.created_at, at: Format.dateTime(r.created_at), read: r.read_at != nil, sms: sms)
    }

    static func action(_ e: NotifyEvent) -> String? {
        switch e {
        case .contactToConfirm: return "请确认"
        case .quizOpen: return "去答题"
        case .requestAnswered: return "查看并评价"
        case .requestAcknowledged, .requestTransferred: return "查看诉求"
        case .orgLifeTomorrow, .checkInCredited: return "查看组织生活"
        case .certificateExpiring: return "查看活动证"
        case .duesArrears, .duesPaid: return "查看党费"
        case .transferLetterIssued, .transferArrived: return "查看转接"
        case .redPackageSent: return "查看"
        case .activationCode, .sixMonthAlert, .digest: return nil
        }
    }

    static func listing(_ m: CurrentMember, page: Int, on db: Database) async throws -> Listing {
        let sql = try db.sql()
        let key = "m:\(m.memberID.uuidString)"
        let total = try await NotifyStore.inboxCount(key, on: sql)
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let page = min(max(1, page), pages)
        let rows = try await NotifyStore.inbox(key, limit: pageSize, offset: (page - 1) * pageSize, on: sql)
        return Listing(
            unread: try await NotifyStore.inboxCount(key, unreadOnly: true, on: sql), total: total, page: page,
            pages: pages, items: rows.map(Self.item))
    }

    struct PageView: Encodable {
        var listing: Listing
        var prev: String?
        var next: String?
    }

    /// The inbox; the page shown marks its messages read.
    func page(req: Request) async throws -> Response {
        let m = try req.member
        let listing = try await Self.listing(m, page: req.pageNumber(), on: req.db)
        let view = PageView(
            listing: listing,
            prev: listing.page > 1 ? "/my/notifications?page=\(listing.page - 1)" : nil,
            next: listing.page < listing.pages ? "/my/notifications?page=\(listing.page + 1)" : nil)
        let res = try await req.myPage("my/notifications", title: "消息", view)
        if listing.items.contains(where: { !$0.read }) {
            try await NotifyStore.markRead("m:\(m.memberID.uuidString)", at: AppClock.now, on: req.db.sql())
        }
        return res
    }

    /// Follows one message to where it is dealt with (marking it read).
    func open(req: Request) async throws -> Response {
        let m = try req.member
        let key = "m:\(m.memberID.uuidString)"
        guard let id = req.parameters.get("id").flatMap({ Int64($0) }),
            let row = try await NotifyStore.message(id, of: key, on: req.db.sql())
        else { throw AppError.notFound }
        try await NotifyStore.markRead(key, id: id, at: AppClock.now, on: req.db.sql())
        let link = row.link.flatMap { $0.hasPrefix("/my") ? $0 : nil } ?? "/my/notifications"
        return req.redirect(to: link)
    }

    func api(req: Request) async throws -> Listing {
        try await Self.listing(try req.member, page: req.pageNumber(), on: req.db)
    }

    struct ReadInput: Content {
        var ids: [Int64]?
    }

    /// `POST /api/v1/my/notifications/read` `{"ids":[…]}` (no ids: all) → the listing's first page.
    func readAPI(req: Request) async throws -> Listing {
        let m = try req.member
        let input = (try? req.content.decode(ReadInput.self)) ?? ReadInput(ids: nil)
        let key = "m:\(m.memberID.uuidString)"
        let sql = try req.db.sql()
        if let ids = input.ids {
            guard ids.count <= 500 else { throw AppError.invalid([FieldError("ids", "一次最多标记500条")]) }
            for id in ids { try await NotifyStore.markRead(key, id: id, at: AppClock.now, on: sql) }
        } else {
            try await NotifyStore.markRead(key, at: AppClock.now, on: sql)
        }
        return try await Self.listing(m, page: 1, on: req.db)
    }

    struct Switch: Content {
        var category: String
        var label: String
        var on: Bool
        var alwaysOn: Bool
    }

    struct Switches: Content {
        var switches: [Switch]
        var quietHours: String
        var weeklyCap: Int
    }

    static func switches(_ muted: Set<NotifyCategory>, settings: NotifySettings) -> Switches {
        Switches(
            switches: [
                Switch(
                    category: NotifyCategory.security.rawValue, label: NotifyCategory.security.label, on: true,
                    alwaysOn: true)
            ]
                + NotifyCategory.switchable.map {
                    Switch(category: $0.rawValue, label: $0.label, on: !muted.contains($0), alwaysOn: false)
                },
            quietHours: settings.policy.quiet.text, weeklyCap: settings.policy.weeklyCap)
    }

    func settings(req: Request) async throws -> Response {
        let m = try req.member
        let muted = try await NotifyStore.muted("m:\(m.memberID.uuidString)", on: req.db.sql())
        return try await req.myPage(
            "my/notification-settings", title: "短信设置", Self.switches(muted, settings: req.settings.notify))
    }

    func settingsAPI(req: Request) async throws -> Switches {
        let m = try req.member
        let muted = try await NotifyStore.muted("m:\(m.memberID.uuidString)", on: req.db.sql())
        return Self.switches(muted, settings: req.settings.notify)
    }

    /// The form sends the categories left on (`on[]`); everything switchable not among them is off.
    struct Form: Content {
        var on: [String]?
    }

    func saveSettings(req: Request) async throws -> Response {
        let m = try req.member
        let on = Set(((try? req.content.decode(Form.self))?.on ?? []).compactMap(NotifyCategory.init(rawValue:)))
        let muted = Set(NotifyCategory.switchable.filter { !on.contains($0) })
        try await NotifyStore.setMuted("m:\(m.memberID.uuidString)", muted, at: AppClock.now, on: req.db.sql())
        return req.redirect(to: "/my/notifications", flash: "短信设置已保存")
    }

    struct SwitchInput: Content {
        var off: [String]?
    }

    /// `PUT /api/v1/my/notifications/settings` `{"off":["quiz",…]}`: the categories switched off (security cannot be).
    func saveSettingsAPI(req: Request) async throws -> Switches {
        let m = try req.member
        let input = try req.content.decode(SwitchInput.self)
        var muted = Set<NotifyCategory>()
        for raw in input.off ?? [] {
            guard let c = NotifyCategory(rawValue: raw), NotifyCategory.switchable.contains(c) else {
                throw AppError.invalid([FieldError("off", "无法关闭的类别：\(raw.prefix(30))（账号安全类消息始终发送）")])
            }
            muted.insert(c)
        }
        try await NotifyStore.setMuted("m:\(m.memberID.uuidString)", muted, at: AppClock.now, on: req.db.sql())
        return Self.switches(muted, settings: req.settings.notify)
    }
}
