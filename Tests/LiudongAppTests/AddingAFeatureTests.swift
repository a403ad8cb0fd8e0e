import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// The README's "Adding a feature", as code: a feature is one type (with its migration, route, navigation entry and
/// worklist item) plus one line in the feature list — here the test's own list. Nothing else is edited.
struct SamplePairingFeature: Feature {
    let name = "samplePairing"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(9001, CreateSamplePairs())] }

    func routes(_ routes: FeatureRoutes) throws {
        routes.signedIn(.editRoster).get("sample-pairs", use: list)
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 35, permission: .editRoster, link: { _ in ("/sample-pairs", "结对帮带") })]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let rows = try await scope.sql().raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM sample_pairs p JOIN members m ON m.id = p.member_id
            JOIN organizations b ON b.id = m.organization_id
            WHERE p.contacted_on IS NULL AND \(PathPrefix("b.path", scope.user.scopePath)) GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        return [WorkTally(kind: "pairsToContact", label: "本季度待联系", href: "/sample-pairs", counts: rows.counts)]
    }

    func list(req: Request) async throws -> String { "结对帮带" }
}

struct CreateSamplePairs: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("sample_pairs")
            .field("id", .int, .identifier(auto: true))
            .field("member_id", .uuid, .required, .references("members", "id"))
            .field("cadre", .string, .required)
            .field("contacted_on", .string)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("sample_pairs").delete()
    }
}

@Suite("Adding a feature: its folder and one line")
struct AddingAFeatureTests {
    @Test(arguments: TestDatabase.all)
    func aNewFeaturesMigrationRouteNavigationAndWorklistItemAllArrive(db: TestDatabase) async throws {
        try await withTestApp(db, features: Features.all + [SamplePairingFeature()]) { app in
            let f = try await Fixture.build(app)
            // Its migration ran (with its foreign key to members).
            try await (app.db as! SQLDatabase).insert(into: "sample_pairs").columns("member_id", "cadre")
                .values([f.memberA.id!, "东城村党支部书记"] as [any Encodable & Sendable]).run()
            // Its route, behind its permission.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let page = try await secretary.get("/sample-pairs")
            #expect(page.status == .ok && page.body.string == "结对帮带")
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            #expect(try await inflow.get("/sample-pairs").status == .forbidden)
            // Its navigation entry, for those who hold the permission.
            let home = try await secretary.get("/")
            #expect(home.body.string.contains("href=\"/sample-pairs\""))
            #expect(!(try await inflow.get("/").body.string.contains("/sample-pairs")))
            // Its worklist item, on the page and in the API, rolled up to the county.
            #expect(home.body.string.contains("本季度待联系"))
            let county = try await Fixture.user(app, "county")
            let tallies = try await Worklist.compute(
                for: county, features: app.features, on: app.db, settings: app.settings)
            #expect(Worklist.items(tallies).contains { $0.kind == "pairsToContact" && $0.count == 1 })
        }
    }
}
