import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 31 item 6: the tree's accounts read the worklist from the minutely roll-up (`WorkRollup`). After every kind
/// of change, and a run, the rolled figures equal a live recount — for the city, every county, a committee and a
/// branch, item by item and child by child; before the run they may lag (the test shows it can tell), except for the
/// account that made the change, which counts live until the next run.
@Suite("The worklist roll-up equals a recount after every kind of change")
struct WorkRollupTests {
    /// The demo's city, committee and branch accounts and one organization-department account per county.
    static func accounts(_ app: Application) async throws -> [String] {
        let counties = try await Organization.query(on: app.db).filter(\.$level == .county)
            .filter(\.$kind == .regular).all()
        let hash = try AuthService.hash("liudong-demo", cost: 4)
        var names = ["city", "admin", "county", "committee", "secretary"]
        for c in counties {
            let name = "rollup-\(c.code)"
            try await Account(
                username: name, displayName: name, passwordHash: hash, role: .orgDept, organizationID: c.id!
            )
            .create(on: app.db)
            names.append(name)
        }
        return names
    }

    struct Figures: Equatable, CustomStringConvertible {
        var items: [WorkItem]
        var children: [String]
        var description: String {
            items.map { "\($0.kind)=\($0.count)/\($0.overdue)" }.joined(separator: " ") + " | "
                + children.joined(separator: " ")
        }
    }

    static func figures(_ app: Application, _ username: String, rollup: Bool, today: CalendarDate) async throws
        -> Figures
    {
        let user = try await Fixture.user(app, username)
        let tallies = try await Worklist.compute(
            for: user, on: app.db, settings: app.settings, today: today, rollup: rollup)
        let view = try await Worklist.children(tallies, for: user, on: app.db)
        return Figures(
            items: Worklist.items(tallies),
            children: view.children.map {
                "\($0.code):\($0.counts.map(String.init).joined(separator: ","))/\($0.overdue)"
            })
    }

