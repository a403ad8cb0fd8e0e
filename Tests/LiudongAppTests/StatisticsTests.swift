import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Statistics (统计): the mobile members under an organization, counted and charted")
struct StatisticsTests {
    @Test(arguments: TestDatabase.all)
    func statisticsCountTheScopeAndRankChildren(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await LedgerTests.flows(app, f)
            let stats = try await StatsService.compute(for: f.city, on: app.db)
            #expect(stats.totals.first { $0.label == "流动党员" }?.value == 3)
            #expect(stats.totals.first { $0.label == "党员总数" }?.value == 3)
            #expect(stats.provinces == [SVGChart.Item("北京市", 3)])
            #expect(stats.reasons.first?.value == 3)  // 外出务工经商
            #expect(stats.ranking == [SVGChart.Item("巴林左旗", 2), SVGChart.Item("红山区", 1)])
            #expect(stats.ages.reduce(0) { $0 + $1.value } == 3)
            #expect(stats.contacted == 3)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let page = try await county.get("/stats/\(f.countyA.code)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("<svg"))
            #expect(page.body.string.contains("流向分布图"))
            #expect(try await county.get("/stats/\(f.countyB.code)").status == .notFound)
            #expect(try await county.get("/stats/150400").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everyStateIsCountedOnceAndTheCurrentQuarterEndsTheTrend(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            // 张建国 away and overdue, 李秀英 arrived, 王海涛 (the other county) lost.
            let away = try await Mobile.open(app, f.memberA, leftOn: today.adding(days: -40))
            away.overdueSince = today.adding(days: -10).description
            try await away.update(on: app.db)
            let li = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            _ = try await Mobile.open(app, li, leftOn: today.adding(days: -20), inflow: f.external)
            let lost = try await Mobile.open(app, f.memberB, leftOn: today.adding(days: -300))
            lost.status = .lost
            try await lost.update(on: app.db)
            func value(_ s: StatsService.Stats, _ label: String) -> Int? { s.totals.first { $0.label == label }?.value }
            let city = try await StatsService.compute(for: f.city, on: app.db)
            #expect(value(city, "流动党员") == 3 && value(city, "流出未报到") == 1 && value(city, "已报到") == 1)
            #expect(value(city, "失联") == 1 && value(city, "逾期未报到") == 1 && value(city, "已返回") == 0)
            #expect(city.trend.last == SVGChart.Item(Quarter(containing: today).description, 3))
            #expect(city.ranking == [SVGChart.Item("巴林左旗", 2), SVGChart.Item("红山区", 1)])
            let countyA = try await StatsService.compute(for: f.countyA, on: app.db)
            #expect(value(countyA, "流动党员") == 2 && value(countyA, "失联") == 0 && value(countyA, "党员总数") == 2)
            #expect(countyA.ranking == [SVGChart.Item("林东镇党委", 2)])
            // Contact this quarter: each open flow's last contact is the day it left (before this quarter on some days).
            let quarterStart = Quarter(containing: today).firstDay
            let expected = [-40, -20].filter { today.adding(days: $0) >= quarterStart }.count
            #expect(countyA.contacted == expected && countyA.open == 2)
            // A branch sees its own figures, the inflow side none.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/stats").status == .seeOther)
            #expect(try await secretary.get("/stats/\(f.branchA.code)").status == .ok)
            #expect(try await secretary.get("/stats/\(f.committeeA.code)").status == .notFound)
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            #expect(try await inflow.get("/stats/\(f.external.code)").status == .forbidden)
        }
    }
}
