import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Worklist (待办): each account's work, rolled up per child organization")
struct WorklistTests {
    struct Items: Decodable { var items: [WorkItem] }

    static func api(_ app: Application, _ username: String) async throws -> [WorkItem] {
        let token = try await PermissionTests.token(app, username)
        let res = try await app.testing().sendRequest(
            .GET, "/api/v1/worklist", headers: ["Authorization": "Bearer \(token)"])
        #expect(res.status == .ok)
        return try res.content.decode(Items.self).items
    }

    static func items(_ app: Application, _ username: String) async throws -> [WorkItem] {
        Worklist.items(
            try await Worklist.compute(for: try await Fixture.user(app, username), on: app.db, settings: app.settings))
    }

    @Test(arguments: TestDatabase.all)
    func aPendingReportIsTheBranchesWorkAndRollsUpToCommitteeAndCounty(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            #expect(try await Self.items(app, "secretary").filter { $0.kind == "reviews" }.isEmpty)
            let res = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            #expect(res.status == .created)

            for username in ["secretary", "committee", "county", "city"] {
                let reviews = try await Self.items(app, username).first { $0.kind == "reviews" }
                #expect(
                    reviews == WorkItem(kind: "reviews", label: "报告待审核", count: 1, overdue: 0, href: "/reviews"),
                    "\(username)")
            }
            // Not the other county's, nor the inflow organization's (an outflow report is the home side's to review).
            #expect(try await Self.items(app, "countyb").first { $0.kind == "reviews" } == nil)
            #expect(try await Self.items(app, "inflow").first { $0.kind == "reviews" } == nil)

            // The API says what the page says.
            #expect(try await Self.api(app, "secretary") == (try await Self.items(app, "secretary")))

            // Waiting longer than LIUDONG_REVIEW_DUE_DAYS makes it overdue, and overdue work comes first.
            let old = AppClock.now.addingTimeInterval(-Double(app.settings.reviewDueDays + 2) * 86_400)
            try await (app.db as! SQLDatabase).update("self_reports").set("created_at", to: old).run()
            let secretary = try await Self.items(app, "secretary")
            #expect(secretary.first?.kind == "reviews")
            #expect(secretary.first?.overdue == 1)

            // The county sees which committee lags.
            let county = try await Fixture.user(app, "county")
            let view = try await Worklist.children(
                try await Worklist.compute(for: county, on: app.db, settings: app.settings),
                for: county, on: app.db)
            let row = try #require(view.children.first)
            #expect(row.code == f.committeeA.code && row.lagging && row.overdue == 1)
            #expect(view.children.count == 1)

            // The home page opens with it.
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            let home = try await browser.get("/")
            #expect(home.body.string.contains("待办"))
            #expect(home.body.string.contains("报告待审核"))
            #expect(home.body.string.contains("逾期 1"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func anArrivalIsTheInflowOrganizationsWork(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let arrival = try await SelfReportTests.post(
                app,
                """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"张建国","idNumber":"\(Fixture.idA)","phone":"13904761234","address":"望京西园"}
                """)
            #expect(arrival.status == .created)
            let inflow = try await Self.api(app, "inflow")
            #expect(
                inflow.first { $0.kind == "reviews" }
                    == WorkItem(
                        kind: "reviews", label: "报到待确认", count: 1, overdue: 0,
                        href: "/reviews"))
            // Flows and rosters are the home side's business: no such items for the inflow side.
            #expect(inflow.allSatisfy { !["arrivalsOverdue", "lostCandidates"].contains($0.kind) })
        }
    }

    @Test(arguments: TestDatabase.all)
    func flaggedFlowsAreTheBranchesToDecide(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let leftOn = AppClock.today.adding(days: -(app.settings.arrivalDueDays + 5)).description
            _ = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code, leftOn: leftOn))
            let report = try #require(try await SelfReport.query(on: app.db).first())
            try await ReviewActions.confirm(
                report, by: try await Fixture.user(app, "secretary"), gate: app.writeGate,
                cipher: app.cipher, on: app.db)
            _ = try await FlowService.sweep(
                today: AppClock.today, settings: app.settings, gate: app.writeGate, on: app.db)
            let overdue = try await Self.items(app, "secretary").first { $0.kind == "arrivalsOverdue" }
            #expect(
                overdue
                    == WorkItem(
                        kind: "arrivalsOverdue", label: "逾期未报到", count: 1, overdue: 1,
                        href: "/orgs/\(f.branchA.code)#overdue"))
            #expect(try await Self.items(app, "secretaryb").first { $0.kind == "arrivalsOverdue" } == nil)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPairWithNothingOpenWaitsForEachSidesSignatureOnceReconciliationRan(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await PrivacyTests.flowing(app, f)
            _ = try await InflowLedgerService.confirm(
                org: f.external, quarter: AppClock.quarter, username: "inflow", cipher: app.cipher, gate: app.writeGate,
                on: app.db)
            // Before the quarter's reconciliation ran over the county, nothing can be signed.
            #expect(try await Self.items(app, "county").first { $0.kind == "signoffs" } == nil)
            _ = try await ReconcileService.run(
                quarter: AppClock.quarter, scope: f.countyA, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let expected = WorkItem(kind: "signoffs", label: "对账待确认签字", count: 1, overdue: 0, href: "/reconcile")
            #expect(try await Self.items(app, "county").first { $0.kind == "signoffs" } == expected)
            #expect(try await Self.items(app, "inflow").first { $0.kind == "signoffs" } == expected)
            // A branch secretary signs nothing; the other county has no pair.
            #expect(try await Self.items(app, "secretary").first { $0.kind == "signoffs" } == nil)
            #expect(try await Self.items(app, "countyb").first { $0.kind == "signoffs" } == nil)
            // Once the county has signed, only the inflow side still has it to do.
            try await ReconciliationStore.sign(
                quarter: AppClock.quarter, countyID: f.countyA.id!, inflowOrgID: f.external.id!, outflowSide: true,
                username: "county", gate: app.writeGate, on: app.db)
            #expect(try await Self.items(app, "county").first { $0.kind == "signoffs" } == nil)
            #expect(try await Self.items(app, "inflow").first { $0.kind == "signoffs" } == expected)
        }
    }
}
