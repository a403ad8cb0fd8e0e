import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Flows (流动): the daily sweep's flags and the branch's decisions on them")
struct FlowsTests {
    @Test(arguments: TestDatabase.all)
    func theSweepFlagsOnceAndTellsTheHomeBranch(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            // Away 31 days without reporting (due after 30; last contact the day they left, so not silent long enough to
            // be lost); arrived but silent for 200 days (lost after 183).
            let away = try await Mobile.open(app, f.memberA, leftOn: today.adding(days: -31))
            let silent = try await Mobile.open(app, f.memberB, leftOn: today.adding(days: -200), inflow: f.external)
            let first = try await FlowService.sweep(
                today: today, settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(first == FlowService.SweepResult(overdue: 1, lostCandidates: 1))
            let again = try await FlowService.sweep(
                today: today, settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(again == FlowService.SweepResult(overdue: 0, lostCandidates: 0))
            #expect(try await Flow.find(away.id, on: app.db)?.overdueSince == today.description)
            #expect(try await Flow.find(silent.id, on: app.db)?.lostCandidateSince == today.description)
            // One notice per flag, to the member's own branch.
            let notices = try await Notice.query(on: app.db).all()
            #expect(notices.filter { $0.orgID == f.branchA.id && $0.kind == "overdue" }.count == 1)
            #expect(notices.filter { $0.orgID == f.branchB.id && $0.kind == "lost" }.count == 1)
            #expect(notices.count == 2)
            // The worklist counts them for the branches that decide.
            let a = try await WorklistTests.items(app, "secretary")
            #expect(a.first { $0.kind == "arrivalsOverdue" }?.count == 1)
            #expect(try await WorklistTests.items(app, "inflow").first { $0.kind == "arrivalsOverdue" } == nil)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theBranchConfirmsLostContactOrRecordsContactWithinItsScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let flow = try await Mobile.open(
                app, f.memberA, leftOn: AppClock.today.adding(days: -200), inflow: f.external)
            _ = try await FlowService.sweep(
                today: AppClock.today, settings: app.settings, gate: app.writeGate, on: app.db)
            // Outside the scope: 404; the inflow side may not decide: 403.
            var other = Browser(app)
            try await other.signIn("secretaryb", Fixture.password)
            try await other.get("/")  // a page first: its form token
            let outside = try await other.post("/flows/\(flow.id!)/lost", form: [:])
            #expect(outside.status == .notFound, "\(outside.status) \(outside.body.string.prefix(300))")
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            try await inflow.get("/")  // a page first: its form token
            #expect(try await inflow.post("/flows/\(flow.id!)/lost", form: [:]).status == .forbidden)
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            try await secretary.get("/")  // a page first: its form token
            let bad = try await secretary.post("/flows/not-a-uuid/lost", form: [:])
            #expect(bad.status == .notFound, "\(bad.status) \(bad.body.string.prefix(300))")
            #expect(try await secretary.post("/flows/\(UUID())/lost", form: [:]).status == .notFound)
            // Lost: the flow and the roster say so, the archive records it, the audit log too.
            #expect(try await secretary.post("/flows/\(flow.id!)/lost", form: [:]).status == .seeOther)
            #expect(try await Flow.find(flow.id, on: app.db)?.status == .lost)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.flowStatus == FlowState.lost.rawValue)
            let archive = try await secretary.get("/members/\(f.memberA.id!)/archive").body.string
            #expect(archive.contains("经核实确认失联"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$summary == "确认张建国失联").count() == 1)
            // Contact made: back to arrived (it has an inflow organization), the flag cleared, contact dated today.
            #expect(try await secretary.post("/flows/\(flow.id!)/contacted", form: [:]).status == .seeOther)
            let back = try #require(try await Flow.find(flow.id, on: app.db))
            #expect(back.status == .arrived && back.lostCandidateSince == nil)
            #expect(back.lastContactOn == AppClock.today.description)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.flowStatus == FlowState.arrived.rawValue)
        }
    }
}
