import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Who is ranked (issue 27 item 4): whoever was mobile at any time in the year, with the points of the months they
/// were mobile and band lines pro-rated to those months — not whoever is mobile on the day of the January recompute.
@Suite("Points: who is ranked")
struct PointsMobilityTests {
    @Test(arguments: TestDatabase.all)
    func aMemberWhoCameHomeInNovemberIsRankedWithTheYearsPoints(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let p = PointFixture(app: app)
            let home = f.memberA
            let away = try await PointsTests.member(app, named: "李秀英")
            // Away from 20 December 2024 to 15 November 2025; the other all year.
            let flow = try await Mobile.open(app, home, leftOn: CalendarDate("2024-12-20")!)
            flow.status = .returned
            flow.returnedOn = "2025-11-15"
            try await flow.update(on: app.db)
            home.flowStatus = FlowState.returned.rawValue
            try await home.update(on: app.db)
            _ = try await Mobile.open(app, away, leftOn: PointsTests.before)
            try await PointsTests.pilot(app, f.countyA, years: [2025], form: .bands)
            let s = try #require(try await PointCounty.find(f.countyA.id!, on: app.db))
            s.goodAt = 12
            s.passAt = 6
            try await s.save(on: app.db)

            // 11 points while away (two deeds, a quiz passed); a deed in December, at home, is not a mobile member's.
            try await p.claim(home, "2025-03-10")
            try await p.claim(home, "2025-10-10")
            try await p.quiz(home, "2025-11-20", score: 5, total: 5, publisher: f.city)
            try await p.claim(home, "2025-12-10")
            for d in ["2025-02-01", "2025-05-01", "2025-08-01"] { try await p.claim(away, d) }

            // Recomputed in January: still ranked, with the points of January to November.
            try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            #expect(try await p.total(home, 2025) == 11)
            #expect(try await p.entries(home, 2025).count == 3)
            let staff = try await APIClient.signIn(app, "county", Fixture.password)
            struct Ranking: Decodable {
                struct Item: Decodable {
                    var name: String
                    var total: Int
                    var rank: Int
                    var band: String
                }
                var published: Bool
                var items: [Item]
            }
            func ranking() async throws -> Ranking {
                try await staff.get("/api/v1/points/ranking?org=\(f.countyA.code)&year=2025").content
                    .decode(Ranking.self)
            }
            // Eleven months mobile: the lines are 11 (优良) and 6, not 12 and 6 — 11 points is 优良, not 合格.
            let live = try await ranking()
            #expect(live.items.map(\.name) == ["李秀英", "张建国"])
            #expect(live.items.map(\.total) == [15, 11] && live.items.map(\.band) == ["前10%", "优良"])

            // Published in January: in the frozen ranking with the same band, and in the member's own standing.
            _ = try await PointRankingActions.publish(
                county: f.countyA, year: 2025, form: .bands,
                as: .system("t", today: CalendarDate("2026-01-08")!, on: app.db))
            let frozen = try await ranking()
            #expect(frozen.published && frozen.items.map(\.total) == [15, 11])
            #expect(frozen.items.map(\.band) == ["前10%", "优良"])
            let mine = try #require(
                try await PointRankingStore.standing(
                    member: home.id!, county: f.countyA, year: 2025, today: CalendarDate("2026-01-08")!,
                    on: app.db))
            #expect(mine.total == 11 && mine.rank == 2 && mine.band == "优良" && mine.published && mine.months == 0x7FF)
            let page = try await MemberPoints.load(
                member: home, year: 2025, today: CalendarDate("2026-01-08")!, on: app.db)
            #expect(page.mobileMonths == "1月—11月" && page.total == 11)

            // A member who left only in 2026 is not in 2025's ranking; one away in no month of the year neither.
            let later = try await PointsTests.member(app, named: "王海涛")
            _ = try await Mobile.open(app, later, leftOn: CalendarDate("2026-02-01")!)
            try await p.claim(later, "2025-06-01")
            #expect(
                try await PointLedgerStore.population(county: f.countyB, year: 2025, member: nil, on: app.db).isEmpty)
        }
    }
}
