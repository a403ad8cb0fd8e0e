import Foundation
import LiudongCore
import SnapshotTesting
import Testing
import VaporTesting

@testable import LiudongApp

/// The measures' pages about one thing — an agreement and its renewal form, a mobile organization, a member's
/// pairings and points, an organizational-life event and the forms for a new one and a new weekly quiz, the hearings,
/// a care campaign and a member in difficulty, an award campaign, a service request on both sides, a course on the
/// member's phone — as reviewed text, normalized as the measures' index pages are.
@Suite("Page snapshots of the measures' detail pages")
struct MeasureDetailSnapshotTests {
    struct Created: Decodable { var id: UUID }

    @Test func detailPagesOfTheMeasuresAndTheMembersRequest() async throws {
        try await withTestApp(.sqlite) { app in
            let f = try await Fixture.build(app)
            // 张建国 away and reported to 望京, with a phone account and a request to the inflow side.
            _ = try await Mobile.open(app, f.memberA, inflow: f.external)
            let me = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA, staff: "secretary")
            let raised = try await me.post(
                "/api/v1/my/requests",
                json: #"{"kind":"medical","title":"异地就医备案","details":"在北京看病想用家乡医保报销，怎么备案？"}"#)
            #expect(raised.status == .created)
            let request = try raised.content.decode(Created.self).id
            // The county signs an agreement with 望京 (in force for a while yet).
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let signed = try await county.post("/api/v1/agreements", json: NetworkTests.agreementJSON())
            #expect(signed.status == .created)
            let agreement = try signed.content.decode(Created.self).id
            let member = try #require(f.memberA.id).uuidString
            // A mobile organization in Beijing; tomorrow's theme day; a festival campaign and a member in difficulty; an
            // award campaign; a course.
            _ = try await Fixture.org(
                "150422M09", "巴林左旗驻北京流动党员党支部", .branch, .mobile, parent: f.countyA, division: "110105", on: app.db)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let tomorrow = try #require(OrgLifeTime.parse("\(AppClock.today.adding(days: 1))T09:00"))
            let created = try await OrgLifeTests.event(secretary, org: f.branchA.code, at: tomorrow)
            let event = created.id
            let today = AppClock.today
            let countyUser = try await Fixture.user(app, "county")
            let campaign = try await CareActions.createCampaign(
                .init(
                    name: nil, festival: "springFestival", startsOn: today.description,
                    endsOn: today.adding(days: 60).description, hardship: "1", aged70: "1", party50: "1", longAway: "1"),
                org: f.countyA, as: .staff(countyUser, today: today, on: app.db))
            let hardship = try await CareActions.register(
                .init(
                    kind: "illness", level: "3", description: "本人重病住院，家中无收入。", verifiedBy: "村书记",
                    verifiedOn: today.description), member: f.memberA,
                as: .staff(try await Fixture.user(app, "secretary"), today: today, on: app.db))
            var countyBrowser = Browser(app)
            try await countyBrowser.signIn("county", Fixture.password)
            _ = try await countyBrowser.get("/awards")
            _ = try await countyBrowser.post(
                "/awards",
                form: [
                    "award": "excellentMobile", "year": String(today.year),
                    "nominateUntil": today.adding(days: 10).description, "quota_150422": "1",
                ])
            let award = try #require(try await AwardCampaign.query(on: app.db).first()?.id)
            let course = try #require(try await LearningTests.course(app, by: "county", title: "党课文章", minutes: 10).id)
            let pages: [(username: String, paths: [String])] = [
                (
                    "county",
                    [
                        "/agreements/\(agreement)", "/agreements/\(agreement)/renew", "/learning/quizzes/new",
                        "/mobile-orgs/150422M09", "/care/campaigns/\(campaign.id!)", "/awards/\(award)",
                    ]
                ),
                (
                    "secretary",
                    [
                        "/members/\(member)/pairings", "/points/members/\(member)", "/org-life/new",
                        "/org-life/\(event)",
                        "/care/hardship/\(hardship.id!)",
                    ]
                ),
                ("committee", ["/contacts/hearings"]),
                ("inflow", ["/requests/\(request)"]),
            ]
            for (username, paths) in pages {
                var browser = Browser(app)
                try await browser.signIn(username, Fixture.password)
                for path in paths {
                    let res = try await browser.get(path)
                    #expect(res.status == .ok, "\(username) \(path)")
                    Self.snapshot(
                        res, "details_\(username)\(Self.name(path))", replacing: [created.checkInCode: "<check-in>"])
                }
            }
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            for path in ["/my/requests/\(request)", "/my/courses/\(course)"] {
                let res = try await phone.get(path)
                #expect(res.status == .ok, "member \(path)")
                Self.snapshot(res, "details_member\(Self.name(path))")
            }
        }
    }

    /// The measures' normalization, and the ISO week a new quiz form proposes (this week's).
    /// `replacing`: values made at random in this run (an event's check-in code).
    static func snapshot(_ res: TestingHTTPResponse, _ name: String, replacing: [String: String] = [:]) {
        var text = MeasurePageSnapshotTests.normalize(res.body.string)
            .replacingOccurrences(of: #"<year>-W\d{2}"#, with: "<year>-W<week>", options: .regularExpression)
        for (value, placeholder) in replacing { text = text.replacingOccurrences(of: value, with: placeholder) }
        withSnapshotTesting(record: .missing) {
            assertSnapshot(of: text, as: .lines, named: name, testName: "detailPages")
        }
    }

    /// A path as a snapshot name: ids left out (they change every run).
    static func name(_ path: String) -> String {
        path.replacingOccurrences(
            of: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, with: "id",
            options: .regularExpression
        ).replacingOccurrences(of: "/", with: "_")
    }
}
