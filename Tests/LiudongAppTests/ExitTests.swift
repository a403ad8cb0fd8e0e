import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("党员减少: exits leave the roster and its figures, the archive keeps them; undo and 恢复党籍")
struct ExitTests {
    @Test(arguments: TestDatabase.all)
    func anExitLeavesTheFiguresAndCanBeUndoneOrRestored(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA)
            let id = f.memberA.id!.uuidString
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let user = try await Fixture.user(app, "secretary")
            let before = try await DashboardStore.members(visibleTo: user, on: app.db).all
            // A branch may not record 停止党籍; it records a death.
            _ = try await secretary.get("/members/\(id)/roster")
            _ = try await secretary.post(
                "/members/\(id)/exit",
                form: ["kind": "stopped", "on": AppClock.today.description, "reason": "连续六个月不参加组织生活"])
            #expect(try await Member.find(f.memberA.id, on: app.db)?.rosterState == nil)
            _ = try await secretary.post(
                "/members/\(id)/exit", form: ["kind": "death", "on": AppClock.today.description, "reason": "因病去世"])
            let dead = try #require(try await Member.find(f.memberA.id, on: app.db))
            #expect(dead.rosterState == RosterState.exited.rawValue)
            // Off every list and figure: the roster, the dashboard count, the ledgers (the flow ended).
            #expect(try await DashboardStore.members(visibleTo: user, on: app.db).all == before - 1)
            #expect(!(try await secretary.get("/members").body.string.contains("张建国")))
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(flow.status == .ended)
            // The archive and the panel keep it.
            #expect(try await secretary.get("/members/\(id)/archive").status == .ok)
            #expect(try await secretary.get("/members/\(id)/roster").body.string.contains("因病去世"))
            // A mistake: only the county undoes it.
            let e = try #require(try await ExitStore.exits(of: f.memberA.id!, on: app.db).first)
            _ = try await secretary.post("/members/exits/\(e.id!.uuidString)/undo", form: ["reason": "登记错了人"])
            #expect(try await Member.find(f.memberA.id, on: app.db)?.rosterState != nil)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            _ = try await county.get("/members/\(id)/roster")
            _ = try await county.post("/members/exits/\(e.id!.uuidString)/undo", form: ["reason": "登记错了人"])
            #expect(try await Member.find(f.memberA.id, on: app.db)?.rosterState == nil)
            #expect(try await MemberExit.find(e.id, on: app.db)?.undoReason == "登记错了人")

            // 停止党籍 by the committee: restored within two years, not after.
            var committee = Browser(app)
            try await committee.signIn("committee", Fixture.password)
            _ = try await committee.get("/members/\(id)/roster")
            let twoYears = AppClock.today.adding(days: -740).description
            _ = try await committee.post(
                "/members/\(id)/exit", form: ["kind": "stopped", "on": twoYears, "reason": "党委决定（林党发〔2024〕3号）"])
            let stopped = try #require(
                try await MemberExit.query(on: app.db).filter(\.$memberID == f.memberA.id!).filter(\.$kind == .stopped)
                    .first())
            _ = try await committee.post("/members/exits/\(stopped.id!.uuidString)/restore", form: ["note": "党委决定恢复"])
            #expect(try await MemberExit.find(stopped.id, on: app.db)?.restoredOn == nil)
            stopped.onDay = AppClock.today.adding(days: -300).description
            try await stopped.update(on: app.db)
            _ = try await committee.post("/members/exits/\(stopped.id!.uuidString)/restore", form: ["note": "党委决定恢复"])
            #expect(try await MemberExit.find(stopped.id, on: app.db)?.restoredOn == AppClock.today.description)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.rosterState == nil)
            #expect(
                try await MemberEvent.query(on: app.db).filter(\.$memberID == f.memberA.id!)
                    .filter(\.$kind == MemberEventKind.exit.rawValue).count() == 4)
        }
    }
}
