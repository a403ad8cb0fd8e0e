import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Requests (诉求办理): routing, working-day deadlines, escalation exactly when overdue, transfer, rating once, one
/// reopening within the window, statistics, and scope.
@Suite("Services: requests (诉求办理)")
struct ServiceRequestTests {
    struct Raised: Decodable {
        var id: UUID
        var acknowledgeBy: String
        var answerBy: String
        var routedTo: RoutedTo
    }
    struct RoutedTo: Decodable, Equatable {
        var orgCode: String
        var name: String
    }
    struct Items: Decodable {
        struct Item: Decodable {
            var id: UUID
            var kind: String
            var title: String
            var status: String
            var routedTo: RoutedTo
            var acknowledgeBy: String
            var answerBy: String
        }
        var items: [Item]
    }
    struct Stats: Decodable, Equatable {
        var received: Int
        var answered: Int
        var onTime: Int
        var onTimeRate: Double
        var satisfaction: Double?
    }

    static func day(_ s: String) -> CalendarDate { CalendarDate(s)! }

    static func draft(_ kind: ServiceRequestKind, division: String? = nil) -> RequestActions.Draft {
        .init(kind: kind.rawValue, title: "\(kind.label)的事", details: "具体情况写在这里，请帮忙办理。", divisionCode: division)
    }

