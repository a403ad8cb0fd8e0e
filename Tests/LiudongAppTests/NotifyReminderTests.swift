import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("通知 reminders of the daily job: the quiz opening, org life tomorrow, a certificate ending, dues unpaid")
struct NotifyReminderTests {
    @Test(arguments: TestDatabase.all)
    func theDailyJobRemindsEachOnceOnItsDay(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let sql = try app.db.sql()
            let today = CalendarDate(year: 2026, month: 12, day: 10)!
            let flow = try await Mobile.open(app, f.memberA, leftOn: today.adding(days: -90))
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            _ = try await Mobile.activate(
                app, idNumber: Fixture.idA, code: try await Mobile.code(app, staff: secretary, member: f.memberA))
            // A quiz the county publishes, opening today; memberB (another county, at home) is not asked.
            try await sql.raw(
                """
                INSERT INTO quizzes (id, publisher_org_id, week, title, opens_on, closes_on, created_by)
                VALUES (\(bind: UUID()), \(bind: f.countyA.id!), '2026-W50', '本周一学', \(bind: today.description),
                  \(bind: today.adding(days: 6).description), 'county')
                """
            ).run()
            // Branch A's 主题党日 tomorrow at 19:30.
            try await sql.raw(
                """
                INSERT INTO org_life_events (id, org_id, kind, held_on, starts_at, ends_at, place, topic, check_in_code,
                  created_by)
                VALUES (\(bind: UUID()), \(bind: f.branchA.id!), 'themeDay', \(bind: today.adding(days: 1).description),
                  \(bind: today.adding(days: 1).description + "T19:30"), \(bind: today.adding(days: 1).description + "T21:00"),
                  '村委会', '学习', 'ABC234', 'secretary')
                """
            ).run()
            // memberA's activity certificate ends in 30 days; memberB owes September to November.
            try await sql.raw(
                """
                INSERT INTO certificates (id, number, member_id, flow_id, issued_on, valid_to, token_version, issued_by)
                VALUES (\(bind: UUID()), 'C-1', \(bind: f.memberA.id!), \(bind: flow.id!), '2026-06-01',
                  \(bind: today.adding(days: 30).description), 1, 'secretary')
                """
            ).run()
            for month in ["2026-09", "2026-10", "2026-11"] {
                try await sql.raw(
                    """
                    INSERT INTO dues_months (month, member_id, org_id, due_fen, payment_id)
                    VALUES (\(bind: month), \(bind: f.memberB.id!), \(bind: f.branchB.id!), 1500, NULL)
                    """
                ).run()
            }
            let lines = try await NotifyRemindersFeature().sweep(app, today: today)
            #expect(lines.count == 4, "\(lines)")
            let rows = try await NotifyFixture.rows(app)
            #expect(Set(rows.map(\.event)) == ["quizOpen", "orgLifeTomorrow", "certificateExpiring", "duesArrears"])
            let texts = try await MyNotificationsPages.listing(
                CurrentMember(accountID: UUID(), memberID: f.memberA.id!, name: "", viaToken: true), page: 1, on: app.db
            ).items.map(\.text)
            #expect(texts.contains("明天19:30在村委会召开主题党日，请准时参加。"))
            #expect(texts.contains("您的流动党员活动证将于1月9日到期，请联系党支部查验。"))
            #expect(texts.contains { $0.contains("2026-W50") })
            let b = try await NotifyStore.inbox("m:\(f.memberB.id!.uuidString)", limit: 10, offset: 0, on: sql)
            #expect(b.map(\.event) == ["duesArrears"])
            // Run again the same day: nothing is made twice. The next day: no dues reminder (only on the 10th).
            #expect(try await NotifyRemindersFeature().sweep(app, today: today).isEmpty)
            #expect(try await NotifyRemindersFeature().sweep(app, today: today.adding(days: 1)).isEmpty)
            #expect(try await NotifyFixture.rows(app).count == 4)
        }
    }
}
