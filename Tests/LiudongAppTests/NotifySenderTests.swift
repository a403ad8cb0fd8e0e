import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// A provider that records every message it is asked to send and answers by the phone number: `…0002` throttled,
/// `…0003` a bad number, anything else accepted after `delay`.
actor CountingSMS {
    var sends: [String: Int] = [:]
    var answers: [String: AliyunSMS.Outcome] = [:]
    func record(_ outID: String) { sends[outID, default: 0] += 1 }
    func set(_ phone: String, _ outcome: AliyunSMS.Outcome) { answers[phone] = outcome }
    func answer(_ phone: String) -> AliyunSMS.Outcome? { answers[phone] }
    var total: Int { sends.values.reduce(0, +) }
}

struct FakeSMSProvider: SMSProvider {
    let name = "fake"
    let log: CountingSMS
    var delay: UInt64 = 0

    func send(phone: String, templateCode: String, params: [String: String], outID: String) async -> AliyunSMS.Outcome {
        if delay > 0 { try? await Task.sleep(nanoseconds: delay) }
        await log.record(outID)
        return await log.answer(phone) ?? .accepted(bizID: "biz-\(outID)")
    }
}

enum NotifyFixture {
    static var allTemplates: NotifySettings {
        var s = NotifySettings()
        s.provider = "aliyun"
        for e in NotifyEvent.allCases { s.templates[e] = "SMS_\(e.rawValue)" }
        return s
    }

    static func sender(_ app: Application, _ log: CountingSMS, policy: NotifyRules.Policy = .init(), delay: UInt64 = 0)
        -> NotifySender
    {
        var s = allTemplates
        s.policy = policy
        s.concurrency = 8
        return NotifySender(
            db: app.db, gate: app.writeGate, cipher: app.cipher, settings: s,
            provider: FakeSMSProvider(log: log, delay: delay), pace: SMSPace(perSecond: 10000))
    }

    struct Row: Decodable {
        var id: Int64
        var event: String
        var status: String
        var held: String?
        var due_after: Date
        var attempts: Int
        var digest_id: Int64?
        var last_error: String?
    }

    static func rows(_ app: Application) async throws -> [Row] {
        try await app.db.sql().raw(
            "SELECT id, event, status, held, due_after, attempts, digest_id, last_error FROM notifications ORDER BY id"
        ).all(decoding: Row.self)
    }

    /// 2026-12-07 (a Monday) at hh:mm Beijing time.
    static func beijing(_ h: Int, _ m: Int = 0, day: Int = 7) -> Date {
        let seconds: Int = (day - 7) * 86400 + h * 3600 + m * 60
        return Date(timeIntervalSince1970: 1_796_572_800 + Double(seconds))
    }

    static func request(_ app: Application, _ member: Member, _ title: String, at: Date) async throws -> Int64? {
        try await Notify.enqueue(
            .requestAcknowledged, member: member.id!, params: ["title": title], link: "/my/requests", at: at, on: app.db
        )
    }
}

@Suite("通知 sending: quiet hours, the weekly cap and its digest, switches, retries, two senders at once")
struct NotifySenderTests {
    typealias F = NotifyFixture

