import Crypto
import Fluent
import LiudongCore
import Vapor

/// The one entry point through which a feature sends a message: `Notify.enqueue(event, to:, params:, on: tx)` inside
/// the transaction of the change that causes it — a change that rolls back leaves no message, and no change is kept
/// without its message. The outbox row holds the event and its parameters, never a phone or an ID number; the sender
/// (`NotifySender`) decides channel and time. Adding an event is a case of `NotifyEvent` and one call here.
enum Notify {
    /// Who gets a message: a member, or an organization's secretary (at the organization's phone on record).
    struct To: Sendable, Equatable {
        let key: String
        let memberID: UUID?
        /// The member's branch, or the organization: whose staff see the message (staff view, group list).
        let orgID: Int
        let orgPath: String
    }

    /// A member, found with their branch (nil when the member does not exist).
    static func member(_ id: UUID, on db: Database) async throws -> To? {
        guard let h = try await NotifyStore.home(of: id, on: db.sql()) else { return nil }
        return To(key: "m:\(id.uuidString)", memberID: id, orgID: h.org_id, orgPath: h.path)
    }

    /// An organization's secretary.
    static func secretary(of org: Organization) -> To? {
        guard let id = org.id else { return nil }
        return To(key: "o:\(id)", memberID: nil, orgID: id, orgPath: org.path)
    }

    /// Queues one message (nil when the same message went to the same recipient within a day). `cipher` seals the
    /// parameters of a secret event (an activation code); it is required for those.
    @discardableResult
    static func enqueue(
        _ event: NotifyEvent, to: To, params: [String: String], link: String? = nil, cipher: FieldCipher? = nil,
        at now: Date = AppClock.now, on db: Database
    ) async throws -> Int64? {
        let kept = Dictionary(uniqueKeysWithValues: event.parameters.map { ($0, params[$0] ?? "") })
        let json = String(decoding: try JSONEncoder.sorted.encode(kept), as: UTF8.self)
        var dedupeText = NotifyRules.dedupeText(recipient: to.key, event: event, params: kept)
        var stored = json
        var sealed: String? = nil
        if event.secret {
            guard let cipher else { throw AppError.conflict("发送\(event.label)需要加密") }
            sealed = try cipher.seal(json)
            stored = "{}"
            dedupeText += UUID().uuidString
        }
        let dedupe = SHA256.hash(data: Data(dedupeText.utf8)).map { String(format: "%02x", $0) }.joined()
        let sql = try db.sql()
        if try await NotifyStore.sentWithin(dedupe, since: now.addingTimeInterval(-NotifyRules.dedupeWindow), on: sql) {
            return nil
        }
        return try await NotifyStore.insert(
            to, event: event, params: stored, sealed: sealed, link: link, dedupe: dedupe, at: now, on: sql)
    }

    /// A message to a member, as a store that writes a change takes it (to enqueue in the change's transaction).
    struct Message: Sendable {
        var event: NotifyEvent
        var member: UUID
        var params: [String: String]
        var link: String? = nil
    }

    /// Queues `message` (nothing when nil, or when the same went within a day).
    @discardableResult
    static func enqueue(_ message: Message?, on db: Database) async throws -> Int64? {
        guard let m = message else { return nil }
        return try await enqueue(m.event, member: m.member, params: m.params, link: m.link, on: db)
    }

    /// Short Chinese date of a day, as messages write it: 12月7日.
    static func day(_ d: CalendarDate) -> String { "\(d.month)月\(d.day)日" }

    /// `enqueue` to a member found by id (nothing when the member is gone).
    @discardableResult
    static func enqueue(
        _ event: NotifyEvent, member: UUID, params: [String: String], link: String? = nil, cipher: FieldCipher? = nil,
        at now: Date = AppClock.now, on db: Database
    ) async throws -> Int64? {
        guard let to = try await self.member(member, on: db) else { return nil }
        return try await enqueue(event, to: to, params: params, link: link, cipher: cipher, at: now, on: db)
    }
}

struct OutboxID: Decodable {
    var id: Int64
}

/// Where a message stands.
enum OutboxStatus: String, CaseIterable, Sendable {
    case queued, sending, sent, delivered, failed, suppressed

    var label: String {
        switch self {
        case .queued: return "待发送"
        case .sending: return "发送中"
        case .sent: return "已发送"
        case .delivered: return "已送达"
        case .failed: return "发送失败"
        case .suppressed: return "仅站内"
        }
    }
}

extension JSONEncoder {
    /// Keys sorted: the same parameters always make the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
