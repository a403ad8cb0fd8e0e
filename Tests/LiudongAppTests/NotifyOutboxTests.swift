import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("通知 outbox: one transaction with the change, the member's inbox and switches, the staff's view, reports")
struct NotifyOutboxTests {
    typealias F = NotifyFixture

    @Test(arguments: TestDatabase.all)
    func aChangeThatRollsBackLeavesNoMessage(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await app.db.transaction { tx in
                    try await Notify.enqueue(.requestAnswered, member: f.memberA.id!, params: ["title": "x"], on: tx)
                    throw Boom()
                }
            }
            #expect(try await F.rows(app).isEmpty)
            // Nothing in the outbox names the phone or the ID number.
            try await Notify.enqueue(.requestAnswered, member: f.memberA.id!, params: ["title": "x"], on: app.db)
            let dump = try await app.db.sql().raw("SELECT * FROM notifications").all()
            #expect(dump.count == 1)
            for column in dump[0].allColumns {
                let text = (try? dump[0].decode(column: column, as: String?.self)) ?? nil
                #expect(!(text ?? "").contains("13904761234") && !(text ?? "").contains(Fixture.idA), "\(column)")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func aRecordedContactReachesTheMembersInboxWhichLeadsToItsConfirmation(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            try await Mobile.open(app, f.memberA)
            let pairing = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let contact = try await Mobile.contact(app, secretary, json: Mobile.contactJSON(pairing: pairing))
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            _ = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            let me = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            let listing = try await me.get("/api/v1/my/notifications").content.decode(MyNotificationsPages.Listing.self)
            #expect(listing.unread == 1 && listing.items.count == 1)
            let item = listing.items[0]
            #expect(item.event == "contactToConfirm" && item.action == "请确认" && item.link == "/my#tile-contacts")
            #expect(item.text.contains("刘书记记录了") && item.text.contains("电话"))
            #expect(item.sms == "待发送")
            // The phone: the bar's count, the tile, the link to the confirmation, read once opened.
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            let home = try await phone.get("/my")
            #expect(home.body.string.contains("消息（1条未读）"))
            #expect(home.body.string.contains("/my/notifications/\(item.id)"))
            let open = try await phone.get("/my/notifications/\(item.id)")
            #expect(open.status == .seeOther && open.headers.first(name: .location) == "/my#tile-contacts")
            #expect(
                try await me.get("/api/v1/my/notifications").content.decode(MyNotificationsPages.Listing.self).unread
                    == 0)
            #expect(try await phone.post("/my/contacts/\(contact.uuidString)/confirm", form: [:]).status == .seeOther)
            #expect(try await Contact.find(contact, on: app.db)?.answer == .confirmed)
            // Another member's message does not exist for this one.
            #expect(try await phone.get("/my/notifications/\(item.id + 1000)").status == .notFound)
            // The branch's group list and the figures see it; another county's do not.
            var staff = Browser(app)
            try await staff.signIn("secretary", Fixture.password)
            let list = try await staff.get("/notifications/group-list?org=\(f.branchA.code)")
            #expect(list.body.string.contains("@张建国 刘书记记录了"))
            let figures = try await secretary.get("/api/v1/notifications/figures").content.decode(
                NotifyStaffPages.Figures.self)
            #expect(figures.figures.map(\.queued).reduce(0, +) == 1)
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(
                try await other.get("/api/v1/notifications/figures").content.decode(
                    NotifyStaffPages.Figures.self
                ).figures.isEmpty)
            #expect(try await other.get("/notifications/group-list?org=\(f.branchA.code)").status == .notFound)
            let xlsx = try await staff.get("/notifications/group-list/export?org=\(f.branchA.code)")
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 1000)
            // The member's archive lists the message.
            let archive = try await staff.get("/members/\(f.memberA.id!.uuidString)/archive")
            #expect(archive.body.string.contains("结对联系请确认"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func switchesAreTheMembersOwnAndSecurityCannotBeSwitchedOff(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            _ = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            let me = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            var h = HTTPHeaders()
            h.contentType = .json
            h.bearerAuthorization = .init(token: me.token!)
            let bad = try await app.testing().sendRequest(
                .PUT, "/api/v1/my/notifications/settings", headers: h,
                body: ByteBuffer(string: #"{"off":["security"]}"#))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("账号安全"))
            let ok = try await app.testing().sendRequest(
                .PUT, "/api/v1/my/notifications/settings", headers: h, body: ByteBuffer(string: #"{"off":["quiz"]}"#))
            #expect(ok.status == .ok)
            let s = try await me.get("/api/v1/my/notifications/settings").content.decode(
                MyNotificationsPages.Switches.self)
            #expect(s.switches.first { $0.category == "quiz" }?.on == false)
            #expect(s.switches.first { $0.category == "security" }?.on == true && s.quietHours == "21:00—08:00")
            // The page: a form that leaves only 诉求 on.
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            #expect(try await phone.get("/my/notifications/settings").body.string.contains("始终发送"))
            _ = try await phone.post("/my/notifications/settings", form: ["on[]": "request"])
            let muted = try await NotifyStore.muted("m:\(f.memberA.id!.uuidString)", on: app.db.sql())
            #expect(muted == Set(NotifyCategory.switchable).subtracting([.request]))
            // Staff have no inbox of members.
            #expect(try await secretary.get("/api/v1/my/notifications").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func deliveryReportsAreCheckedAppliedOnceAndRefusedWithoutTheToken(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let body = { (out: Int64, biz: String, phone: String, ok: Bool) in
                #"[{"phone_number":"\#(phone)","success":\#(ok),"err_code":"\#(ok ? "DELIVERED" : "MK:0001")","err_msg":"用户接收成功","biz_id":"\#(biz)","out_id":"\#(out)","report_time":"2026-12-07 10:00:01"}]"#
            }
            func post(_ path: String, _ json: String) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(
                    .POST, path, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: json))
            }
            let probe = try await post("/api/v1/notify/sms-reports/whatever", "[]")
            #expect(probe.status == .notFound, "\(probe.status) \(probe.body.string)")
            app.settings.notify.callbackToken = "report-token-0123456789"
            let log = CountingSMS()
            let id = try #require(try await F.request(app, f.memberA, "回执", at: F.beijing(10)))
            _ = try await F.sender(app, log).pass(limit: 10, now: F.beijing(10))
            let good = "/api/v1/notify/sms-reports/report-token-0123456789"
            #expect(
                try await post(
                    "/api/v1/notify/sms-reports/report-token-012345678X", body(id, "biz-\(id)", "13904761234", true)
                ).status == .forbidden)
            // Another message's provider id, or another phone: ignored.
            #expect(try await post(good, body(id, "biz-999", "13904761234", true)).status == .ok)
            #expect(try await post(good, body(id, "biz-\(id)", "13900000000", true)).status == .ok)
            #expect(try await F.rows(app)[0].status == "sent")
            let ok = try await post(good, body(id, "biz-\(id)", "13904761234", true))
            #expect(ok.status == .ok && ok.body.string.contains(#""code":0"#))
            #expect(try await F.rows(app)[0].status == "delivered")
            // A replay, even one saying the opposite, changes nothing.
            #expect(try await post(good, body(id, "biz-\(id)", "13904761234", false)).status == .ok)
            #expect(try await F.rows(app)[0].status == "delivered")
            #expect(try await post(good, "not json").status == .unprocessableEntity)
        }
    }

    @Test(arguments: TestDatabase.all)
    func anActivationCodeGoesSealedToTheRosterPhoneAndTheStaffNeverSeeIt(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let path = "/api/v1/members/\(f.memberA.id!.uuidString)/activation-code/sms"
            let none = try await secretary.post(path, json: "{}")
            #expect(none.status == .conflict && none.body.string.contains("未配置短信服务商"))
            app.settings.notify = F.allTemplates
            let sent = try await secretary.post(path, json: "{}")
            #expect(sent.status == .accepted && !sent.body.string.contains("\"code\""))
            let row = try #require(
                try await app.db.sql().raw("SELECT params, sealed, event FROM notifications").first())
            #expect(try row.decode(column: "params", as: String.self) == "{}")
            let sealed = try row.decode(column: "sealed", as: String.self)
            let params = try JSONDecoder().decode([String: String].self, from: Data(try app.cipher.open(sealed).utf8))
            let code = try #require(params["code"])
            // The code the member got by SMS activates the account.
            let activated = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            #expect(activated.status == .created, "\(activated.body.string)")
            // Another county's member: 404.
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(try await other.post(path, json: "{}").status == .notFound)
        }
    }
}
