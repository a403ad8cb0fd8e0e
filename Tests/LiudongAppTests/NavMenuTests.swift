import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// The bar grouped by the model (issue 27 item 13): 首页, 报到审核, 对账, 台账与统计, 四项举措, 五项机制, 系统, 消息 — menus
/// as <details> (no script), each with its items' overdue counts from the account's last worklist.
@Suite("Navigation: menus by the model with their overdue counts")
struct NavMenuTests {
    @Test(arguments: TestDatabase.all)
    func theCountysBarIsEightEntriesAndItsMenusCarryTheWorklistsCounts(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let county = try await Fixture.user(app, "county")
            let menus = try await Features.menus(for: county, path: "/ledger", on: app.db)
            #expect(menus.map(\.label) == ["首页", "报到审核", "对账", "台账与统计", "四项举措", "五项机制", "审计日志", "消息"])
            // A group with one entry for the account is that entry's plain link (系统 holds only the audit log here).
            #expect(menus.first { $0.label == "审计日志" }?.href == "/audit")
            let measures = try #require(menus.first { $0.label == "四项举措" })
            #expect(
                measures.href == nil && measures.entries.compactMap(\.section) == ["组织网络", "结对帮带", "学习与组织生活", "积分"])
            #expect(menus.first { $0.label == "台账与统计" }?.active == true)
            #expect(menus.allSatisfy { $0.count == nil && $0.overdue == nil }, "no worklist counted yet: no counts")

            // An overdue corrective item of a 组织生活会: once the worklist is counted, 四项举措 carries it.
            let held = AppClock.today.adding(days: -30)
            let e = try await OrgLifeActions.create(
                .init(
                    orgCode: f.branchA.code, kind: "lifeMeeting", startsAt: "\(held)T09:00", place: "活动室",
                    topic: "组织生活会"),
                as: .staff(try await Fixture.user(app, "secretary"), today: AppClock.today, on: app.db))
            _ = try await RectificationActions.add(
                what: "学习不经常", who: "书记", dueOn: held.adding(days: 10).description, event: e,
                as: .staff(county, today: AppClock.today, on: app.db))
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            #expect(try await api.get("/api/v1/worklist").status == .ok)
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)
            let html = try await page.get("/members").body.string
            let bar = try #require(
                html.components(separatedBy: "<nav class=\"nav\">").last?.components(separatedBy: "</nav>").first)
            #expect(bar.contains("<details class=\"menu\" id=\"menu-measures\"><summary title=\"待办截至"))
            #expect(bar.contains("四项举措<span class=\"count late\">1</span></summary>"))
            #expect(bar.contains("<a href=\"/org-life\">组织生活<span class=\"count late\">1</span></a>"))
            #expect(!bar.contains("<script"))
            // Two pages of the same account counting at once: both stored, neither fails; the later one stands.
            let one = [WorkItem(kind: "reviews", label: "待审核", count: 1, overdue: 0, href: "/reviews")]
            let two = [WorkItem(kind: "reviews", label: "待审核", count: 2, overdue: 1, href: "/reviews")]
            async let a: Void = WorklistCache.save(one, for: "race", on: app.db)
            async let b: Void = WorklistCache.save(one, for: "race", on: app.db)
            _ = try await (a, b)
            try await WorklistCache.save(two, for: "race", on: app.db)
            #expect(try await WorklistCache.read(for: "race", on: app.db)?.items == two)
        }
    }
}
