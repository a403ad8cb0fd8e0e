import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// The talent register kept by the member and the branch, opportunities published by a county and matched on the
/// member's phone, returning-entrepreneur projects with totals, and who may do what.
@Suite("Services: jobs, entrepreneurship and returning talent (就业创业、人才回引)")
struct TalentTests {
    @Test(arguments: TestDatabase.all)
    func opportunitiesReachTheMembersTheyMatch(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            // The county publishes a job for electricians, a job for e-commerce and a reserve-cadre post.
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            _ = try await county.get("/talent")
            let until = AppClock.today.adding(days: 30).description
            for (kind, title, industry, skills) in [
                ("job", "招聘维修电工", "construction", "电工"), ("job", "招聘电商运营", "trade", "直播带货"),
                ("reserveCadre", "村两委后备人选培养", "", ""),
            ] {
                _ = try await county.post(
                    "/talent/opportunities",
                    form: [
                        "kind": kind, "title": title, "unit": "林东镇", "industry": industry, "skills": skills,
                        "details": "具体内容写在这里。", "contact": "0476-1234567", "validUntil": until,
                    ])
            }
            #expect(try await Opportunity.query(on: app.db).count() == 3)
            // Refused: no title, a past deadline — nothing stored.
            _ = try await county.post(
                "/talent/opportunities", form: ["kind": "job", "details": "具体内容写在这里。", "validUntil": "2020-01-01"])
            #expect(try await Opportunity.query(on: app.db).count() == 3)
            // The member fills the entry on the phone: an electrician not willing to return sees the electrician job.
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            _ = try await phone.get("/my/talent")
            _ = try await phone.post("/my/talent", form: ["industry": "construction", "skills": "电工、焊工"])
            var page = try await phone.get("/my/talent").body.string
            #expect(page.contains("招聘维修电工") && !page.contains("招聘电商运营") && !page.contains("村两委后备人选培养"))
            #expect(page.contains("推荐理由：同属建筑业；技能：电工"))
            // Willing to return: the reserve-cadre post too.
            _ = try await phone.post(
                "/my/talent", form: ["industry": "construction", "skills": "电工、焊工", "willingReturn": "1"])
            page = try await phone.get("/my/talent").body.string
            #expect(page.contains("村两委后备人选培养"))
            // The branch sees the entry in its register; another county's branch does not.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/talent?return=1").body.string.contains("张建国"))
            var other = Browser(app)
            try await other.signIn("secretaryb", Fixture.password)
            #expect(!(try await other.get("/talent").body.string.contains("张建国")))
            // A returning-entrepreneur project, with the county's totals; a secretary may not record one.
            _ = try await county.post(
                "/talent/projects",
                form: [
                    "enterprise": "农产品加工厂", "industry": "farming", "investment": "60000", "annualOutput": "100000",
                    "jobsCreated": "1200", "startedOn": "2025-05-01", "branch": f.branchA.code, "name": "张建国",
                    "support": "协调用地",
                ])
            let project = try #require(try await ReturnProject.query(on: app.db).first())
            #expect(project.memberID == f.memberA.id && project.countyID == f.countyA.id && project.jobsCreated == 1200)
            #expect(try await county.get("/talent").body.string.contains("<td>巴林左旗</td><td>1</td><td>60000</td>"))
            _ = try await secretary.get("/talent")
            #expect(
                try await secretary.post(
                    "/talent/projects",
                    form: [
                        "enterprise": "x", "industry": "farming", "investment": "1", "annualOutput": "1",
                        "jobsCreated": "1", "startedOn": "2025-05-01",
                    ]
                ).status == .forbidden)
        }
    }
}