    /// Runs the roll-up for `today` and checks every account's rolled worklist against a live count.
    static func check(_ app: Application, _ names: [String], today: CalendarDate, _ step: String) async throws {
        let before = try await figures(app, "city", rollup: true, today: today)
        _ = try await WorkRollup.run(
            features: app.features, settings: app.settings, today: today, gate: app.writeGate, on: app.db)
        for name in names {
            let user = try await Fixture.user(app, name)
            #expect(
                try await WorkRollup.snapshot(for: user, features: app.features, today: today, on: app.db) != nil,
                "\(step): \(name) reads the roll-up")
            let rolled = try await figures(app, name, rollup: true, today: today)
            let live = try await figures(app, name, rollup: false, today: today)
            #expect(rolled == live, "\(step): \(name)")
            // The home page's tiles and per-child figures too (members, mobile members, coverage).
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let home = { (rollup: Bool) async throws -> String in
                String(
                    decoding: try encoder.encode(
                        try await DashboardController.view(
                            for: user, features: app.features, on: app.db, settings: app.settings, rollup: rollup)),
                    as: UTF8.self)
            }
            // The home page (tiles, children, coverage, reconciliation) for the city, two counties and a branch.
            if today == AppClock.today, ["city", "county", "secretary", names.last].contains(name) {
                let (rolledHome, liveHome) = (try await home(true), try await home(false))
                #expect(rolledHome == liveHome, "\(step): \(name)'s home page\n\(rolledHome)\n\(liveHome)")
            }
        }
        _ = before
    }

    @Test(arguments: TestDatabase.all)
    func afterEveryKindOfChangeTheRolledCountsEqualARecount(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await DemoLoader.load(seed: 7, memberCount: 600, cipher: app.cipher, bcryptCost: 4, on: app.db)
            let sql = app.db as! SQLDatabase
            let names = try await Self.accounts(app)
            let today = AppClock.today
            // Before any run, nobody reads a roll-up.
            #expect(
                try await WorkRollup.snapshot(
                    for: try await Fixture.user(app, "city"), features: app.features, today: today, on: app.db) == nil)
            try await Self.check(app, names, today: today, "the demo")

            // A branch secretary who acts (confirms a report) counts live at once, until a run begins after that.
            let client = try await APIClient.signIn(app, "secretary")
            let home = try await Fixture.user(app, "secretary").scopeCode
            #expect(try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: home)).status == .created)
            let queue = try await client.get("/api/v1/reviews").content.decode(ReviewAPI.Items.self)
            let first = try #require(queue.items.first, "the secretary has reports to review")
            let waiting = { (rollup: Bool) async throws -> Int in
                try await Self.figures(app, "secretary", rollup: rollup, today: today).items
                    .first { $0.kind == "reviews" }?.count ?? 0
            }
            // The member's new report shows in the secretary's rolled count at the next run …
            let waitingBefore = try await waiting(false)
            #expect(try await waiting(true) == waitingBefore - 1)
            #expect(try await client.post("/api/v1/reviews/\(first.id)/confirm", json: "{}").status == .ok)
            let acted = try await Fixture.user(app, "secretary")
            #expect(acted.actedAt != nil)
            #expect(try await WorkRollup.snapshot(for: acted, features: app.features, today: today, on: app.db) == nil)
            // … but what the secretary did shows at once.
            #expect(try await waiting(true) == waitingBefore - 1)
            // A read is not an act: the county, which only looked, still reads the (now older) roll-up.
            _ = try await APIClient.signIn(app, "county").get("/api/v1/worklist")
            let county = try await Fixture.user(app, "county")
            #expect(county.actedAt == nil)
            #expect(try await WorkRollup.snapshot(for: county, features: app.features, today: today, on: app.db) != nil)
            try await Self.check(app, names, today: today, "the secretary confirmed a report")

            // The roll-up has something to show: most of its kinds count someone in the demo.
            let city = try await Self.figures(app, "city", rollup: true, today: today)
            let countyFigures = try await Self.figures(app, "county", rollup: true, today: today)
            let rolledKinds = Set(app.features.flatMap(\.rolledCounts).flatMap(\.kinds))
            let shown = Set((city.items + countyFigures.items).map(\.kind)).intersection(rolledKinds)
            #expect(shown.count >= 6, "kinds counted in the demo: \(shown.sorted())")
            #expect(!city.children.isEmpty)
            // … and the home page's figures: members, mobile members, coverage and reconciliation pairs per county.
            let cityHome = try await DashboardController.view(
                for: try await Fixture.user(app, "city"), features: app.features, on: app.db, settings: app.settings)
            #expect(cityHome.reconciliation.contains { $0.pairs > 0 })
            #expect(cityHome.children.contains { $0.mobile > 0 })
            #expect(cityHome.tiles.contains { $0.label == "流动党员" && $0.value > 0 })

            // A new self-report waiting for review (the reports queue).
            let branch = try #require(
                try await Organization.query(on: app.db).filter(\.$level == .branch).filter(\.$kind == .regular)
                    .sort(\.$code).first())
            let reviewsBefore =
                try await Self.figures(app, "city", rollup: true, today: today).items
                .first { $0.kind == "reviews" }?.count ?? 0
            let res = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: branch.code))
            #expect(res.status == .created)
            // Until the next run the city still reads the old figure: what the test compares can differ.
            #expect(
                try await Self.figures(app, "city", rollup: true, today: today).items.first { $0.kind == "reviews" }?
                    .count == reviewsBefore)
            #expect(
                try await Self.figures(app, "city", rollup: false, today: today).items.first { $0.kind == "reviews" }?
                    .count == reviewsBefore + 1)
            try await Self.check(app, names, today: today, "a new report")

            // Reports reviewed, flows returned, arrivals overdue, lost candidates: the flows' states change.
            _ = try await sql.raw(
                "UPDATE self_reports SET status = 'confirmed' WHERE id IN (SELECT id FROM self_reports WHERE status = 'pending' ORDER BY id LIMIT 5)"
            ).run()
            _ = try await sql.raw(
                "UPDATE flows SET overdue_since = \(bind: today.adding(days: -3).description) WHERE status = 'away' AND overdue_since IS NULL AND id IN (SELECT id FROM flows ORDER BY id LIMIT 20)"
            ).run()
            _ = try await sql.raw(
                "UPDATE flows SET status = 'lost', lost_candidate_since = '2025-01-01' WHERE id IN (SELECT id FROM flows WHERE status = 'away' ORDER BY member_id LIMIT 15)"
            ).run()
            try await Self.check(app, names, today: today, "flows changed")

            // Members move between branches of different counties (every member-based count moves with them).
            let branches = try await Organization.query(on: app.db).filter(\.$level == .branch)
                .filter(\.$kind == .regular).sort(\.$code).all()
            let last = try #require(branches.last)
            _ = try await sql.raw(
                "UPDATE members SET organization_id = \(bind: last.id!) WHERE id IN (SELECT id FROM members WHERE organization_id = \(bind: branch.id!) ORDER BY id LIMIT 10)"
            ).run()
            try await Self.check(app, names, today: today, "members moved")

            // An organization moves under another parent (its whole subtree's counts move with it).
            let committees = try await Organization.query(on: app.db).filter(\.$level == .committee).sort(\.$code).all()
            let mover = try await Fixture.user(app, "admin")
            if let from = committees.first, let to = committees.last, from.path != to.path,
                let moving = try await Organization.query(on: app.db).filter(\.$parentID == from.id!)
                    .filter(\.$level == .branch).first()
            {
                let pendingUnder = { (path: String) async throws -> Int in
                    try await SelfReportStore.pending(under: path, lateBefore: AppClock.now, on: sql).counts.values
                        .reduce(0, +)
                }
                let moved = try await pendingUnder(moving.path)
                let targetBefore = try await pendingUnder(to.path)
                try await OrganizationService.move(moving, under: to, by: mover, on: app.db)
                // Its waiting reports went with it (their review path is a copy of the organization's).
                #expect(moved > 0)
                #expect(try await pendingUnder(to.path) == targetBefore + moved)
                try await Self.check(app, names, today: today, "an organization moved")
            }

            // The quarter's reconciliation runs; two counties resolve every difference, so their pairs wait for
            // signatures; one pair is signed by its county and waits for the inflow side (the city signs for it).
            let root = try #require(try await OrganizationService.root(on: app.db))
            _ = try await ReconcileService.run(
                quarter: AppClock.quarter, scope: root, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let signoffs = { (name: String, rollup: Bool) async throws -> Int in
                try await Self.figures(app, name, rollup: rollup, today: today).items
                    .first { $0.kind == "signoffs" }?.count ?? 0
            }
            let done = try await Organization.query(on: app.db).filter(\.$level == .county).filter(\.$kind == .regular)
                .sort(\.$code).all()
            for county in done.prefix(2) {
                _ = try await sql.raw(
                    "UPDATE reconciliation_items SET status = 'resolved' WHERE county_id = \(bind: county.id!)"
                ).run()
            }
            let pairs = try await ReconciliationStore.pairs(
                quarter: AppClock.quarter, under: "/", inflowOrgID: nil, on: sql)
            let ready = ReconciliationProgress.unique(pairs).filter { $0.open_items == 0 }
                .sorted { ($0.county_id, $0.inflow_id) < ($1.county_id, $1.inflow_id) }
            try #require(ready.count >= 2, "two counties' pairs (at least) are ready to sign")
            try await ReconciliationStore.sign(
                quarter: AppClock.quarter, countyID: ready[0].county_id, inflowOrgID: ready[0].inflow_id,
                outflowSide: true, username: "county", gate: app.writeGate, on: app.db)
            // Each account's count is what the reconciliation page offers it to sign (city and every county).
            let runs = try await ReconcileService.runScopes(quarter: AppClock.quarter, on: sql)
            for name in names where name == "city" || name.hasPrefix("rollup-") {
                let user = try await Fixture.user(app, name)
                let org = try #require(try await Organization.find(user.scopeID, on: app.db))
                let offered = try await ReconciliationProgress.pairs(
                    quarter: AppClock.quarter, scope: org, user: user, on: sql
                ).0.filter { pair in
                    pair.openItems == 0 && (pair.canSignOutflow || pair.canSignInflow)
                        && runs.contains { pair.countyPath.hasPrefix($0) }
                }
                #expect(try await signoffs(name, false) == offered.count, "\(name)")
            }
            #expect(try await signoffs("city", false) == ready.count)
            try await Self.check(app, names, today: today, "a reconciliation run, resolved and partly signed")
            #expect(try await signoffs("city", true) == ready.count)

            // Rows removed: pairings and contacts, dues payments (arrears), hardship reviews.
            _ = try await sql.raw("DELETE FROM contacts WHERE id IN (SELECT id FROM contacts ORDER BY id LIMIT 30)")
                .run()
            _ = try await sql.raw(
                "DELETE FROM dues_payments WHERE id IN (SELECT id FROM dues_payments ORDER BY id LIMIT 30)"
            ).run()
            try await Self.check(app, names, today: today, "rows removed")
        }
    }

    /// The days after (apart from the changes above, so that the two halves run side by side).
    @Test(arguments: TestDatabase.all)
    func onLaterDaysTheRolledCountsEqualARecountAndAnotherDaysRunIsNotRead(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await DemoLoader.load(seed: 7, memberCount: 600, cipher: app.cipher, bcryptCost: 4, on: app.db)
            let names = try await Self.accounts(app)
            let today = AppClock.today
            // Time passes: the day's rules (overdue, six months, the quarter's contacts) count again.
            for days in [40, 200] {
                let later = today.adding(days: days)
                try await Self.check(app, names, today: later, "\(days) days later")
            }
            // A run of another day is not read on this one.
            _ = try await WorkRollup.run(
                features: app.features, settings: app.settings, today: today.adding(days: 1), gate: app.writeGate,
                on: app.db)
            #expect(
                try await WorkRollup.snapshot(
                    for: try await Fixture.user(app, "city"), features: app.features, today: today, on: app.db) == nil)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aWideScopesStatisticsComeFromTheRollupAndEqualALiveCount(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await DemoLoader.load(seed: 5, memberCount: 500, cipher: app.cipher, bcryptCost: 4, on: app.db)
            let root = try #require(try await OrganizationService.root(on: app.db))
            // Before the roll-up kept anything, the page counts live.
            #expect(try await FigureCache.read("stats", for: root, as: StatsController.View.self, on: app.db) == nil)
            // The roll-up keeps them for the wide scopes (here, as if the city and its counties were).
            let scopes = [root] + (try await OrganizationService.regularChildren(of: root, on: app.db))
            let sql = app.db as! SQLDatabase
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let figures = app.features.flatMap(\.rolledFigures)
            #expect(Set(figures.map(\.name)) == ["stats", "contactCompliance", "orgLifeCompliance"])
            #expect(try await FigureCache.run(app, scopes: scopes) == scopes.count * figures.count)
            for org in scopes {
                for figure in figures {
                    let cached = try #require(try await WorkRollupStore.figure(figure.name, scope: org.id!, on: sql))
                    #expect(
                        Data(cached.body.utf8) == (try await figure.compute(org, app.db)), "\(figure.name) \(org.code)")
                }
                let cached = try #require(
                    try await FigureCache.read("stats", for: org, as: StatsController.View.self, on: app.db))
                let live = try await StatsController.view(for: org, on: app.db)
                #expect(try encoder.encode(cached.value) == encoder.encode(live), "\(org.code)")
            }
            // The page says when they were counted; a report arriving afterwards shows at the next run.
            let signIn = try await app.testing().sendRequest(
                .POST, "/api/v1/session", headers: ["Content-Type": "application/json"],
                body: ByteBuffer(string: #"{"username":"city","password":"liudong-demo"}"#))
            let token = try signIn.content.decode(PermissionTests.Token.self).token
            let page = try await app.testing().sendRequest(
                .GET, "/stats/\(root.code)", headers: ["Authorization": "Bearer \(token)"])
            #expect(page.status == .ok)
            #expect(page.body.string.contains("id=\"counted-at\""))
            for path in ["/contacts?org=\(root.code)", "/org-life/compliance?org=\(root.code)"] {
                let other = try await app.testing().sendRequest(
                    .GET, path, headers: ["Authorization": "Bearer \(token)"])
                #expect(other.status == .ok && other.body.string.contains("id=\"counted-at\""), "\(path)")
            }
            // Another quarter counts live.
            let older = try await app.testing().sendRequest(
                .GET, "/contacts?org=\(root.code)&quarter=\(AppClock.quarter.previous!.description)",
                headers: ["Authorization": "Bearer \(token)"])
            #expect(older.status == .ok && !older.body.string.contains("id=\"counted-at\""))
            let branch = try #require(
                try await Organization.query(on: app.db).filter(\.$level == .branch).sort(\.$code).first())
            _ = try await (app.db as! SQLDatabase).raw(
                "UPDATE members SET is_migrant_worker = \(bind: true) WHERE organization_id = \(bind: branch.id!)"
            ).run()
            _ = try await (app.db as! SQLDatabase).raw(
                "UPDATE flows SET status = 'returned' WHERE id IN (SELECT id FROM flows WHERE status = 'away' ORDER BY id LIMIT 7)"
            ).run()
            let stale = try #require(
                try await FigureCache.read("stats", for: root, as: StatsController.View.self, on: app.db))
            #expect(
                try encoder.encode(stale.value) != encoder.encode(try await StatsController.view(for: root, on: app.db))
            )
            _ = try await FigureCache.run(app, scopes: scopes)
            let fresh = try #require(
                try await FigureCache.read("stats", for: root, as: StatsController.View.self, on: app.db))
            #expect(
                try encoder.encode(fresh.value) == encoder.encode(try await StatsController.view(for: root, on: app.db))
            )
        }
    }

}