    @Test(arguments: TestDatabase.all)
    func requestsGoToTheSideThatCanHandleThem(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // Not away: everything goes to the home branch.
            let today = Self.day("2026-12-04")
            let (home, _) = try await RequestActions.raise(
                Self.draft(.employment), member: f.memberA, as: .member("m", today: today, on: app.db))
            #expect(home.routedOrgID == f.branchA.id && home.side == .home)
            // Reported to an inflow organization with an account: local matters there, the rest home.
            try await Mobile.open(app, f.memberA, inflow: f.external)
            for kind in [ServiceRequestKind.employment, .schooling, .medical, .legal, .wageArrears, .labourDispute] {
                let (r, org) = try await RequestActions.raise(
                    Self.draft(kind), member: f.memberA, as: .member("m", today: today, on: app.db))
                #expect(r.routedOrgID == f.external.id && r.side == .inflow && org.code == "X110105", "\(kind)")
            }
            for kind in [ServiceRequestKind.hardship, .certificate, .other] {
                let (r, _) = try await RequestActions.raise(
                    Self.draft(kind), member: f.memberA, as: .member("m", today: today, on: app.db))
                #expect(r.routedOrgID == f.branchA.id && r.side == .home, "\(kind)")
            }
            // A local matter placed at home goes home.
            let (atHome, _) = try await RequestActions.raise(
                Self.draft(.employment, division: "150422"), member: f.memberA,
                as: .member("m", today: today, on: app.db))
            #expect(atHome.routedOrgID == f.branchA.id)
            // A legal service station serving Chaoyang (110105) takes rights matters there; not other local matters.
            let station = ServiceStation()
            station.id = f.countyB.id
            station.purpose = .legal
            station.areaCode = "1101"
            station.createdBy = "t"
            try await station.create(on: app.db)
            let (legal, _) = try await RequestActions.raise(
                Self.draft(.wageArrears), member: f.memberA, as: .member("m", today: today, on: app.db))
            #expect(legal.routedOrgID == f.countyB.id && legal.side == .station)
            let (job, _) = try await RequestActions.raise(
                Self.draft(.employment), member: f.memberA, as: .member("m", today: today, on: app.db))
            #expect(job.routedOrgID == f.external.id)
            // Without an account the inflow organization cannot act: home instead.
            for a in try await Account.query(on: app.db).filter(\.$organizationID == f.external.id!).all() {
                a.disabledAt = AppClock.now
                try await a.update(on: app.db)
            }
            let (noAccount, _) = try await RequestActions.raise(
                Self.draft(.schooling), member: f.memberA, as: .member("m", today: today, on: app.db))
            #expect(noAccount.routedOrgID == f.branchA.id)
            // Bad input: every field's message, nothing stored.
            let before = try await ServiceRequest.query(on: app.db).count()
            do {
                _ = try await RequestActions.raise(
                    .init(kind: "lottery", title: "", details: "短", divisionCode: "99999x"), member: f.memberA,
                    as: .member("m", today: today, on: app.db))
                Issue.record("accepted a bad draft")
            } catch AppError.invalid(let errors) {
                #expect(Set(errors.map(\.field)) == ["kind", "title", "details", "divisionCode"])
            }
            #expect(try await ServiceRequest.query(on: app.db).count() == before)
        }
    }

    @Test(arguments: TestDatabase.all)
    func deadlinesAreWorkingDaysAndOverdueRequestsEscalateExactlyOnce(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            // National Day: Thursday 10-01 to Wednesday 10-07 off, Saturday 10-10 worked.
            for (day, kind) in [
                ("2026-10-01", "holiday"), ("2026-10-02", "holiday"), ("2026-10-05", "holiday"),
                ("2026-10-06", "holiday"), ("2026-10-07", "holiday"), ("2026-10-10", "workday"),
            ] {
                let d = WorkCalendarDay()
                d.id = day
                d.kind = CalendarDayKind(rawValue: kind)!
                d.name = "国庆节"
                d.updatedBy = "t"
                try await d.create(on: app.db)
            }
            // Raised Wednesday 09-30: acknowledge by Friday 10-09 (Thu 10-08, Fri 10-09), answer after 15 working days.
            let (r, _) = try await RequestActions.raise(
                Self.draft(.schooling), member: f.memberA, as: .member("m", today: Self.day("2026-09-30"), on: app.db))
            #expect(r.acknowledgeBy == "2026-10-09")
            // 10-08, 09, 10(Sat worked), 12..16, 19..23, 26, 27 → the 15th is Tuesday 10-27.
            #expect(r.answerBy == "2026-10-27")
            // On the deadline day nothing happens; the day after, escalated to the home branch's parent (the inflow
            // organization is outside the tree) with a notice; the next day not again.
            #expect(try await RequestActions.sweep(today: Self.day("2026-10-09"), on: app.db).escalated == 0)
            #expect(try await RequestActions.sweep(today: Self.day("2026-10-10"), on: app.db).escalated == 1)
            #expect(try await RequestActions.sweep(today: Self.day("2026-10-11"), on: app.db).escalated == 0)
            var stored = try #require(try await ServiceRequest.find(r.id, on: app.db))
            #expect(stored.escalatedStage == "acknowledge" && stored.escalatedToOrgID == f.committeeA.id)
            #expect(
                try await Notice.query(on: app.db).filter(\.$orgID == f.committeeA.id!)
                    .filter(\.$kind == NoticeKind.request.rawValue).count() == 1)
            // The committee sees it (escalated to it), in its worklist too; the other county does not.
            let committee = try await APIClient.signIn(app, "committee", Fixture.password)
            let listed = try await committee.get("/api/v1/requests").content.decode(Items.self)
            #expect(listed.items.map(\.id) == [r.id])
            let other = try await APIClient.signIn(app, "countyb", Fixture.password)
            #expect(try await other.get("/api/v1/requests").content.decode(Items.self).items.isEmpty)
            #expect(try await other.post("/api/v1/requests/\(r.id!)/accept", json: "{}").status == .notFound)
            // Accepted late; past the answer deadline it is escalated again, for the answer.
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await inflow.post("/api/v1/requests/\(r.id!)/accept", json: #"{"handler":"李娜"}"#).status == .ok)
            #expect(try await inflow.post("/api/v1/requests/\(r.id!)/accept", json: "{}").status == .conflict)
            #expect(try await RequestActions.sweep(today: Self.day("2026-10-27"), on: app.db).escalated == 0)
            #expect(try await RequestActions.sweep(today: Self.day("2026-10-28"), on: app.db).escalated == 1)
            stored = try #require(try await ServiceRequest.find(r.id, on: app.db))
            #expect(stored.escalatedStage == "answer" && stored.handlerName == "李娜")
        }
    }

    @Test(arguments: TestDatabase.all)
    func theLifecycleTransferRatingAndOneReopening(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let me = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            // Bad JSON fields: 422 with each field.
            let bad = try await me.post("/api/v1/my/requests", json: #"{"kind":"x","title":"","details":""}"#)
            #expect(bad.status == .unprocessableEntity && Set(Mobile.fields(bad).keys) == ["kind", "title", "details"])
            let res = try await me.post(
                "/api/v1/my/requests",
                json: #"{"kind":"medical","title":"异地就医备案","details":"在北京看病想用家乡医保报销，怎么备案？"}"#)
            #expect(res.status == .created)
            let raised = try res.content.decode(Raised.self)
            #expect(raised.routedTo == RoutedTo(orgCode: "X110105", name: f.external.shortName))
            let today = AppClock.today
            #expect(raised.acknowledgeBy == WorkCalendar().adding(workingDays: 2, to: today).description)
            #expect(raised.answerBy == WorkCalendar().adding(workingDays: 15, to: today).description)
            // The inflow side sees only what is routed to it; it transfers home (reason required).
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await inflow.get("/api/v1/requests").content.decode(Items.self).items.map(\.id) == [raised.id])
            #expect(try await inflow.get("/api/v1/requests?status=nonsense").status == .unprocessableEntity)
            #expect(
                try await inflow.post("/api/v1/requests/\(raised.id)/transfer", json: #"{"reason":""}"#).status
                    == .unprocessableEntity)
            #expect(
                try await inflow.post("/api/v1/requests/\(raised.id)/transfer", json: #"{"reason":"医保关系在家乡"}"#)
                    .status == .ok)
            #expect(try await inflow.get("/api/v1/requests").content.decode(Items.self).items.isEmpty)
            #expect(try await inflow.post("/api/v1/requests/\(raised.id)/reply", json: "{}").status == .notFound)
            // The home branch answers; the member cannot rate before, rates once after.
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let mine = try await secretary.get("/api/v1/requests?status=submitted").content.decode(Items.self)
            #expect(mine.items.map(\.id) == [raised.id] && mine.items.first?.acknowledgeBy == raised.acknowledgeBy)
            #expect(
                try await me.post("/api/v1/my/requests/\(raised.id)/rate", json: #"{"stars":5}"#).status == .conflict)
            #expect(
                try await secretary.post(
                    "/api/v1/requests/\(raised.id)/reply", json: #"{"reply":"已在旗医保局办理异地就医备案，可直接结算。"}"#
                ).status == .ok)
            #expect(
                try await me.post("/api/v1/my/requests/\(raised.id)/rate", json: #"{"stars":9}"#).status
                    == .unprocessableEntity)
            #expect(
                try await me.post("/api/v1/my/requests/\(raised.id)/rate", json: #"{"stars":4,"comment":"很快"}"#)
                    .status == .noContent)
            #expect(
                try await me.post("/api/v1/my/requests/\(raised.id)/rate", json: #"{"stars":1}"#).status == .conflict)
            let closed = try await me.get("/api/v1/my/requests").content.decode(Items.self)
            #expect(closed.items.first?.status == "closed")
            // Another member cannot see or rate it.
            try await Mobile.open(app, f.memberB)
            let b = try await OrgLifeTests.signedIn(app, f.memberB, idNumber: Fixture.idB, staff: "countyb")
            #expect(try await b.get("/api/v1/my/requests").content.decode(Items.self).items.isEmpty)
            #expect(
                try await b.post("/api/v1/my/requests/\(raised.id)/reopen", json: #"{"reason":"试试"}"#).status
                    == .notFound)
            // Reopened once, within the window: back to the handler with a new deadline; not twice.
            #expect(
                try await me.post("/api/v1/my/requests/\(raised.id)/reopen", json: #"{"reason":"报销时还是不能直接结算"}"#)
                    .status == .noContent)
            let r = try #require(try await ServiceRequest.find(raised.id, on: app.db))
            #expect(r.status == .inProgress && r.reopened == 1 && r.stars == nil)
            _ = try await secretary.post("/api/v1/requests/\(raised.id)/reply", json: #"{"reply":"已再次核实，备案已生效。"}"#)
            _ = try await me.post("/api/v1/my/requests/\(raised.id)/rate", json: #"{"stars":5}"#)
            #expect(
                try await me.post("/api/v1/my/requests/\(raised.id)/reopen", json: #"{"reason":"再来一次"}"#).status
                    == .conflict)
            // The home branch sees it on the member's archive; the trail names every step.
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            let archive = try await browser.get("/members/\(f.memberA.id!)/archive").body.string
            #expect(archive.contains("医疗社保：异地就医备案"))
            let page = try await browser.get("/requests/\(raised.id)").body.string
            for step in ["提交诉求", "转办", "答复", "评价", "申请重新办理"] { #expect(page.contains(step), "\(step)") }
            // Statistics: one received and answered on time, rated 4 then 5.
            let stats = try await secretary.get("/api/v1/requests/stats?org=\(f.branchA.code)").content.decode(
                Stats.self)
            #expect(stats == Stats(received: 1, answered: 1, onTime: 1, onTimeRate: 1, satisfaction: 5))
            #expect(try await secretary.get("/api/v1/requests/stats?from=2026-13-01").status == .unprocessableEntity)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aNeedHeardInAContactBecomesARequest(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let staff = try await APIClient.signIn(app, "secretary", Fixture.password)
            let pairing = try await Mobile.pair(
                app, staff, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let contact = try await Mobile.contact(
                app, staff, json: Mobile.contactJSON(pairing: pairing, needs: "子女在流入地入学需开具证明"))
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            let page = try await browser.get("/members/\(f.memberA.id!)/pairings").body.string
            #expect(page.contains("/contacts/\(contact.uuidString)/request"))
            let res = try await browser.post(
                "/contacts/\(contact.uuidString)/request",
                form: ["kind": "schooling", "title": "子女入学证明", "details": "子女在流入地入学需开具证明"])
            #expect(res.status == .seeOther)
            let r = try #require(try await ServiceRequest.query(on: app.db).first())
            #expect(r.contactID == contact && r.routedOrgID == f.external.id && r.raisedBy == "secretary")
            // Another county's secretary cannot record one for this member.
            var other = Browser(app)
            try await other.signIn("secretaryb", Fixture.password)
            _ = try await other.get("/requests")
            #expect(
                try await other.post(
                    "/contacts/\(contact.uuidString)/request",
                    form: ["kind": "other", "title": "x", "details": "具体情况写在这里"]
                ).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theReopenWindowAndAutoClose(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await Fixture.user(app, "secretary")
            let (r, _) = try await RequestActions.raise(
                Self.draft(.other), member: f.memberA, as: .member("m", today: Self.day("2026-11-02"), on: app.db))
            try await RequestActions.reply(
                r, text: "已经办好了，请查收。", as: .staff(secretary, today: Self.day("2026-11-03"), on: app.db))
            // Unrated seven days after the answer: closed by the sweep on the eighth day, not before.
            #expect(try await RequestActions.sweep(today: Self.day("2026-11-09"), on: app.db).closed == 0)
            #expect(try await RequestActions.sweep(today: Self.day("2026-11-10"), on: app.db).closed == 1)
            let closed = try #require(try await ServiceRequest.find(r.id, on: app.db))
            #expect(closed.status == .closed && closed.closedOn == "2026-11-10")
            // Reopening: not after seven days from closing, yes on the seventh.
            do {
                try await RequestActions.reopen(
                    closed, reason: "还没解决", as: .member("m", today: Self.day("2026-11-18"), on: app.db))
                Issue.record("reopened after the window")
            } catch AppError.conflict {}
            try await RequestActions.reopen(
                closed, reason: "还没解决", as: .member("m", today: Self.day("2026-11-17"), on: app.db))
            #expect(closed.status == .inProgress && closed.answerBy > "2026-11-17")
        }
    }

    @Test(arguments: TestDatabase.all)
    func pagesOpenForEachSide(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let (r, _) = try await RequestActions.raise(
                Self.draft(.employment), member: f.memberA, as: .member("m", today: AppClock.today, on: app.db))
            for (user, paths) in [
                ("inflow", ["/requests", "/requests/\(r.id!)", "/requests/stats"]),
                ("secretary", ["/requests", "/requests/stats"]),
                ("admin", ["/requests", "/requests/calendar", "/requests/stats"]),
            ] {
                var browser = Browser(app)
                try await browser.signIn(user, Fixture.password)
                for path in paths { #expect(try await browser.get(path).status == .ok, "\(user) \(path)") }
            }
            // The secretary (home side) does not see a request routed to the inflow side in its list or by id.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/requests/\(r.id!)").status == .notFound)
            // The calendar is the city's: a county administrator may not keep it; the city's refuses nonsense.
            var county = Browser(app)
            try await county.signIn("countyadmin", Fixture.password)
            #expect(try await county.get("/requests/calendar").status == .forbidden)
            var admin = Browser(app)
            try await admin.signIn("admin", Fixture.password)
            _ = try await admin.get("/requests/calendar")
            let weekend = try await admin.post(
                "/requests/calendar", form: ["day": "2026-12-05", "kind": "holiday", "name": "周六"])
            #expect(weekend.status == .seeOther)
            #expect(try await WorkCalendarDay.find("2026-12-05", on: app.db) == nil)
            _ = try await admin.post(
                "/requests/calendar", form: ["day": "2026-12-07", "kind": "holiday", "name": "测试"])
            #expect(try await WorkCalendarDay.find("2026-12-07", on: app.db)?.kind == .holiday)
            _ = try await admin.post("/requests/settings", form: ["acknowledgeDays": "3", "answerDays": "2"])
            #expect(try await ServiceSettings.find(1, on: app.db) == nil)
            _ = try await admin.post(
                "/requests/settings",
                form: ["acknowledgeDays": "3", "answerDays": "10", "reopenDays": "7", "autoCloseDays": "7"])
            #expect(try await RequestActions.deadlines(on: app.db).answerDays == 10)
            // The member's pages.
            var phone = Browser(app)
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            #expect(try await phone.get("/my/requests").status == .ok)
            #expect(try await phone.get("/my/requests/\(r.id!)").status == .ok)
            #expect(try await phone.get("/my").body.string.contains("提出诉求"))
        }
    }
}
