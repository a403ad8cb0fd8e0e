import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Organization tree")
struct OrganizationTests {
    @Test(arguments: TestDatabase.all)
    func createRenameMoveAndCloseKeepHistory(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var b = Browser(app)
            try await b.signIn("county", Fixture.password)
            try await b.get("/orgs/\(f.countyA.code)/new")
            // A second committee, through the page.
            let created = try await b.post(
                "/orgs/\(f.countyA.code)/children",
                form: [
                    "kind": "regular", "level": "committee", "name": "中共巴林左旗隆昌镇委员会", "shortName": "隆昌镇党委",
                    "divisionCode": "150422", "secretary": "刘书记", "phone": "0476-7822222",
                ])
            #expect(created.status == .seeOther)
            let committee2 = try #require(
                try await Organization.query(on: app.db).filter(\.$shortName == "隆昌镇党委").first(),
                "\(created.body.string)")
            #expect(committee2.code == "15042202")
            #expect(committee2.path == f.countyA.path + "\(committee2.id!)/")
            // Bad division code is refused by field and the form keeps its values.
            let bad = try await b.post(
                "/orgs/\(f.countyA.code)/children",
                form: [
                    "kind": "regular", "level": "committee", "name": "某党委", "shortName": "某", "divisionCode": "999999",
                ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("行政区划代码“999999”不存在"))
            #expect(bad.body.string.contains("value=\"某党委\""))

            // Rename keeps the old name in the history.
            try await b.post(
                "/orgs/\(f.branchA.code)/edit",
                form: ["name": "东城社区党支部", "shortName": "东城社区党支部", "divisionCode": "150422", "phone": "13800000000"])
            let renamed = try await b.get("/orgs/\(f.branchA.code)")
            #expect(renamed.body.string.contains("更名：“东城村党支部”"))

            // Move branch A (with its member) under the new committee: paths and counts follow.
            try await b.post("/orgs/\(f.branchA.code)/move", form: ["parent": committee2.code])
            let moved = try await Organization.find(f.branchA.id, on: app.db)!
            #expect(moved.parentID == committee2.id)
            #expect(moved.path == committee2.path + "\(moved.id!)/")
            let counts = try await OrganizationService.counts(under: f.countyA, on: app.db)
            #expect(counts[committee2.id!]?.members == 1)
            #expect(counts[f.committeeA.id!]?.members == 1)
            #expect(counts[f.countyA.id!]?.members == 2)

            // Closing refuses while members remain; an empty one closes and stays visible with its history.
            let refused = try await b.post("/orgs/\(f.branchA.code)/close", form: ["reason": "合并"])
            #expect(refused.status == .seeOther)
            #expect(try await Organization.find(f.branchA.id, on: app.db)!.closedAt == nil)
            let empty = try await OrganizationService.create(
                OrganizationForm(
                    name: "临时支部", shortName: "临时支部", level: "branch", kind: "regular", divisionCode: "150422"),
                parent: committee2, by: try await Fixture.user(app, "county"),
                on: app.db)
            try await b.post("/orgs/\(empty.code)/close", form: ["reason": "任务完成"])
            let closed = try await Organization.find(empty.id, on: app.db)!
            #expect(closed.closedAt != nil)
            let tree = try await b.get("/orgs?closed=true")
            #expect(tree.body.string.contains("临时支部"))
            #expect(!(try await b.get("/orgs")).body.string.contains("临时支部"))
            let kinds = try await OrganizationEvent.query(on: app.db).all().map(\.kind)
            #expect(Set(kinds).isSuperset(of: ["created", "renamed", "moved", "closed"]))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSubtreeCannotMoveUnderItself(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let user = try await Fixture.user(app, "city")
            await #expect(throws: AppError.self) {
                try await OrganizationService.move(f.countyA, under: f.branchA, by: user, on: app.db)
            }
            // A committee may move between counties; its members follow into the other county's scope.
            try await OrganizationService.move(f.committeeA, under: f.countyB, by: user, on: app.db)
            let countyB = try await APIClient.signIn(app, "countyb", Fixture.password)
            #expect(try await countyB.get("/api/v1/members").body.string.contains("\"total\":3"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func treePageShowsCountsAndExternalOrganizationsToTheCity(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var b = Browser(app)
            try await b.signIn("city", Fixture.password)
            let tree = try await b.get("/orgs")
            #expect(tree.status == .ok)
            #expect(tree.body.string.contains("巴林左旗"))
            #expect(tree.body.string.contains("望京街道党工委"))
            var c = Browser(app)
            try await c.signIn("county", Fixture.password)
            let countyTree = try await c.get("/orgs")
            #expect(!countyTree.body.string.contains("红山区"))
            #expect(!countyTree.body.string.contains("望京街道党工委"))
        }
    }
}
