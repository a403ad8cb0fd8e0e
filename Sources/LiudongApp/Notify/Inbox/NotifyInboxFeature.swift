import Fluent
import LiudongCore
import Vapor

/// The member's side of notifications: the inbox, its tile on `/my` (the newest unread, and the count), the switches.
struct NotifyInboxFeature: Feature {
    let name = "notifyInbox"

    func routes(_ routes: FeatureRoutes) throws { try MyNotificationsPages().boot(routes) }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let sql = try db.sql()
        let key = "m:\(member.memberID.uuidString)"
        let unread = try await NotifyStore.inboxCount(key, unreadOnly: true, on: sql)
        let rows = try await NotifyStore.inbox(key, limit: 3, offset: 0, on: sql).filter { $0.read_at == nil }
        let lines = rows.map { r -> MyTile.Line in
            let item = MyNotificationsPages.item(r)
            return MyTile.Line(
                text: item.text, note: Format.dateTime(r.created_at),
                actions: r.link == nil
                    ? []
                    : [
                        MyTile.Action(
                            label: item.action ?? "查看", path: "/my/notifications/\(r.id)", primary: true, link: true)
                    ])
        }
        return [
            MyTile(
                id: "notifications", title: unread > 0 ? "消息（\(unread)条未读）" : "消息",
                lines: lines + [
                    MyTile.Line(
                        text: "全部消息与短信设置",
                        actions: [
                            MyTile.Action(label: "全部消息", path: "/my/notifications", link: true),
                            MyTile.Action(label: "短信设置", path: "/my/notifications/settings", link: true),
                        ])
                ])
        ]
    }
}
