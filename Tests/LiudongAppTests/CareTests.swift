import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Hardship help and festival care: the register with its checks, help given, and a campaign's targets on a fixture
/// with known answers (ages and Party standing to the day), visits once each, progress per organization, scope.
@Suite("Services: hardship help and festival care (困难帮扶、节日慰问)")
struct CareTests {
    struct Progress: Decodable, Equatable {
        struct Org: Decodable, Equatable {
            var orgCode: String
            var targets: Int
            var visited: Int
        }
        var targets: Int
        var visited: Int
        var byOrg: [Org]
    }

    @Test(arguments: TestDatabase.all)
    func aCampaignListsExactlyItsTargetsAndCountsVisits(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = CalendarDate("2026-12-01")!
            let secretary = try await Fixture.user(app, "secretary")
            let county = try await Fixture.user(app, "county")
            // 张建国 turns 70 on the campaign's first day and has been away since exactly 180 days before it.
            f.memberA.birthDate = "1956-12-01"
            try await f.memberA.update(on: app.db)
            try await Mobile.open(app, f.memberA, leftOn: CalendarDate("2026-06-04")!)
            // 李秀英 is one day short of 50 years in the Party; registered in difficulty she is a target all the same.
            let li = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            li.joinedOn = "1976-12-02"
            try await li.update(on: app.db)
            // 王海涛 is old enough but in the other county.
            f.memberB.birthDate = "1940-01-01"
            try await f.memberB.update(on: app.db)
            let campaign = try await CareActions.createCampaign(
                .init(
                    name: nil, festival: "springFestival", startsOn: "2026-12-01", endsOn: "2027-02-20", hardship: "1",
                    aged70: "1", party50: "1", longAway: "1"), org: f.countyA,
                as: .staff(county, today: today, on: app.db))
            var targets = try await CareStore.targets(campaign, under: f.countyA.path, on: app.db)
            #expect(targets.map(\.name) == ["张建国"])
            #expect(targets.first?.reasons == "70岁以上、长期在外流动")
            // Registering her (checked fields, one open record per member) makes her a target.
            do {
                _ = try await CareActions.register(
                    .init(kind: "x", level: "9", description: "短", verifiedBy: nil, verifiedOn: "2027-01-01"),
                    member: li,
                    as: .staff(secretary, today: today, on: app.db))
                Issue.record("accepted a bad record")
            } catch AppError.invalid(let errors) {
                #expect(Set(errors.map(\.field)) == ["kind", "level", "description", "verifiedBy", "verifiedOn"])
            }
            let record = try await CareActions.register(
                .init(
                    kind: "illness", level: "3", description: "本人重病住院，家中无收入。", verifiedBy: "村书记",
                    verifiedOn: "2026-11-20"), member: li, as: .staff(secretary, today: today, on: app.db))
            #expect(record.reviewDue == "2027-11-20")
            do {
                _ = try await CareActions.register(
                    .init(
                        kind: "illness", level: "1", description: "再登记一次试试", verifiedBy: "村书记", verifiedOn: "2026-11-21"
                    ),
                    member: li, as: .staff(secretary, today: today, on: app.db))
                Issue.record("registered twice")
            } catch AppError.conflict {}
            _ = try await CareActions.help(
                .init(givenOn: "2026-11-25", form: "money", amount: "2000", givenBy: "旗委组织部", source: "党内关怀资金"),
                record: record, member: li, as: .staff(secretary, today: today, on: app.db))
            targets = try await CareStore.targets(campaign, under: f.countyA.path, on: app.db)
            #expect(targets.map(\.name) == ["张建国", "李秀英"] && targets.last?.reasons == "困难党员")
            // A visit once; its date within the campaign and not in the future.
            let form = CareActions.VisitForm(
                member: f.memberA.id!.uuidString, visitedOn: "2026-12-01", way: "call", visitor: "村书记", gifts: "电话问候",
                situation: "在外务工，身体健康。")
            var late = form
            late.visitedOn = "2026-12-02"
            do {
                _ = try await CareActions.visit(
                    late, campaign: campaign, target: f.memberA, as: .staff(secretary, today: today, on: app.db))
                Issue.record("accepted a visit in the future")
            } catch AppError.invalid(let errors) { #expect(errors.map(\.field) == ["visitedOn"]) }
            _ = try await CareActions.visit(
                form, campaign: campaign, target: f.memberA, as: .staff(secretary, today: today, on: app.db))
            do {
                _ = try await CareActions.visit(
                    form, campaign: campaign, target: f.memberA, as: .staff(secretary, today: today, on: app.db))
                Issue.record("visited twice")
            } catch AppError.conflict {}
            // Progress: the county by committee, the secretary's branch alone; the other county sees no campaign.
            let countyAPI = try await APIClient.signIn(app, "county", Fixture.password)
            let all = try await countyAPI.get("/api/v1/care-campaigns/\(campaign.id!)/progress").content.decode(
                Progress.self)
            #expect(
                all == Progress(targets: 2, visited: 1, byOrg: [.init(orgCode: "15042201", targets: 2, visited: 1)]))
            let branchAPI = try await APIClient.signIn(app, "secretary", Fixture.password)
            let mine = try await branchAPI.get("/api/v1/care-campaigns/\(campaign.id!)/progress").content.decode(
                Progress.self)
            #expect(
                mine == Progress(targets: 1, visited: 1, byOrg: [.init(orgCode: "1504220101", targets: 1, visited: 1)]))
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(try await other.get("/api/v1/care-campaigns/\(campaign.id!)/progress").status == .notFound)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await inflow.get("/api/v1/care-campaigns/\(campaign.id!)/progress").status == .forbidden)
            // Pages: the register and the campaign open; a visit to a non-target is refused; the archive shows both.
            var browser = Browser(app)
            try await browser.signIn("county", Fixture.password)
            #expect(try await browser.get("/care").body.string.contains("李秀英"))
            let page = try await browser.get("/care/campaigns/\(campaign.id!)")
            #expect(page.status == .ok && page.body.string.contains("已慰问1人，共2人"))
            _ = try await browser.post(
                "/care/campaigns/\(campaign.id!)/visits",
                form: [
                    "member": f.memberB.id!.uuidString, "visitedOn": "2026-12-01", "way": "visit", "visitor": "x",
                    "situation": "好的",
                ])
            #expect(try await CareVisit.query(on: app.db).count() == 1)
            let archive = try await browser.get("/members/\(li.id!)/archive").body.string
            #expect(archive.contains("登记为困难党员（重病，特别困难）") && archive.contains("帮扶资金2000元"))
            #expect(try await browser.get("/care/hardship/\(record.id!)").status == .ok)
            // Starting a campaign is the city's or a county's; a secretary gets 403.
            var branch = Browser(app)
            try await branch.signIn("secretary", Fixture.password)
            _ = try await branch.get("/care")
            #expect(
                try await branch.post("/care/campaigns", form: ["festival": "julyFirst", "startsOn": "2026-12-01"])
                    .status == .forbidden)
        }
    }
}
