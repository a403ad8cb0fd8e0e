import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Members' own side: activation, sign-in, /my, member vs staff tokens")
struct MemberPortalTests {
    @Test(arguments: TestDatabase.all)
    func aCodeFromTheBranchActivatesAndEveryFailureLooksTheSame(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            // Another county's secretary cannot issue a code for this member: it does not exist for them.
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(
                try await other.post("/api/v1/members/\(f.memberA.id!.uuidString)/activation-code", json: "{}").status
                    == .notFound)
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            #expect(code.count == 9 && code.contains("-"))
            // Only the code's keyed hash is stored.
            let stored = try #require(try await ActivationCode.query(on: app.db).first())
            #expect(!stored.codeHash.contains(code.replacingOccurrences(of: "-", with: "")))
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$objectType == "activation-code").count() == 1)

            // A weak password is named; a wrong code, an unknown ID number: one and the same answer.
            let weak = try await Mobile.activate(app, idNumber: Fixture.idA, code: code, password: "12345678")
            #expect(weak.status == .unprocessableEntity && Mobile.fields(weak)["password"] != nil)
            let wrong = try await Mobile.activate(app, idNumber: Fixture.idA, code: "AAAA-BBBB")
            let unknown = try await Mobile.activate(
                app,
                idNumber: IDNumber.make(
                    division: "150422", birth: CalendarDate("1990-01-01")!, sequence: 77, sex: .male),
                code: code)
            let noCode = try await Mobile.activate(app, idNumber: Fixture.idB, code: code)
            for res in [wrong, unknown, noCode] {
                #expect(res.status == .unprocessableEntity)
                #expect(Mobile.fields(res) == ["code": MemberAuthService.activationFailed])
            }
            // The right code works once.
            #expect(try await Mobile.activate(app, idNumber: Fixture.idA, code: code.lowercased()).status == .created)
            let again = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            #expect(Mobile.fields(again) == ["code": MemberAuthService.activationFailed])

            // Sign-in: wrong password and unknown ID number say the same; the right one gives a token.
            let bad = try await APIClient(app: app).post(
                "/api/v1/member-session", json: #"{"idNumber":"\#(Fixture.idA)","password":"nope-nope-1"}"#)
            let stranger = try await APIClient(app: app).post(
                "/api/v1/member-session", json: #"{"idNumber":"\#(Fixture.idB)","password":"nope-nope-1"}"#)
            #expect(bad.status == .unauthorized && stranger.status == .unauthorized)
            #expect(Mobile.fields(bad) == Mobile.fields(stranger))
            let me = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            let my = try await me.get("/api/v1/my")
            #expect(my.status == .ok)
            let body = try my.content.decode(MyResponse.self)
            #expect(body.name == "张建国")
            #expect(body.idMasked != Fixture.idA && body.idMasked.hasPrefix("150422"))
            #expect(body.branch.code == f.branchA.code)
            #expect(body.flow?.status == "arrived" && body.flow?.inflowOrg == f.external.shortName)
            #expect(body.contacts.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aReceiptNeverActivatesAnAccountOnlyTheBranchsCodeDoes(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let res = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            let receipt = try res.content.decode(SelfReportTests.Created.self).receipt
            func activate(_ id: String, _ receipt: String) async throws -> TestingHTTPResponse {
                try await APIClient(app: app).post(
                    "/api/v1/member-activation",
                    json: #"{"idNumber":"\#(id)","receipt":"\#(receipt)","password":"\#(Mobile.memberPassword)"}"#)
            }
            // Pending: not yet.
            #expect(try await activate(Fixture.idA, receipt).status == .unprocessableEntity)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let queue = try await secretary.get("/api/v1/reviews?status=pending")
            struct Items: Decodable {
                struct Item: Decodable {
                    var id: UUID
                    var kind: String
                    var memberName: String
                    var idMasked: String
                    var orgCode: String
                }
                var items: [Item]
            }
            let item = try #require(try queue.content.decode(Items.self).items.first)
            #expect(item.kind == "outflow" && item.memberName == "张建国" && item.orgCode == f.branchA.code)
            #expect(!item.idMasked.contains(Fixture.idA.suffix(6)))
            #expect(try await secretary.post("/api/v1/reviews/\(item.id)/confirm", json: "{}").status == .ok)
            #expect(try await secretary.post("/api/v1/reviews/\(item.id)/confirm", json: "{}").status == .conflict)
            // Someone else's ID number with this receipt: the same refusal.
            let foreign = try await activate(Fixture.idB, receipt)
            #expect(Mobile.fields(foreign) == ["code": MemberAuthService.activationFailed])
            // The member's own confirmed receipt does not activate either (issue 25 item 5: staff see receipts, so
            // staff who complete a number could take the phone account over); the branch's code does.
            let own = try await activate(Fixture.idA, receipt)
            #expect(
                own.status == .unprocessableEntity && Mobile.fields(own) == ["code": MemberAuthService.activationFailed]
            )
            #expect(try await MemberAccount.query(on: app.db).count() == 0)
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            #expect(try await Mobile.activate(app, idNumber: Fixture.idA, code: code).status == .created)
            // Staff pages show the receipt shortened; the timeline too.
            var page = Browser(app)
            try await page.signIn("secretary", Fixture.password)
            for path in ["/reviews?status=confirmed", "/members/\(f.memberA.id!.uuidString)/archive"] {
                let html = try await page.get(path).body.string
                #expect(!html.contains(receipt) && html.contains(Masking.receipt(receipt)), "\(path)")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func theReviewQueueAPIReturnsWithAReasonAndKeepsScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            _ = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            let report = try #require(try await SelfReport.query(on: app.db).first())
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(try await other.get("/api/v1/reviews").body.string == #"{"items":[]}"#)
            #expect(
                try await other.post("/api/v1/reviews/\(report.id!)/return", json: #"{"reason":"x"}"#).status
                    == .notFound)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let noReason = try await secretary.post("/api/v1/reviews/\(report.id!)/return", json: "{}")
            #expect(noReason.status == .unprocessableEntity && Mobile.fields(noReason)["reason"] != nil)
            let returned = try await secretary.post(
                "/api/v1/reviews/\(report.id!)/return", json: #"{"reason":"外出日期有误"}"#)
            #expect(returned.status == .ok && returned.body.string.contains("\"status\":\"returned\""))
            #expect(try await secretary.get("/api/v1/reviews?status=returned").body.string.contains("张建国"))
            #expect(try await secretary.get("/api/v1/reviews?status=bogus").status == .unprocessableEntity)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aMemberGets404OnEveryStaffRouteAndStaffGet403OnTheMembers(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            #expect(try await Mobile.activate(app, idNumber: Fixture.idA, code: code).status == .created)
            let member = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            var staffRoutes = 0
            for route in app.routes.all {
                let path =
                    "/"
                    + route.path.map { c -> String in
                        if case .parameter = c { return UUID().uuidString }
                        return c.description
                    }.joined(separator: "/")
                var h = HTTPHeaders()
                if route.requiredPermissions != nil {
                    h.bearerAuthorization = .init(token: member.token!)
                    let res = try await app.testing().sendRequest(route.method, path, headers: h)
                    #expect(res.status == .notFound, "\(route.method) \(path) → \(res.status.code)")
                    staffRoutes += 1
                } else if route.isMemberRoute {
                    h.bearerAuthorization = .init(token: secretary.token!)
                    let res = try await app.testing().sendRequest(route.method, path, headers: h)
                    #expect(res.status == .forbidden, "\(route.method) \(path) → \(res.status.code)")
                }
            }
            #expect(staffRoutes > 80)
            // Strangers: the API answers 401, the page sends them to the members' sign-in.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/my").status == .unauthorized)
            let page = try await app.testing().sendRequest(.GET, "/my")
            #expect(page.status == .seeOther && page.headers.first(name: .location) == "/my/login")
        }
    }

    /// Failed sign-ins pause the device or network they come from, not the member (issue 25 item 6): someone who
    /// knows the ID number cannot lock the member out, and the branch can lift a pause.
    @Test(arguments: TestDatabase.all)
    func repeatedWrongPasswordsPauseThatClientOnlyWithTheSameMessageAndTheBranchUnlocks(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            app.settings.trustProxy = true
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            _ = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            func signIn(_ password: String, from address: String) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(
                    .POST, "/api/v1/member-session",
                    headers: ["Content-Type": "application/json", "X-Forwarded-For": address],
                    body: ByteBuffer(string: #"{"idNumber":"\#(Fixture.idA)","password":"\#(password)"}"#))
            }
            let attacker = "203.0.113.9", member = "198.51.100.7"
            var last: TestingHTTPResponse?
            for _ in 0..<app.settings.lockoutAttempts { last = try await signIn("wrong-pass-1", from: attacker) }
            // The attacker's address is paused, with the message a wrong password gets ...
            let paused = try await signIn(Mobile.memberPassword, from: attacker)
            #expect(paused.status == .unauthorized)
            #expect(Mobile.fields(paused) == Mobile.fields(try #require(last)))
            // ... and the member, elsewhere, signs in.
            #expect(try await signIn(Mobile.memberPassword, from: member).status == .ok)
            // The branch sees the pause on the member's page and lifts it (audited, on the timeline).
            var staff = Browser(app)
            try await staff.signIn("secretary", Fixture.password)
            let page = try await staff.get("/members/\(f.memberA.id!.uuidString)")
            #expect(page.body.string.contains("id=\"sign-in-paused\"") && page.body.string.contains("1处设备或网络"))
            let unlocked = try await secretary.post(
                "/api/v1/members/\(f.memberA.id!.uuidString)/sign-in-unlock", json: "{}")
            #expect(unlocked.status == .ok && unlocked.body.string.contains(#""unlocked":1"#))
            #expect(try await signIn(Mobile.memberPassword, from: attacker).status == .ok)
            #expect(
                !(try await staff.get("/members/\(f.memberA.id!.uuidString)")).body.string.contains("sign-in-paused"))
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$objectType == "member-account")
                    .filter(\.$summary == "解除张建国的手机端登录暂停（1处）").count() == 1)
            // An inflow account cannot unlock a member it does not hold; a member of another branch is not found.
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(
                try await inflow.post("/api/v1/members/\(f.memberA.id!.uuidString)/sign-in-unlock", json: "{}").status
                    != .ok)
        }
    }

    @Test(arguments: TestDatabase.all)
    func onThePhoneAMemberActivatesSeesTheirPageReportsAChangeAndChangesThePassword(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA)
            // The secretary prints a slip: the code once, with a QR code to the activation page.
            var staff = Browser(app)
            try await staff.signIn("secretary", Fixture.password)
            _ = try await staff.get("/members/\(f.memberA.id!.uuidString)")
            let slip = try await staff.post("/members/\(f.memberA.id!.uuidString)/activation-code", form: [:])
            #expect(slip.status == .ok && slip.body.string.contains("<svg"))
            let html = slip.body.string
            let start = try #require(html.range(of: "id=\"activation-code\">"))
            let code = String(html[start.upperBound...].prefix(9))
            // The link (and its QR code) carries the code in the fragment, never in the query (issue 25 item 18).
            #expect(html.contains("/my/activate#code=\(code)") && !html.contains("activate?code="))

            var phone = Browser(app)
            let form = try await phone.get("/my/activate?code=\(code)")
            #expect(form.body.string.contains(code))
            let mismatch = try await phone.post(
                "/my/activate",
                form: ["idNumber": Fixture.idA, "code": code, "password": "phone-pass-9", "confirm": "phone-pass-8"])
            #expect(mismatch.status == .unprocessableEntity && mismatch.body.string.contains("两次输入的密码不一致"))
            let done = try await phone.post(
                "/my/activate",
                form: ["idNumber": Fixture.idA, "code": code, "password": "phone-pass-9", "confirm": "phone-pass-9"])
            #expect(done.status == .seeOther)
            let my = try await phone.get("/my")
            #expect(my.status == .ok)
            #expect(my.body.string.contains("张建国") && my.body.string.contains("流出未报到"))
            #expect(my.body.string.contains(f.branchA.name))
            // The member cannot open staff pages.
            #expect(try await phone.get("/members").status == .notFound)

            // A change report, prefilled from the roster, lands in the branch's queue.
            let change = try await phone.post("/my/report", form: ["kind": "change", "address": "望京街道200号"])
            #expect(change.status == .seeOther)
            let report = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .change).first())
            #expect(report.memberID == f.memberA.id && report.address == "望京街道200号")

            // Password change: the old one stops working.
            let changed = try await phone.post(
                "/my/password",
                form: ["current": "phone-pass-9", "password": "phone-pass-10", "confirm": "phone-pass-10"])
            #expect(changed.status == .seeOther)
            let old = try await APIClient(app: app).post(
                "/api/v1/member-session", json: #"{"idNumber":"\#(Fixture.idA)","password":"phone-pass-9"}"#)
            #expect(old.status == .unauthorized)
            _ = try await APIClient.member(app, idNumber: Fixture.idA, password: "phone-pass-10")
        }
    }
}
