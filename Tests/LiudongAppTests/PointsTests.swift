import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Measure 4d: every source kind earns exactly what the rules say, recomputation is idempotent and leaves closed
/// periods alone, a mid-year version applies from its date, and the editor refuses logins and time online.
@Suite("Points ledger (积分管理)")
struct PointsTests {
    /// When the tests' mobile members left: before every year whose facts they record (facts count in the months a
    /// member was mobile).
    static let before = CalendarDate(year: 2024, month: 6, day: 1)!

    static func pilot(_ app: Application, _ county: Organization, years: [Int], form: PublicForm = .bands) async throws
    {
        for y in years {
            try await PointRulesStore.enable(county, true, year: y, by: "test", db: app.db)
        }
        let s = try #require(try await PointCounty.find(county.id!, on: app.db))
        s.publicForm = form
        try await s.save(on: app.db)
    }

    static func member(_ app: Application, named name: String) async throws -> Member {
        try #require(try await Member.query(on: app.db).filter(\.$name == name).first())
    }

    @Test(arguments: TestDatabase.all)
    func eachSourceKindEarnsExactlyWhatTheRulesSay(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let p = PointFixture(app: app)
            let a = f.memberA
            _ = try await Mobile.open(app, a, leftOn: PointsTests.before, inflow: f.external)
            try await Self.pilot(app, f.countyA, years: [2025])
            // Home organizational life: four in March (3 each, monthly cap 9), one in July.
            for d in ["2025-03-02", "2025-03-09", "2025-03-16", "2025-03-23"] { try await p.attend(a, f.branchA, d) }
            try await p.attend(a, f.branchA, "2025-07-06")
            // Away (an inflow organization) and a county-level event (home side: above the branch).
            try await p.attend(a, f.external, "2025-04-12")
            try await p.attend(a, f.countyA, "2025-04-20", kind: .partyClass)
            // Member meetings: absent without leave (−5), excused, absent with the superior's consent (not counted).
            try await p.attend(a, f.branchA, "2025-06-28", kind: .memberMeeting, status: .absent)
            try await p.attend(a, f.branchA, "2025-09-27", kind: .memberMeeting, status: .excused)
            try await p.attend(a, f.branchA, "2025-12-27", kind: .memberMeeting, status: .absent, notCounted: true)
            // Learning: a course; quizzes at 50% (nothing), 60% and 100%.
            try await p.course(a, "2025-05-10", publisher: f.city)
            try await p.quiz(a, "2025-05-11", score: 1, total: 2, publisher: f.city)
            try await p.quiz(a, "2025-05-18", score: 3, total: 5, publisher: f.countyA)
            try await p.quiz(a, "2025-05-25", score: 5, total: 5, publisher: f.committeeA)
            // A diary marked 优秀 and one not; contacts confirmed, denied and unanswered; claims approved and pending.
            try await p.diary(a, "2025-06-01", excellent: true)
            try await p.diary(a, "2025-06-02", excellent: false)
            try await p.contact(a, "2025-02-15", answer: "confirmed", cadreOrg: f.branchA)
            try await p.contact(a, "2025-05-15", answer: "denied", cadreOrg: f.branchA)
            try await p.contact(a, "2025-08-15", answer: nil, cadreOrg: f.branchA)
            try await p.claim(a, "2025-08-01")
            try await p.claim(a, "2025-08-02", status: .pending)
            // Facts of another year and of a member who is not mobile earn nothing here.
            try await p.attend(a, f.branchA, "2024-12-29")
            let notMobile = try await Self.member(app, named: "李秀英")
            try await p.attend(notMobile, f.branchA2, "2025-03-02")

            let first = try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            let expected = [
                "2025-02-15 contactConfirmed Q01 2",
                "2025-03-02 orgLifeHome O01 3", "2025-03-09 orgLifeHome O01 3", "2025-03-16 orgLifeHome O01 3",
                "2025-03-23 orgLifeHome O01 0 capped",
                "2025-04-12 orgLifeAway O02 3", "2025-04-20 orgLifeHome O01 3",
                "2025-05-10 courseCompleted L01 2", "2025-05-18 quizPassed L02 1", "2025-05-25 quizPassed L02 1",
                "2025-06-01 diaryExcellent V01 3", "2025-06-28 memberMeetingAbsent O03 -5",
                "2025-07-06 orgLifeHome O01 3", "2025-08-01 claim V02 5",
            ]
            #expect(try await p.entries(a, 2025) == expected)
            #expect(try await p.total(a, 2025) == 27)
            #expect(try await p.total(notMobile, 2025) == nil)
            #expect(first.members == 1 && first.entries == expected.count)

            // Idempotent: the same ledger (ids, points, statuses) the second time.
            let second = try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            #expect(second.digest == first.digest)
            #expect(try await p.entries(a, 2025) == expected)

            // Close the first quarter; a late fact in it changes nothing, a fact after it counts.
            try await PointRulesActions.close(
                county: f.countyA, through: Quarter(year: 2025, number: 1)!,
                as: .system("test", today: CalendarDate("2026-01-10")!, on: app.db))
            try await p.course(a, "2025-02-20", publisher: f.city)
            try await p.course(a, "2025-10-20", publisher: f.city)
            // A version from before the closed day is refused; one from 1 July gives home organizational life 5.
            var items = PointRuleVersion.defaultItems
            items[2].points = 5
            await #expect(throws: AppError.self) {
                try await PointRulesActions.createVersion(
                    county: f.countyA, year: 2025, from: CalendarDate("2025-03-01"), items: items, note: nil,
                    as: .system("t", today: AppClock.today, on: app.db))
            }
            let v2 = try await PointRulesActions.createVersion(
                county: f.countyA, year: 2025, from: CalendarDate("2025-07-01"), items: items, note: "提高",
                as: .system("t", today: AppClock.today, on: app.db))
            #expect(v2.version == 2)
            let after = try await p.entries(a, 2025)
            #expect(after.filter { $0.hasPrefix("2025-0") && $0 < "2025-04" } == Array(expected.prefix(5)))
            #expect(
                after.contains("2025-07-06 orgLifeHome O01 5") && after.contains("2025-10-20 courseCompleted L01 2"))
            #expect(!after.contains { $0.hasPrefix("2025-02-20") })
            let versions = try await (app.db as! SQLDatabase).raw(
                "SELECT on_day, rule_version FROM point_entries WHERE member_id = \(bind: a.id!) AND item_code = 'O01'"
            ).all().map {
                (try $0.decode(column: "on_day", as: String.self), try $0.decode(column: "rule_version", as: Int.self))
            }
            #expect(versions.allSatisfy { $0.0 < "2025-07-01" ? $0.1 == 1 : $0.1 == 2 })
            #expect(try await p.total(a, 2025) == 31)
            // The command line gives the same fingerprint twice.
            let c1 = try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            let c2 = try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            #expect(c1.digest == c2.digest && c1.closedThrough == "2025-03-31")
        }
    }

    @Test func idsReadBackAsWritten() {
        for _ in 0..<200 {
            let u = UUID()
            #expect(PointRow.parseUUID(u.uuidString) == u && PointRow.parseUUID(u.uuidString.lowercased()) == u)
        }
        for bad in [
            "", "x", String(UUID().uuidString.dropLast()), UUID().uuidString + "0", "G" + UUID().uuidString.dropFirst(),
            UUID().uuidString.replacingOccurrences(of: "-", with: ""),
            "--------------------------------------------------",
        ] {
            #expect(PointRow.parseUUID(bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func theEditorRefusesLoginsAndOnlyTheCountyEditsItsRules(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let year = AppClock.today.year
            try await Self.pilot(app, f.countyA, years: [year])
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            #expect(try await county.get("/points").status == .ok)
            let today = AppClock.today.description
            func row(_ code: String, _ name: String) -> [String: String] {
                [
                    "county": f.countyA.code, "year": "\(year)", "effectiveFrom": today, "code[]": code, "name[]": name,
                    "category[]": "learning", "points[]": "1", "monthCap[]": "", "yearCap[]": "",
                    "source[]": "courseCompleted",
                    "threshold[]": "",
                ]
            }
            #expect(try await county.post("/points/rules", form: row("X1", "每日登录平台")).status == .seeOther)
            #expect(try await county.get("/points/rules").body.string.contains("不能按登录、在线时长或点击计分（含“登录”）"))
            #expect(try await county.post("/points/rules", form: row("X2", "在线学习时长满30分钟")).status == .seeOther)
            #expect(try await county.get("/points/rules").body.string.contains("（含“在线”）"))
            #expect(try await PointRulesStore.versions(county: f.countyA.id!, year: year, on: app.db).count == 1)
            let page = try await county.get("/points/rules?county=\(f.countyA.code)")
            #expect(page.status == .ok)
            // Another county's account cannot reach this county's rules; a secretary cannot edit.
            var other = Browser(app)
            try await other.signIn("countyb", Fixture.password)
            #expect(try await other.get("/points").status == .ok)
            let refused = try await other.post("/points/rules", form: row("L9", "学完课程"))
            #expect(refused.status == .notFound, "\(refused.status) \(refused.body.string.prefix(300))")
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/points").status == .ok)
            #expect(try await secretary.post("/points/rules", form: row("L9", "学完课程")).status == .forbidden)
            _ = try await county.post("/points/rules", form: row("L9", "学完课程"))
            let versions = try await PointRulesStore.versions(county: f.countyA.id!, year: year, on: app.db)
            #expect(versions.count == 2 && versions.last?.items.map(\.code) == ["L9"])
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$objectType == "point-rules").count() == 1)
        }
    }
}
