import Fluent
import Foundation
import LiudongCore

/// The bar's menus, grouped the way the model is taught: 首页 (待办), 报到审核, 对账, 台账与统计, 四项举措 (组织网络,
/// 结对帮带, 学习与组织生活, 积分), 五项机制 (诉求, 帮扶慰问, 人才回引, 评优表彰), 系统, and 消息. A group with one entry for
/// the account is a plain link; the others are `<details>` menus (touch and keyboard, no script). Each shows its
/// items' overdue counts from the account's last worklist (`WorklistCache`).
enum NavGroup: Int, CaseIterable, Sendable {
    case home, review, reconcile, ledgers, measures, mechanisms, system, inbox

    var label: String {
        switch self {
        case .home: return "首页"
        case .review: return "报到审核"
        case .reconcile: return "对账"
        case .ledgers: return "台账与统计"
        case .measures: return "四项举措"
        case .mechanisms: return "五项机制"
        case .system: return "系统"
        case .inbox: return "消息"
        }
    }

    static let sections = ["组织网络", "结对帮带", "学习与组织生活", "积分"]

    /// A section's place in its menu (entries without one first).
    static func rank(_ section: String?) -> Int { section.flatMap { sections.firstIndex(of: $0) }.map { $0 + 1 } ?? 0 }

    /// Where an entry goes, by its page, and the section it sits under in its menu.
    static func of(_ href: String) -> (group: NavGroup, section: String?) {
        let path = String(href.split(separator: "?").first ?? "")
        func under(_ prefix: String) -> Bool { path == prefix || path.hasPrefix(prefix + "/") }
        if path == "/" { return (.home, nil) }
        if under("/reviews") { return (.review, nil) }
        if under("/reconcile") || under("/imports") { return (.reconcile, nil) }
        if under("/orgs") || under("/members") || under("/transfers") || under("/national-todo")
            || under("/lost-contact") || under("/dues")
            || under("/roster") || under("/ledger")
            || under("/stats")
        {
            return (.ledgers, nil)
        }
        if under("/agreements") || under("/mobile-orgs") || under("/temporary-orgs") { return (.measures, "组织网络") }
        if under("/pairings") || under("/contacts") { return (.measures, "结对帮带") }
        if under("/org-life") || under("/learning") || under("/diaries") || under("/home-study")
            || under("/red-packages")
        {
            return (.measures, "学习与组织生活")
        }
        if under("/points") { return (.measures, "积分") }
        if under("/requests/calendar") { return (.system, nil) }
        if under("/requests") || under("/care") || under("/talent") || under("/awards") { return (.mechanisms, nil) }
        if under("/inbox") || under("/notifications") { return (.inbox, nil) }
        return (.system, nil)
    }
}

extension Layout {
    /// One entry of the bar: a link, or a menu of links.
    struct NavMenu: Encodable {
        struct Entry: Encodable {
            var href: String
            var label: String
            var active: Bool
            /// The section heading shown before this entry (when it starts one).
            var section: String?
            var count: Int?
            var overdue: Int?
        }
        var key: String
        var label: String
        /// A group with one entry: that entry's link.
        var href: String?
        var entries: [Entry]
        var active: Bool
        /// The group's work: overdue first (a red count), else how many are waiting.
        var overdue: Int?
        var count: Int?
        /// When the counts were taken ("截至 10:32").
        var countedAt: String?
    }
}

extension Features {
    /// The account's bar as menus (`navigation` grouped by `NavGroup`), with the counts of its last worklist.
    static func menus(for user: CurrentUser, path: String, features: [any Feature] = all, on db: Database)
        async throws -> [Layout.NavMenu]
    {
        let items = try await navigation(for: user, path: path, features: features, on: db)
        let cached = try await WorklistCache.read(for: user.username, on: db)
        // Each worklist item counts for the bar entry whose page it opens (or the first of its section's).
        var counts: [String: (n: Int, late: Int)] = [:]
        for w in cached?.items ?? [] {
            let (group, section) = NavGroup.of(w.href)
            // Unread notices are the 消息 entry's own count (its badge), not work of an organization.
            if group == .inbox { continue }
            let path = String(w.href.split(separator: "?").first ?? "")
            let target =
                items.filter {
                    !$0.href.isEmpty && $0.href != "/" && (path == $0.href || path.hasPrefix($0.href + "/"))
                }
                .max { $0.href.count < $1.href.count }
                ?? items.first { NavGroup.of($0.href) == (group, section) }
            guard let t = target else { continue }
            counts[t.href, default: (0, 0)].n += w.count
            counts[t.href, default: (0, 0)].late += w.overdue
        }
        let at = cached.map { "截至" + Self.clock($0.at) }
        var menus: [Layout.NavMenu] = []
        for group in NavGroup.allCases {
            // In the model's order of sections (组织网络, 结对帮带, 学习与组织生活, 积分), then the bar's.
            let mine = items.enumerated().filter { NavGroup.of($0.element.href).group == group }.sorted { a, b in
                let (x, y) = (
                    NavGroup.rank(NavGroup.of(a.element.href).section),
                    NavGroup.rank(NavGroup.of(b.element.href).section)
                )
                return x != y ? x < y : a.offset < b.offset
            }.map(\.element)
            guard !mine.isEmpty else { continue }
            var last: String?
            let entries = mine.map { i -> Layout.NavMenu.Entry in
                let section = NavGroup.of(i.href).section
                defer { last = section }
                let c = counts[i.href]
                let late = c.flatMap { $0.late > 0 ? $0.late : nil }
                return .init(
                    href: i.href, label: i.label, active: i.active, section: section != last ? section : nil,
                    count: late == nil ? c.flatMap { $0.n > 0 ? $0.n : nil } ?? i.badge : nil, overdue: late)
            }
            let late = entries.compactMap(\.overdue).reduce(0, +)
            let waiting = entries.compactMap(\.count).reduce(0, +)
            menus.append(
                .init(
                    key: "\(group)", label: mine.count == 1 ? mine[0].label : group.label,
                    href: mine.count == 1 ? mine[0].href : nil, entries: entries,
                    active: mine.contains(where: \.active),
                    overdue: late > 0 ? late : nil, count: late == 0 && waiting > 0 ? waiting : nil,
                    countedAt: group == .inbox || (late == 0 && waiting == 0) ? nil : at))
        }
        return menus
    }

    /// "10:32" in Beijing time.
    static func clock(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = CalendarDate.shanghai
        f.dateFormat = "HH:mm"
        return f.string(from: d)
    }
}
