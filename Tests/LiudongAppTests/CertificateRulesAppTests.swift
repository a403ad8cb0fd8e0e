import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// 活动证 issuance rules (issue 27 item 8): none for a member abroad (the page shows the six-monthly contact
/// instead), none for a flow expected to last under a month, and a transfer suggested after six months at one place.
@Suite("The activity certificate's issuance rules")
struct CertificateRulesAppTests {
    @Test(arguments: TestDatabase.all)
    func abroadAndShortFlowsGetNoCertificateAndLongOnesAreAdvisedToTransfer(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            var page = Browser(app)
            try await page.signIn("secretary", Fixture.password)
            let path = "/api/v1/members/\(f.memberA.id!.uuidString)/certificate"

            // Abroad: refused with the reason; the page shows when the next contact is due, and no issue button.
            let flow = try await Mobile.open(app, f.memberA, leftOn: today.adding(days: -40))
            flow.reason = OutflowReason.abroad.rawValue
            try await flow.update(on: app.db)
            let refused = try await secretary.post(path, json: "{}")
            #expect(refused.status == .conflict && refused.body.string.contains("出国(境)党员不发放流动党员活动证"))
            var html = try await page.get("/members/\(f.memberA.id!.uuidString)/certificate").body.string
            let due = CertificateRules.adding(months: 6, to: today.adding(days: -40))
            #expect(html.contains("id=\"certificate-refusal\"") && html.contains("id=\"abroad-contact\""))
            #expect(html.contains("下次应在\(due)前联系") && !html.contains("签发活动证</button>"))
            #expect(!html.contains("transfer-advice"))

            // Expected back in three weeks: refused too.
            flow.reason = OutflowReason.business.rawValue
            flow.expectedReturnOn = today.adding(days: -19).description
            try await flow.update(on: app.db)
            let short = try await secretary.post(path, json: "{}")
            #expect(short.status == .conflict && short.body.string.contains("预计外出不足一个月"))

            // An ordinary flow of 40 days: issued, no transfer advice; at one place for six months: advised.
            flow.expectedReturnOn = nil
            try await flow.update(on: app.db)
            #expect(try await secretary.post(path, json: "{}").status == .created)
            html = try await page.get("/members/\(f.memberA.id!.uuidString)/certificate").body.string
            #expect(!html.contains("transfer-advice") && !html.contains("certificate-refusal"))
            flow.leftOn = CertificateRules.adding(months: -6, to: today).description
            try await flow.update(on: app.db)
            html = try await page.get("/members/\(f.memberA.id!.uuidString)/certificate").body.string
            #expect(html.contains("id=\"transfer-advice\"") && html.contains("建议转移组织关系"))

            // The flow turns out to be abroad: the sweep takes the certificate back, saying why.
            flow.reason = OutflowReason.abroad.rawValue
            try await flow.update(on: app.db)
            #expect(try await CertificateService.revokeStale(on: app.db, today: today) == 1)
            let c = try #require(try await CertificateStore.latest(of: f.memberA.id!, on: app.db))
            #expect(c.revokedReason == "出国(境)党员不发放活动证")
        }
    }
}