/// A serving node's pass (`RollupPolling` calls `WorkRollup.runIfDue`) through the configured background pool, on
/// both databases: it counts when due, not again within the minute, and gives way while another run holds the lock.
/// (On PostgreSQL a one-connection background pool once deadlocked here: the lock's connection was the only one.)
@Suite("A node's roll-up pass")
struct RollupPassTests {
    @Test(arguments: TestDatabase.all)
    func aPassCountsWhenDueOnceAMinuteAndGivesWayToAnotherRun(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await DemoLoader.load(seed: 3, memberCount: 200, cipher: app.cipher, bcryptCost: 4, on: app.db)
            let city = try await Fixture.user(app, "city")
            let today = AppClock.today
            #expect(try await WorkRollup.snapshot(for: city, features: app.features, today: today, on: app.db) == nil)
            let first = try #require(try await WorkRollup.runIfDue(app), "the first pass counts")
            #expect(first.rows > 0 && first.written == first.rows)
            #expect(try await WorkRollup.snapshot(for: city, features: app.features, today: today, on: app.db) != nil)
            // Within the minute nobody counts again.
            #expect(try await WorkRollup.runIfDue(app) == nil)
            // Due again (the last run forgotten), but another node is counting: this one gives way.
            let sql = try app.db.sql()
            try await sql.raw("DELETE FROM work_rollup_runs").run()
            let whileHeld = try await JobLock.run(WorkRollup.lockName, holder: "another-node", on: app.db) {
                try await WorkRollup.runIfDue(app) == nil
            }
            #expect(whileHeld)
            let again = try #require(try await WorkRollup.runIfDue(app), "due, and the lock free: it counts")
            #expect(again.rows == first.rows && again.written == 0)
        }
    }
}
