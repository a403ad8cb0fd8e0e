import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Recognition (评优表彰): a county's campaign with a quota, nominations by the branch, approval by the committee and
/// then the county within the quota, publication onto the member's archive and phone, and who may do what.
@Suite("Services: recognition (评优表彰)")
struct RecognitionTests {
    static let citation = "在流入地积极参加组织生活，带领工友学习安全生产，主动为家乡合作社联系销路。"

    @Test(arguments: TestDatabase.all)
    func theNominationChainRespectsTheQuota(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            try await Mobile.open(app, f.memberA)
            // A second mobile member in the same branch.
            let other = try await Member.query(on: app.db).filter(\.$name == "李秀英").first()
            let li = try #require(other)
            li.organizationID = f.branchA.id!
            try await li.update(on: app.db)
            try await Mobile.open(app, li)
            // The county starts a campaign with one place.
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            _ = try await county.get("/awards")
            _ = try await county.post(
                "/awards",
                form: [
                    "award": "excellentMobile", "year": String(today.year),
                    "nominateUntil": today.adding(days: 10).description,
                    "quota_150422": "1",
                ])
            let campaign = try #require(try await AwardCampaign.query(on: app.db).first())
            #expect(try await RecognitionStore.quotas(campaign, on: app.db) == [f.countyA.id!: 1])
            // The branch nominates both (a citation is required, once per member; a non-mobile member is refused).
            var branch = Browser(app)
            try await branch.signIn("secretary", Fixture.password)
            _ = try await branch.get("/awards/\(campaign.id!)")
            _ = try await branch.post("/awards/\(campaign.id!)/nominations", form: ["name": "张建国", "citation": "太短"])
            #expect(try await AwardNomination.query(on: app.db).count() == 0)
            for name in ["张建国", "李秀英", "张建国"] {
                _ = try await branch.post(
                    "/awards/\(campaign.id!)/nominations", form: ["name": name, "citation": Self.citation])
            }
            let nominations = try await AwardNomination.query(on: app.db).all()
            #expect(nominations.count == 2 && nominations.allSatisfy { $0.status == .nominated })
            let a = try #require(nominations.first { $0.memberID == f.memberA.id })
            let b = try #require(nominations.first { $0.memberID == li.id })
            // The county cannot approve before the committee; the committee approves both; the county approves one,
            // the second is over the quota.
            _ = try await county.post("/awards/nominations/\(a.id!)", form: ["decision": "approve"])
            #expect(try await AwardNomination.find(a.id, on: app.db)?.status == .nominated)
            var committee = Browser(app)
            try await committee.signIn("committee", Fixture.password)
            let page = try await committee.get("/awards/\(campaign.id!)").body.string
            #expect(page.contains("张建国") && page.contains("李秀英") && page.contains("联系（本人确认）"))
            for n in [a, b] {
                _ = try await committee.post("/awards/nominations/\(n.id!)", form: ["decision": "approve"])
            }
            _ = try await county.post("/awards/nominations/\(a.id!)", form: ["decision": "approve"])
            _ = try await county.post("/awards/nominations/\(b.id!)", form: ["decision": "approve"])
            #expect(try await AwardNomination.find(a.id, on: app.db)?.status == .countyApproved)
            #expect(try await AwardNomination.find(b.id, on: app.db)?.status == .committeeApproved)
            // Rejected with a reason.
            _ = try await county.post("/awards/nominations/\(b.id!)", form: ["decision": "reject"])
            #expect(try await AwardNomination.find(b.id, on: app.db)?.status == .committeeApproved)
            _ = try await county.post("/awards/nominations/\(b.id!)", form: ["decision": "reject", "reason": "名额已满"])
            #expect(try await AwardNomination.find(b.id, on: app.db)?.status == .rejected)
            // Another county sees nothing of it; the secretary may not publish; the county publishes.
            var countyB = Browser(app)
            try await countyB.signIn("countyb", Fixture.password)
            #expect(try await countyB.get("/awards/\(campaign.id!)").status == .notFound)
            _ = try await branch.get("/awards/\(campaign.id!)")
            #expect(try await branch.post("/awards/\(campaign.id!)/publish", form: [:]).status == .forbidden)
            _ = try await county.post("/awards/\(campaign.id!)/publish", form: [:])
            #expect(try await AwardCampaign.find(campaign.id, on: app.db)?.status == .published)
            // On the member's archive and phone.
            let archive = try await county.get("/members/\(f.memberA.id!)/archive").body.string
            #expect(archive.contains("获评\(campaign.name)"))
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            #expect(try await phone.get("/my").body.string.contains("获评\(campaign.name)"))
        }
    }
}
