import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// The agreement page's figure and the coverage rate agree: a member the rate already counts (through a mobile
/// organization or another agreement) is named apart, so "the agreement adds N" is what the rate rises by. Before
/// the fix the page said "目前 3 人" and the rate rose by 1 (the browser test failed on the demo from December).
@Suite("Measure 4a: what an agreement adds to the coverage rate")
struct CoverageFigureTests {
    struct Rate: Decodable { var covered: Int }

    @Test(arguments: TestDatabase.all)
    func theAgreementPageCountsOnlyWhatItAddsToTheRate(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup: three members of 巴林左旗 reporting to 望京; one takes part in a mobile organization, one is
            // on a list agreement of the county already.
            let f = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let inMobileOrg = try await NetworkTests.member(app, "成员甲", sequence: 301, branch: f.branchA2)
            let listed = try await NetworkTests.member(app, "成员乙", sequence: 302, branch: f.branchA2)
            for m in [f.memberA, inMobileOrg, listed] { try await Mobile.open(app, m, inflow: f.external) }
            let mobileOrg = try await Fixture.org(
                "150422M09", "巴林左旗驻北京流动党员党支部", .branch, .mobile, parent: f.countyA, division: "110105",
                on: app.db)
            try await MobileOrgMembership(
                orgID: mobileOrg.id!, memberID: inMobileOrg.id!,
                joinedOn: AppClock.today.adding(days: -30).description, by: "test"
            ).create(on: app.db)
            let today = AppClock.today
            let from = today.adding(days: -10).description
            let to = today.adding(days: 700).description
            struct Created: Decodable { var id: UUID }
            let list = try await county.post(
                "/api/v1/agreements",
                json: NetworkTests.agreementJSON(
                    number: "BLZQ-LIST-1", from: from, to: to, covers: "list", ids: [listed.id!]))
            #expect(list.status == .created)
            try await NetworkTests.confirm(app, try list.content.decode(Created.self).id)
            let before = try await county.get("/api/v1/coverage?org=150422").content.decode(Rate.self).covered
            #expect(before == 2)
            // MUT: the county signs an agreement covering all its members at 望京.
            let res = try await county.post(
                "/api/v1/agreements", json: NetworkTests.agreementJSON(number: "BLZQ-ALL-1", from: from, to: to))
            #expect(res.status == .created)
            let id = try res.content.decode(Created.self).id
            // validate: the page names all three and the two counted elsewhere; the rate rises by one.
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)
            let html = try await page.get("/agreements/\(id.uuidString)").body.string
            #expect(html.contains(#"目前 <span id="agreement-members">3</span> 人"#))
            #expect(html.contains(#"其中 <span id="agreement-elsewhere">2</span> 人已由流动党员党组织或其他协议覆盖"#))
            #expect(html.contains(#"本协议使覆盖人数增加 <span id="agreement-adds">1</span> 人"#))
            // Until the other side confirms it (or the signed scan is on file) it is not counted, and the page says so.
            #expect(html.contains(#"id="agreement-not-counted""#))
            #expect(try await county.get("/api/v1/coverage?org=150422").content.decode(Rate.self).covered == before)
            try await NetworkTests.confirm(app, id)
            #expect(
                !(try await page.get("/agreements/\(id.uuidString)").body.string.contains(
                    #"id="agreement-not-counted""#)))
            let after = try await county.get("/api/v1/coverage?org=150422").content.decode(Rate.self).covered
            #expect(after == before + 1)
            // The list agreement's own page: one member, counted by the other agreement too now.
            let store = try await AgreementStore.covered(
                try #require(try await Agreement.query(on: app.db).filter(\.$number == "BLZQ-LIST-1").first()),
                on: app.db, today: today)
            #expect(store == AgreementStore.Covered(members: 1, elsewhere: 1))
        }
    }
}
