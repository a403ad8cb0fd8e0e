import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("The electronic activity certificate (流动党员活动证)")
struct CertificateTests {
    struct Issued: Decodable {
        var number: String
        var validTo: String
        var url: String
    }
    struct Shown: Decodable {
        var number: String
        var status: String
        var validTo: String
        struct Check: Decodable {
            var year: Int
            var appraisal: String
        }
        var checks: [Check]
        struct CheckIn: Decodable {
            var orgCode: String
        }
        var checkIns: [CheckIn]
    }

    @Test(arguments: TestDatabase.all)
    func issueReissueCheckCheckInAndRevoke(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let path = "/api/v1/members/\(f.memberA.id!.uuidString)/certificate"
            // No open flow: nothing to certify.
            #expect(try await secretary.post(path, json: "{}").status == .conflict)
            try await Mobile.open(app, f.memberA)
            let first = try await secretary.post(path, json: "{}")
            #expect(first.status == .created)
            let issued = try first.content.decode(Issued.self)
            let year = AppClock.today.year
            #expect(issued.number == "150422-\(year)-00001")
            #expect(issued.validTo == AppClock.today.adding(days: 364).description)
            let token = String(try #require(issued.url.split(separator: "/").last))
            // The public page: masked name, branch, number, validity, status; never the ID number or phone.
            let page = try await app.testing().sendRequest(.GET, "/c/\(token)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("张**") && html.contains(issued.number) && html.contains("有效"))
            #expect(
                !html.contains("张建国") && !html.contains(String(Fixture.idA.suffix(6))) && !html.contains("13904761234"))
            #expect(!token.contains(Fixture.idA) && !token.contains(String(Fixture.idA.suffix(4))))
            // Unknown, forged and altered tokens are a plain 404.
            let flipped = String(token.dropLast()) + (token.last == "a" ? "b" : "a")
            for bad in ["nope", flipped, token.replacingOccurrences(of: "v1.", with: "v2."), "x" + token] {
                #expect(try await app.testing().sendRequest(.GET, "/c/\(bad)").status == .notFound)
            }
            // Re-issue keeps the number, voids the old QR code.
            let again = try await secretary.post(path, json: "{}").content.decode(Issued.self)
            #expect(again.number == issued.number && again.url != issued.url)
            #expect(try await app.testing().sendRequest(.GET, "/c/\(token)").status == .notFound)
            let newToken = String(try #require(again.url.split(separator: "/").last))
            // The inflow organization checks the member in by the QR code.
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            let seen = try await inflow.get("/c/\(newToken)")
            #expect(seen.body.string.contains("登记报到"))
            _ = try await inflow.post("/c/\(newToken)/checkin", form: [:])
            // Annual check with the appraisal extends validity; twice in a year is refused.
            let check = try await secretary.post(
                "/api/v1/certificates/\(issued.number)/checks", json: #"{"year":\#(year),"appraisal":"excellent"}"#)
            #expect(check.status == .created)
            let shown = try check.content.decode(Shown.self)
            #expect(shown.checks.map(\.appraisal) == ["excellent"] && shown.validTo > issued.validTo)
            #expect(shown.checkIns.map(\.orgCode) == ["X110105"])
            #expect(
                try await secretary.post(
                    "/api/v1/certificates/\(issued.number)/checks", json: #"{"year":\#(year),"appraisal":"qualified"}"#
                ).status == .conflict)
            #expect(
                try await secretary.post(
                    "/api/v1/certificates/\(issued.number)/checks", json: #"{"year":\#(year),"appraisal":"great"}"#
                ).status == .unprocessableEntity)
            // Out of scope: another county's secretary neither sees nor issues it.
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(try await other.get("/api/v1/certificates/\(issued.number)").status == .notFound)
            #expect(try await other.post(path, json: "{}").status == .notFound)
            // The flow closes: the sweep's safety net revokes it; the page says so plainly.
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            flow.status = .returned
            try await flow.update(on: app.db)
            #expect(try await CertificateService.revokeStale(on: app.db, today: AppClock.today) == 1)
            let revoked = try await app.testing().sendRequest(.GET, "/c/\(newToken)")
            #expect(revoked.status == .ok && revoked.body.string.contains("已注销"))
            #expect(
                try await secretary.get("/api/v1/certificates/\(issued.number)").content.decode(Shown.self).status
                    == "revoked")
        }
    }

    @Test func statusAndMaskedName() {
        let c = Certificate()
        c.validTo = "2026-06-30"
        #expect(c.status(on: CalendarDate(year: 2026, month: 6, day: 30)!) == .valid)
        #expect(c.status(on: CalendarDate(year: 2026, month: 7, day: 1)!) == .expired)
        c.revokedOn = "2026-05-01"
        #expect(c.status(on: CalendarDate(year: 2026, month: 6, day: 1)!) == .revoked)
        #expect(CertificateController.maskedName("张建国") == "张**")
        #expect(CertificateController.maskedName("王") == "王*")
    }
}
