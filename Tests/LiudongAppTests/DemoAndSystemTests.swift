import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Demo, health, OpenAPI, error pages")
struct DemoAndSystemTests {
    @Test(arguments: TestDatabase.all)
    func theDemoLoadsAndEveryDemoAccountSignsInToItsDashboard(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // MUT
            let summary = try await DemoLoader.load(
                seed: 7, memberCount: 600, cipher: app.cipher, bcryptCost: 4, on: app.db)
            // validate: the real Chifeng counties, with their codes
            #expect(summary.organizations > 12 + 12 * 3 * 5)
            for code in DemoPlan.countyCodes {
                #expect(try await Organization.query(on: app.db).filter(\.$code == code).count() == 1)
            }
            #expect(
                try await Organization.query(on: app.db).filter(\.$name == "赤峰驻北京流动党员党支部").first()?.basis == .chamber)
            // The plan's five inflow organizations and measure 4a's at the main destinations.
            #expect(
                try await Organization.query(on: app.db).filter(\.$kind == .external).count()
                    == 5 + NetworkDemo.externals.count)
            // Measure 4a: the city's 81 mobile organizations (four dissolved temporary ones besides), each filed;
            // agreements; a certificate for every open flow.
            #expect(
                try await Organization.query(on: app.db).filter(\.$kind == .mobile).filter(\.$closedAt == nil).count()
                    == MobileOrgRules.cityReportedCount)
            #expect(
                try await MobileOrgRecord.query(on: app.db).count()
                    == (try await Organization.query(on: app.db).filter(\.$kind == .mobile).count()))
            #expect(try await Agreement.query(on: app.db).count() > 50)
            // A certificate for every open flow the rules allow (none abroad, none under a month), and some refused.
            let open = try await Flow.query(on: app.db).filter(\.$status ~~ [.away, .arrived, .lost]).all()
            var allowed = 0
            for f in open where CertificateRules.refusal(try await CertificateService.rules(f, on: app.db)) == nil {
                allowed += 1
            }
            // (Certificates of members who since left the roster or transferred out are revoked, not counted.)
            #expect(
                try await Certificate.query(on: app.db).filter(\.$revokedOn == nil).count() == allowed
                    && allowed < open.count)
            // Branches of every profile: some with 党小组 (two each).
            let groups = try await PartyGroup.query(on: app.db).all()
            #expect(groups.count >= 4 && Set(groups.map(\.orgID)).count * 2 == groups.count)
            // 组织生活会 with corrective items, some past their due day.
            #expect(try await Rectification.query(on: app.db).filter(\.$doneOn == nil).count() > 0)
            // 返乡预报 for the coming Spring Festival.
            #expect(try await HomeVisit.query(on: app.db).count() >= 1)
            // Last year's ranking posted in its notice period, with an objection waiting.
            let posted = try await PointPublication.query(on: app.db).all()
            #expect(
                !posted.isEmpty
                    && posted.allSatisfy { PointNoticeRules.open(until: $0.noticeUntil, today: AppClock.today) })
            #expect(try await PointAppeal.query(on: app.db).filter(\.$status == .pending).count() > 0)
            // An inflow organization without an account handled by proxy (its list submitted by the county).
            #expect(
                try await (app.db as! SQLDatabase).raw(
                    "SELECT COUNT(*) AS n FROM inflow_ledger_submissions WHERE by_username = 'county（代为上传）'"
                ).first()?.decode(column: "n", as: Int.self) == 1)
            // …and a small village branch in two counties (no 支委会).
            #expect(
                try await Organization.query(on: app.db).filter(\.$code ~~ ["15042201" + "90", "15042601" + "90"])
                    .count() == 2)
            let members = try await Member.query(on: app.db).count()
            #expect(members > 550 && members < 700)
            // Flows for about 13/60 of the members, mirrored on the members; a few pending reports in every branch's queue.
            let flows = try await Flow.query(on: app.db).count()
            #expect(flows == 600 * 13 / 60)
            #expect(try await Member.query(on: app.db).filter(\.$flowStatus != nil).count() == flows)
            let branches = try await Organization.query(on: app.db).filter(\.$level == .branch).filter(
                \.$kind == .regular
            ).count()
            // ~1 member per branch at this size
            #expect(try await SelfReport.query(on: app.db).filter(\.$status == .pending).count() > branches / 2)
            let expectations = [
                "admin": "中共赤峰市委员会", "city": "中共赤峰市委员会", "county": "中共巴林左旗委员会",
                "committee": "巴林左旗", "secretary": "支部", "inflow": "望京街道党工委",
            ]
            for (username, heading) in expectations {
                var b = Browser(app)
                let signIn = try await b.signIn(username)
                #expect(signIn.status == .seeOther, "\(username) could not sign in")
                let home = try await b.get("/")
                #expect(home.status == .ok)
                #expect(home.body.string.contains(heading), "\(username)'s dashboard lacks \(heading)")
                let api = try await APIClient.signIn(app, username)
                #expect(try await api.get("/api/v1/me").status == .ok)
                #expect(try await b.get("/reviews").status == .ok)
            }
            // A second load into the same database is refused.
            await #expect(throws: AppError.self) {
                _ = try await DemoLoader.load(seed: 7, memberCount: 10, cipher: app.cipher, bcryptCost: 4, on: app.db)
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func healthReportsTheDatabase(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let res = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(res.status == .ok)
            struct H: Decodable {
                var status: String
                var database: String
            }
            let h = try res.content.decode(H.self)
            #expect(h.status == "ok")
            #expect(h.database == db.testDescription)
        }
    }

    @Test func openAPIIsValidJSONAndListsEveryEndpoint() async throws {
        let doc = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any]
        let paths = try #require(doc?["paths"] as? [String: Any])
        for p in [
            "/healthz", "/api/v1/session", "/api/v1/orgs/{code}", "/api/v1/members", "/api/v1/members/{id}",
            "/api/v1/divisions", "/api/v1/me", "/api/v1/self-reports", "/api/v1/self-reports/{receipt}",
            "/orgs/{code}/qr.svg",
        ] {
            #expect(paths[p] != nil, "\(p) missing from openapi.json")
        }
    }

    @Test(arguments: TestDatabase.all)
    func errorPagesAreInChineseAndAPIErrorsUseTheSharedShape(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var b = Browser(app)
            try await b.signIn("county", Fixture.password)
            let page = try await b.get("/no-such-page")
            #expect(page.status == .notFound)
            #expect(page.body.string.contains("页面不存在"))
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            let res = try await api.get("/api/v1/members/\(UUID().uuidString)")
            #expect(res.status == .notFound)
            let body = try res.content.decode(APIErrorBody.self)
            #expect(body.error.code == "not_found")
            #expect(body.error.message.contains("不存在"))
            let signedOut = try await app.testing().sendRequest(.GET, "/members")
            #expect(signedOut.status == .seeOther)
            let divisions = try await app.testing().sendRequest(.GET, "/api/v1/divisions?parent=150400")
            #expect(divisions.body.string.contains("巴林左旗"))
        }
    }
}
