import Fluent
import LiudongCore
import Vapor

/// The staff's side of notifications: the figures per organization, the branches' group lists, a member's messages
/// on the archive.
struct NotifyStaffFeature: Feature {
    let name = "notifyStaff"

    func routes(_ routes: FeatureRoutes) throws { try NotifyStaffPages().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 112, permission: .viewMembers,
                link: { user in user.isInflowSide ? nil : ("/notifications", "短信通知") })
        ]
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        try await NotifyStore.messages(of: member.requireID(), limit: 200, on: db.sql()).map { r in
            let event = NotifyEvent(rawValue: r.event)
            var state = OutboxStatus(rawValue: r.status)?.label ?? r.status
            if let why = r.held.flatMap(NotifyRules.Held.init(rawValue:)) { state += "：\(why.label)" }
            if let e = r.last_error, r.status == OutboxStatus.failed.rawValue { state += "：\(e)" }
            return ArchiveEntry(
                at: Format.dateTime(r.created_at), side: "通知", kind: "notification",
                text: "\(event?.label ?? r.event)：\(event?.text(stored: r.params) ?? "")（短信\(state)）")
        }
    }
}