    @Test(arguments: TestDatabase.all)
    func atNightOnlySecurityGoesTheRestWaitsForMorning(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let log = CountingSMS()
            let night = F.beijing(23)
            _ = try await F.request(app, f.memberA, "孩子入学", at: night.addingTimeInterval(-60))
            try await Notify.enqueue(
                .activationCode, member: f.memberA.id!, params: ["code": "ABCD-EFGH"], cipher: app.cipher,
                at: night.addingTimeInterval(-60), on: app.db)
            let t = try await F.sender(app, log).pass(limit: 50, now: night)
            #expect(t.sent == 1 && t.deferred == 1)
            let rows = try await F.rows(app)
            #expect(rows.first { $0.event == "activationCode" }?.status == "sent")
            let waiting = try #require(rows.first { $0.event == "requestAcknowledged" })
            #expect(waiting.status == "queued" && waiting.due_after == F.beijing(8, day: 8))
            // The code itself is nowhere in the outbox in clear.
            let raw = try await app.db.sql().raw("SELECT params, sealed FROM notifications").all()
            for r in raw {
                let params = try r.decode(column: "params", as: String.self)
                let sealed = try r.decode(column: "sealed", as: String?.self) ?? ""
                #expect(!params.contains("ABCD") && !sealed.contains("ABCD"))
            }
            // Before eight nothing more goes; at eight it does.
            #expect(try await F.sender(app, log).pass(limit: 50, now: F.beijing(7, 59, day: 8)).touched == 0)
            #expect(try await F.sender(app, log).pass(limit: 50, now: F.beijing(8, day: 8)).sent == 1)
            #expect(await log.total == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theWeeksThirdSlotIsADigestAndTheRestStayInTheInbox(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let log = CountingSMS()
            let morning = F.beijing(10)
            for i in 1...5 { _ = try await F.request(app, f.memberA, "诉求\(i)", at: morning.addingTimeInterval(-60)) }
            let t = try await F.sender(app, log).pass(limit: 50, now: morning)
            #expect(t.sent == 3 && t.digests == 1)
            var rows = try await F.rows(app)
            #expect(rows.filter { $0.status == "sent" && $0.event == "requestAcknowledged" }.count == 2)
            let digest = try #require(rows.first { $0.event == "digest" })
            #expect(digest.status == "sent")
            #expect(rows.filter { $0.held == "digested" && $0.digest_id == digest.id }.count == 3)
            // The week is full: a sixth waits in the inbox, unsent; security still goes.
            _ = try await F.request(app, f.memberA, "诉求6", at: morning)
            try await Notify.enqueue(
                .activationCode, member: f.memberA.id!, params: ["code": "WXYZ-2345"], cipher: app.cipher, at: morning,
                on: app.db)
            let t2 = try await F.sender(app, log).pass(limit: 50, now: morning.addingTimeInterval(60))
            #expect(t2.sent == 1 && t2.held == 1)
            rows = try await F.rows(app)
            #expect(rows.first { $0.held == "weeklyCap" } != nil)
            // Next Monday the count starts again.
            _ = try await F.request(app, f.memberA, "诉求7", at: F.beijing(9, day: 14))
            #expect(try await F.sender(app, log).pass(limit: 50, now: F.beijing(10, day: 14)).sent == 1)
            // Every message is in the member's inbox whatever its SMS became (digest and code are SMS only).
            #expect(try await NotifyStore.inboxCount("m:\(f.memberA.id!.uuidString)", on: app.db.sql()) == 7)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSwitchedOffCategoryStaysInTheInboxAndTheSameMessageIsMadeOncePerDay(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let log = CountingSMS()
            let key = "m:\(f.memberA.id!.uuidString)"
            try await NotifyStore.setMuted(key, [.request, .security], at: AppClock.now, on: app.db.sql())
            #expect(try await NotifyStore.muted(key, on: app.db.sql()) == [.request])
            let at = F.beijing(10)
            #expect(try await F.request(app, f.memberA, "同一件事", at: at) != nil)
            #expect(try await F.request(app, f.memberA, "同一件事", at: at.addingTimeInterval(3600)) == nil)
            #expect(try await F.request(app, f.memberA, "另一件事", at: at.addingTimeInterval(3600)) != nil)
            #expect(try await F.request(app, f.memberA, "同一件事", at: at.addingTimeInterval(86401)) != nil)
            let t = try await F.sender(app, log).pass(limit: 50, now: at.addingTimeInterval(86500))
            #expect(t.sent == 0 && t.held == 3)
            #expect(try await F.rows(app).allSatisfy { $0.held == "preference" })
            #expect(await log.total == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func throttlingIsRetriedWithBackoffAndABadNumberFailsAtOnce(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let log = CountingSMS()
            // memberA's roster phone 13904761234 is throttled; memberB's 15004769999 is refused for good.
            await log.set("13904761234", .retry("isv.BUSINESS_LIMIT_CONTROL 业务限流"))
            await log.set("15004769999", .permanent("isv.MOBILE_NUMBER_ILLEGAL 非法手机号"))
            let at = F.beijing(10)
            _ = try await F.request(app, f.memberA, "限流", at: at)
            _ = try await F.request(app, f.memberB, "空号", at: at)
            let sender = F.sender(app, log, policy: .init(quiet: .init(start: 0, end: 0), weeklyCap: 50))
            let t = try await sender.pass(limit: 50, now: at)
            #expect(t.retried == 1 && t.failed == 1)
            var rows = try await F.rows(app)
            let b = try #require(rows.first { $0.status == "failed" })
            #expect(b.last_error?.contains("MOBILE_NUMBER_ILLEGAL") == true && b.attempts == 1)
            let a = try #require(rows.first { $0.status == "queued" })
            #expect(a.attempts == 1 && a.last_error?.contains("限流") == true && a.due_after > AppClock.now)
            // Due again after the backoff: five more attempts, then given up.
            for _ in 2...NotifyRules.maxAttempts {
                _ = try await sender.pass(limit: 50, now: AppClock.now.addingTimeInterval(7200))
            }
            rows = try await F.rows(app)
            let gaveUp = try #require(rows.first { $0.id == a.id })
            #expect(gaveUp.status == "failed" && gaveUp.attempts == NotifyRules.maxAttempts)
            #expect(gaveUp.last_error?.contains("重试") == true)
            #expect(await log.sends["\(a.id)"] == NotifyRules.maxAttempts)
            // A sender that fails never touched the request it was about.
            #expect(try await ServiceRequest.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aMessageWhoseRecipientHasNoRowIsStillSent(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let log = CountingSMS()
            _ = try await F.request(app, f.memberA, "无设置行", at: F.beijing(10))
            try await app.db.sql().raw("DELETE FROM notify_recipients").run()
            #expect(try await F.sender(app, log).pass(limit: 10, now: F.beijing(10)).sent == 1)
            #expect(try await NotifyStore.muted("m:\(f.memberA.id!.uuidString)", on: app.db.sql()).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func twoSendersAtOnceNeverSendOneMessageTwice(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let log = CountingSMS()
            // `drain` passes at the app's now: the messages are due then, on whatever day the clock says.
            let at = AppClock.now
            let members =
                [f.memberA, f.memberB]
                + (try await Member.query(on: app.db).all()).filter {
                    $0.id != f.memberA.id && $0.id != f.memberB.id
                }
            var made = 0
            for i in 0..<60 {
                for m in members where try await F.request(app, m, "第\(i)件", at: at) != nil { made += 1 }
            }
            let policy = NotifyRules.Policy(quiet: .init(start: 0, end: 0), weeklyCap: 100)
            let one = F.sender(app, log, policy: policy, delay: 2_000_000)
            let two = F.sender(app, log, policy: policy, delay: 2_000_000)
            async let a = one.drain(batch: 7)
            async let b = two.drain(batch: 7)
            let (ta, tb) = try await (a, b)
            #expect(ta.sent + tb.sent == made)
            let sends = await log.sends
            #expect(sends.count == made)
            #expect(sends.values.allSatisfy { $0 == 1 })
            #expect(try await F.rows(app).allSatisfy { $0.status == "sent" })
        }
    }
}
