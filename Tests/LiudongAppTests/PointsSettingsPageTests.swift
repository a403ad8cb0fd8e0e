import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// The ranking's public form (公示): bands by default; choosing the full list warns against ranking-and-shaming.
@Suite("Points: the public form of the ranking")
struct PointsSettingsPageTests {
    @Test(arguments: TestDatabase.all)
    func choosingTheFullListShowsTheWarningAndBandsAreTheDefault(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            #expect(PointCounty(countyID: try f.countyA.requireID()).publicForm == .bands)
            try await PointsTests.pilot(app, f.countyA, years: [AppClock.today.year])
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let before = try await county.get("/points?county=150422")
            #expect(before.status == .ok && !before.body.string.contains("public-form-warning"))
            let saved = try await county.post(
                "/points/settings",
                form: [
                    "county": "150422", "publicForm": "list", "topPercent": "10", "goodAt": "60", "passAt": "30",
                    "lowQuarterBelow": "5",
                ])
            #expect(saved.status == .seeOther || saved.status == .found)
            #expect(try await PointCounty.find(f.countyA.id, on: app.db)?.publicForm == .list)
            let after = try await county.get("/points?county=150422").body.string
            #expect(after.contains(#"id="public-form-warning""#) && after.contains("不得搞公开“排名通报”"))
        }
    }
}
