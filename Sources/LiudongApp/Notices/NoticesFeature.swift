import Fluent
import Vapor

/// Each account's inbox of notices (消息), with the unread count on the navigation bar and in the worklist.
struct NoticesFeature: Feature {
    let name = "notices"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(8, CreateNotices())] }

    func routes(_ routes: FeatureRoutes) throws { try NoticeController().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 110, permission: .ownAccount, link: { _ in ("/inbox", "消息") },
                badge: { user, db in
                    let unread = try await NoticeStore.unreadCount(for: user, on: db)
                    return unread > 0 ? unread : nil
                })
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let unread = try await NoticeStore.unreadCount(for: scope.user, on: scope.db)
        return [
            WorkTally(
                kind: "notices", label: "未读消息", href: "/inbox", counts: [scope.user.scopeID: unread],
                personal: true)
        ]
    }
}
