import Fluent
import Foundation
import LiudongCore
import SnapshotTesting
import Testing
import VaporTesting

@testable import LiudongApp

/// The pages of the four management measures (4a organizations and agreements, 4b pairing and contact, 4c learning
/// and organizational life, 4d points), the five service mechanisms, and every page of the member's own phone side,
/// as reviewed text (normalized as `PageSnapshotTests.normalize` does).
@Suite("Page snapshots of the measures, the services and the member's phone")
struct MeasurePageSnapshotTests {
    static let pages: [(username: String, paths: [String])] = [
        (
            "secretary",
            [
                "/pairings", "/contacts", "/org-life", "/learning", "/diaries", "/home-study", "/red-packages",
                "/points", "/points/claims", "/points/appeals", "/points/talks", "/requests", "/care", "/talent",
                "/awards",
            ]
        ),
        // `/org-life/compliance` is left out: what a branch owes so far depends on where today falls in the quarter
        // and the half (the date sweep moves it); OrgLifeTests assert its figures.
        ("committee", ["/contacts/report", "/org-life/alerts", "/points/ranking", "/requests/stats"]),
        (
            "county",
            [
                "/agreements", "/agreements/new", "/mobile-orgs", "/temporary-orgs/suggestions", "/learning/questions",
                "/points/rules", "/care", "/talent", "/awards",
            ]
        ),
        ("admin", ["/requests/calendar", "/org-life/settings"]),
        ("inflow", ["/requests", "/org-life", "/pairings", "/learning/inflow"]),
    ]

    static let memberPages = [
        "/my", "/my/requests", "/my/talent", "/my/certificate", "/my/courses", "/my/diary", "/my/org-life",
        "/my/points", "/my/points/ranking", "/my/quiz", "/my/password", "/my/home-visits",
    ]

    /// `PageSnapshotTests.normalize`, then what the measures' pages add that moves with the day: bare years (in
    /// links, year fields, the calendar's neighbours), half-year codes and names (the current half is listed first),
    /// and the contact page's reminder in a quarter's last month.
    static func normalize(_ html: String) -> String {
        var text = PageSnapshotTests.normalize(html)
        for (pattern, replacement) in [
            (#"\d{4}H[12]"#, "<half>"), (#"(?<![\d])20\d{2}(?![\d])"#, "<year>"), (#"[上下]半年"#, "<半年>"),
            (#"<p class="flash">本季度最后一个月[^<]*</p>"#, ""),
        ] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    static func snapshot(_ res: TestingHTTPResponse, _ name: String) {
        withSnapshotTesting(record: .missing) {
            assertSnapshot(of: Self.normalize(res.body.string), as: .lines, named: name, testName: "measurePages")
        }
    }

    @Test func measureAndServicePagesOfEachRoleAndTheMembersPhone() async throws {
        try await withTestApp(.sqlite) { app in
            let f = try await Fixture.build(app)
            // 张建国 away and reported to 望京, with a phone account.
            _ = try await Mobile.open(app, f.memberA, inflow: f.external)
            let code = try await Mobile.code(
                app, staff: try await APIClient.signIn(app, "secretary", Fixture.password), member: f.memberA)
            #expect(try await Mobile.activate(app, idNumber: Fixture.idA, code: code).status == .created)
            for (username, paths) in Self.pages {
                var browser = Browser(app)
                try await browser.signIn(username, Fixture.password)
                for path in paths {
                    let res = try await browser.get(path)
                    #expect(res.status == .ok, "\(username) \(path)")
                    Self.snapshot(res, "\(username)\(path.replacingOccurrences(of: "/", with: "_"))")
                }
            }
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            for path in Self.memberPages {
                let res = try await phone.get(path)
                #expect(res.status == .ok, "member \(path)")
                Self.snapshot(res, "member\(path.replacingOccurrences(of: "/", with: "_"))")
            }
            // A red-package campaign of the county with 张建国's package mailed: its page, and his on the phone.
            let county = try await Fixture.user(app, "county")
            let acting = Acting.staff(county, today: AppClock.today, on: app.db)
            let c = try await RedPackageActions.createCampaign(
                name: "七一红色包裹", contents: "党章\n笔记本", budget: "1000", org: f.countyA, as: acting)
            _ = try await RedPackageActions.addRecipients(to: c, under: f.countyA, destination: nil, as: acting)
            let p = try #require(try await RedPackage.query(on: app.db).filter(\.$campaignID == c.id).first())
            try await RedPackageActions.ship(
                p, sentOn: AppClock.today.description, courier: "中国邮政EMS", trackingNo: "EM100", as: acting)
            var browser = Browser(app)
            try await browser.signIn("county", Fixture.password)
            let campaign = try await browser.get("/red-packages/campaigns/\(c.id!.uuidString)")
            #expect(campaign.status == .ok)
            Self.snapshot(campaign, "county_red-packages_campaign")
            let mine = try await phone.get("/my/red-packages/\(p.id!.uuidString)")
            #expect(mine.status == .ok)
            Self.snapshot(mine, "member_my_red-package")
        }
    }
}
