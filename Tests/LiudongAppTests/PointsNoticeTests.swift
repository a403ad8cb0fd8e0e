import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// 公示 (issue 27 item 5): a published ranking is posted as A4 and .xlsx with a notice period of 5 working days in
/// which a member's objection reopens a closed entry; upheld, the posted ranking is corrected; after it, final.
@Suite("Points: 公示 with a notice period and objections")
struct PointsNoticeTests {
    struct Ranking: Decodable {
        struct Item: Decodable {
            var name: String
            var total: Int
            var rank: Int
        }
        var published: Bool
        var items: [Item]
    }

    @Test(arguments: TestDatabase.all)
    func anObjectionInTheNoticePeriodCorrectsThePostedRanking(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let p = PointFixture(app: app)
            let today = AppClock.today
            let y = today.year - 1
            let a2 = try await PointsTests.member(app, named: "李秀英")
            for m in [f.memberA, a2] { _ = try await Mobile.open(app, m, leftOn: PointsTests.before) }
            try await PointsTests.pilot(app, f.countyA, years: [y], form: .list)
            // 张建国 3 points; 李秀英 6, less 5 for a members' meeting missed without leave: 1.
            try await p.attend(f.memberA, f.branchA, "\(y)-05-01")
            try await p.attend(a2, f.branchA2, "\(y)-05-01")
            try await p.attend(a2, f.branchA2, "\(y)-06-01")
            try await p.attend(a2, f.branchA2, "\(y)-06-27", kind: .memberMeeting, status: .absent)
            let county = try await Fixture.user(app, "county")
            let pub = try await PointRankingActions.publish(
                county: f.countyA, year: y, form: .list, as: .staff(county, today: today, on: app.db))
            let until = PointNoticeRules.until(
                publishedOn: today, calendar: try await CalendarStore.calendar(on: app.db))
            #expect(pub.noticeUntil == until.description)
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            func ranking() async throws -> Ranking {
                try await api.get("/api/v1/points/ranking?org=\(f.countyA.code)&year=\(y)").content.decode(Ranking.self)
            }
            #expect(try await ranking().items.map(\.name) == ["张建国", "李秀英"])

            // The notice to post: A4 with the list, the period and how to object; the same as .xlsx.
            var staff = Browser(app)
            try await staff.signIn("county", Fixture.password)
            let page = try await staff.get("/points/notice?org=\(f.countyA.code)&year=\(y)").body.string
            #expect(page.contains("\(y)年度流动党员积分评比结果公示") && page.contains("公示期：\(today)至\(until)"))
            #expect(page.contains("张建国") && page.contains("提出申诉") && page.contains("class=\"card a4\""))
            let xlsx = try await staff.get("/points/notice?org=\(f.countyA.code)&year=\(y)&format=xlsx")
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 1000)
            #expect(xlsx.body.getBytes(at: 0, length: 2) == [0x50, 0x4B])

            // In the notice period 李秀英 objects to the deduction (the year is closed: an appeal would be refused).
            let absence = try #require(
                try await (app.db as! SQLDatabase).raw(
                    "SELECT id FROM point_entries WHERE member_id = \(bind: a2.id!) AND source_kind = 'memberMeetingAbsent'"
                ).first()?.decode(column: "id", as: UUID.self))
            let member = Acting.member("党员本人·李秀英", today: today, on: app.db)
            let appeal = try await PointClaimsActions.appeal(
                .init(entryId: absence.uuidString, reason: "当天已向支部书记请假，有微信记录"), member: a2.id!, as: member)
            let mine = try await MemberPoints.load(member: a2, year: y, today: today, on: app.db)
            #expect(mine.notice?.contains("公示期至\(until)") == true)
            // Upheld: the entry is revoked, her total and the posted ranking follow.
            try await PointClaimsActions.decide(
                appeal, member: a2, uphold: true, outcome: "经核实已请假，撤销扣分", as: .staff(county, today: today, on: app.db))
            let after = try await ranking()
            #expect(after.published && after.items.map(\.name) == ["李秀英", "张建国"])
            #expect(after.items.map(\.total) == [6, 3] && after.items.map(\.rank) == [1, 2])
            #expect(try await p.total(a2, y) == 6)

            // After the notice period the publication is final: no more objections.
            pub.noticeUntil = today.adding(days: -1).description
            try await pub.update(on: app.db)
            let entry = try #require(
                try await (app.db as! SQLDatabase).raw(
                    "SELECT id FROM point_entries WHERE member_id = \(bind: f.memberA.id!)"
                ).first()?.decode(column: "id", as: UUID.self))
            await #expect(throws: AppError.self) {
                try await PointClaimsActions.appeal(
                    .init(entryId: entry.uuidString, reason: "这条积分少记了一次活动"), member: f.memberA.id!,
                    as: .member("党员本人·张建国", today: today, on: app.db))
            }
            #expect(
                try await staff.get("/points/ranking?org=\(f.countyA.code)&year=\(y)").body.string.contains("结果为最终结果"))
        }
    }
}
