import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// 组织生活会 records its corrective items (issue 27 item 3): what, who, due, done on; overdue ones reach the worklist.
@Suite("Organizational life: corrective items of 组织生活会")
struct RectificationTests {
    struct Items: Decodable {
        struct Item: Decodable {
            var kind: String
            var count: Int
        }
        var items: [Item]
    }

    @Test(arguments: TestDatabase.all)
    func overdueItemsReachTheWorklistUntilDone(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            let held = today.adding(days: -40)
            let secretaryUser = try await Fixture.user(app, "secretary")
            let acting = Acting.staff(secretaryUser, today: today, on: app.db)
            func event(_ kind: OrgLifeKind) async throws -> OrgLifeEvent {
                try await OrgLifeActions.create(
                    .init(
                        orgCode: f.branchA.code, kind: kind.rawValue, startsAt: "\(held)T09:00", place: "活动室",
                        topic: kind.label), as: acting)
            }
            let meeting = try await event(.lifeMeeting)
            var page = Browser(app)
            try await page.signIn("secretary", Fixture.password)
            let path = "/org-life/\(meeting.id!.uuidString)"
            #expect(try await page.get(path).body.string.contains("id=\"rectifications\""))
            // Bad input is refused field by field; nothing is stored.
            _ = try await page.post(path + "/rectifications", form: ["what": "", "who": "", "dueOn": "2020-01-01"])
            #expect(try await Rectification.query(on: app.db).count() == 0)
            // Two items: one due ten days ago, one due in ten days.
            _ = try await page.post(
                path + "/rectifications",
                form: ["what": "党员联系群众不够经常", "who": "支部书记", "dueOn": today.adding(days: -10).description])
            _ = try await page.post(
                path + "/rectifications",
                form: ["what": "学习记录不完整", "who": "组织委员", "dueOn": today.adding(days: 10).description])
            #expect(try await Rectification.query(on: app.db).count() == 2)
            let shown = try await page.get(path).body.string
            #expect(shown.contains("党员联系群众不够经常") && shown.contains("（已逾期）"))

            // The overdue one is on the branch's, the committee's and the county's worklist.
            func count(_ user: String) async throws -> Int {
                let c = try await APIClient.signIn(app, user, Fixture.password)
                return try await c.get("/api/v1/worklist").content.decode(Items.self).items
                    .first { $0.kind == "rectificationOverdue" }?.count ?? 0
            }
            #expect(try await count("secretary") == 1)
            #expect(try await count("county") == 1)
            let list = try await page.get("/org-life/rectifications").body.string
            #expect(list.contains("1 项已过整改时限未完成") && list.contains("学习记录不完整"))

            // Done (not before the meeting, not in the future): off the worklist.
            let late = try #require(
                try await Rectification.query(on: app.db).filter(\.$what == "党员联系群众不够经常").first())
            _ = try await page.post(
                "/org-life/rectifications/\(late.id!.uuidString)/done",
                form: ["doneOn": today.adding(days: 1).description])
            #expect(try await Rectification.find(late.id, on: app.db)?.doneOn == nil)
            _ = try await page.post(
                "/org-life/rectifications/\(late.id!.uuidString)/done",
                form: ["doneOn": today.description, "note": "建立每月走访制度"])
            #expect(try await Rectification.find(late.id, on: app.db)?.doneOn == today.description)
            #expect(try await count("secretary") == 0)

            // Only a 组织生活会 records them; another county's secretary cannot reach it.
            let theme = try await event(.themeDay)
            _ = try await page.post(
                "/org-life/\(theme.id!.uuidString)/rectifications",
                form: ["what": "x", "who": "y", "dueOn": today.description])
            #expect(try await Rectification.query(on: app.db).filter(\.$eventID == theme.id!).count() == 0)
            var other = Browser(app)
            try await other.signIn("secretaryb", Fixture.password)
            _ = try await other.get("/org-life")
            let res = try await other.post(
                path + "/rectifications", form: ["what": "x", "who": "y", "dueOn": today.description])
            #expect(res.status == .notFound)
        }
    }
}
