import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Self-report: API, review, flows, notices")
struct SelfReportTests {
    static func outflowJSON(
        org: String, name: String = "张建国", id: String = Fixture.idA, phone: String = "13904761234",
        leftOn: String = AppClock.today.adding(days: -3).description, inflow: String? = nil
    ) -> String {
        """
        {"kind":"outflow","orgCode":"\(org)","name":"\(name)","idNumber":"\(id)","phone":"\(phone)","destinationCode":"110105",
         "address":"望京街道100号","employer":"北京某物流公司","occupation":"物流","reason":1,"leftOn":"\(leftOn)",
         "expectedReturnOn":"\(AppClock.today.adding(days: 200))"\(inflow.map { #","inflowOrgCode":"\#($0)""# } ?? "")}
        """
    }

    static func post(_ app: Application, _ json: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(
            .POST, "/api/v1/self-reports", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: json)
        )
    }

    struct Created: Decodable {
        var receipt: String
        var status: String
    }

    @Test(arguments: TestDatabase.all)
    func aLeavingReportIsReviewedAndOpensTheFlow(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // MUT: the member reports leaving, already joined at the external organization.
            let res = try await Self.post(app, Self.outflowJSON(org: f.branchA.code, inflow: f.external.code))
            #expect(res.status == .created)
            let created = try res.content.decode(Created.self)
            #expect(created.status == "pending")
            #expect(created.receipt.count >= 12)
            // The status check needs the right last six characters.
            let status = try await app.testing().sendRequest(
                .GET, "/api/v1/self-reports/\(created.receipt)?idTail=\(Fixture.idA.suffix(6))")
            #expect(status.body.string.contains("\"status\":\"pending\""))
            #expect(
                try await app.testing().sendRequest(.GET, "/api/v1/self-reports/\(created.receipt)?idTail=000000")
                    .status == .notFound)

            // The branch secretary sees it in the queue and an unread notice; another county does not.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let queue = try await secretary.get("/reviews")
            #expect(queue.body.string.contains("张建国"))
            #expect(queue.body.string.contains("href=\"/inbox\">消息<span class=\"count\">"))
            var other = Browser(app)
            try await other.signIn("secretaryb", Fixture.password)
            #expect(!(try await other.get("/reviews")).body.string.contains("张建国"))

            let report = try #require(
                try await SelfReport.query(on: app.db).filter(\.$receipt == created.receipt).first())
            #expect(try await other.post("/reviews/\(report.id!.uuidString)/confirm", form: [:]).status == .notFound)
            let confirmed = try await secretary.post("/reviews/\(report.id!.uuidString)/confirm", form: [:])
            #expect(confirmed.status == .seeOther)

            // validate: the flow, the member's state, timeline, audit, and the inflow side's view
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(flow.status == .arrived)
            #expect(flow.destinationCode == "110105")
            #expect(flow.inflowOrgID == f.external.id)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.flowStatus == "arrived")
            let page = try await secretary.get("/members/\(f.memberA.id!.uuidString)")
            #expect(page.body.string.contains("流出登记已确认"))
            #expect(page.body.string.contains("北京市朝阳区"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$objectType == "self-report").count() == 1)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            let seen = try await inflow.get("/api/v1/members")
            #expect(seen.body.string.contains("张建国"))
            #expect(!seen.body.string.contains("李秀英"))
            #expect(try await Notice.query(on: app.db).filter(\.$orgID == f.external.id!).count() == 1)
            let counts = try await OrganizationService.counts(under: f.countyA, on: app.db)
            #expect(counts[f.branchA.id!]?.mobileMembers == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func arrivalIsConfirmedByTheInflowOrganizationAndReturnClosesTheFlow(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let gate = app.writeGate
            _ = try await Self.post(app, Self.outflowJSON(org: f.branchA.code))
            let secretary = try await Fixture.user(app, "secretary")
            let leaving = try #require(try await SelfReport.query(on: app.db).first())
            try await ReviewActions.confirm(leaving, by: secretary, gate: gate, cipher: app.cipher, on: app.db)
            #expect(try await Flow.query(on: app.db).first()?.status == .away)

            let arrival = try await Self.post(
                app,
                """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"张建国","idNumber":"\(Fixture.idA)","phone":"13904761234","address":"望京西园"}
                """)
            #expect(arrival.status == .created)
            let report = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .arrival).first())
            #expect(report.reviewOrgID == f.external.id)
            // The home branch's secretary does not confirm an arrival elsewhere; the inflow organization does.
            await #expect(throws: AppError.self) {
                try await ReviewActions.find(report.id!, for: secretary, on: app.db)
            }
            let inflow = try await Fixture.user(app, "inflow")
            try await ReviewActions.confirm(
                try await ReviewActions.find(report.id!, for: inflow, on: app.db), by: inflow, gate: gate,
                cipher: app.cipher, on: app.db)
            let flow = try #require(try await Flow.query(on: app.db).first())
            #expect(flow.status == .arrived)
            #expect(flow.arrivalConfirmed)
            #expect(flow.inflowOrgID == f.external.id)
            #expect(
                try await Notice.query(on: app.db).filter(\.$orgID == f.branchA.id!).filter(\.$kind == "arrival")
                    .count() == 1)

            _ = try await Self.post(
                app, #"{"kind":"return","orgCode":"\#(f.branchA.code)","name":"张建国","idNumber":"\#(Fixture.idA)"}"#)
            let back = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .return).first())
            try await ReviewActions.confirm(back, by: secretary, gate: gate, cipher: app.cipher, on: app.db)
            #expect(try await Flow.query(on: app.db).first()?.status == .returned)
            #expect(try await Member.find(f.memberA.id, on: app.db)?.flowStatus == "returned")
        }
    }

    @Test(arguments: TestDatabase.all)
    func strangersAreKeptAsInflowRegistrationsAndReportsCanBeReturned(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let stranger = IDNumber.make(
                division: "130102", birth: CalendarDate(year: 1992, month: 4, day: 4)!, sequence: 8, sex: .female)
            let res = try await Self.post(
                app,
                """
                {"kind":"arrival","orgCode":"\(f.branchA.code)","name":"外市党员","idNumber":"\(stranger)","phone":"13611112222"}
                """)
            #expect(res.status == .created)
            let report = try #require(try await SelfReport.query(on: app.db).first())
            #expect(report.memberID == nil)
            #expect(report.reviewOrgID == f.branchA.id)
            // A wrong name for a roster member's number is taken like any report and flagged for the reviewer
            // (refusing it told strangers who is on the roster).
            let wrongName = try await Self.post(app, Self.outflowJSON(org: f.branchA.code, name: "别人"))
            #expect(wrongName.status == .created)
            let flagged = try #require(try await SelfReport.query(on: app.db).filter(\.$name == "别人").first())
            #expect(flagged.rosterNameDiffers == true && flagged.reviewOrgID == f.branchA.id)
            // Returned with a reason; the reason is visible in the status check.
            var b = Browser(app)
            try await b.signIn("secretary", Fixture.password)
            try await b.get("/reviews")
            #expect(
                try await b.post("/reviews/\(report.id!.uuidString)/return", form: ["reason": ""]).status == .seeOther)
            #expect(try await SelfReport.find(report.id, on: app.db)?.status == .pending)
            try await b.post("/reviews/\(report.id!.uuidString)/return", form: ["reason": "请到流入地党组织报到"])
            let status = try await app.testing().sendRequest(
                .GET, "/api/v1/self-reports/\(report.receipt)?idTail=\(stranger.suffix(6))")
            #expect(status.body.string.contains("请到流入地党组织报到"))
            #expect(status.body.string.contains("\"status\":\"returned\""))
            // A second stranger is confirmed: the county's inflow view lists them; another county's does not.
            let other = IDNumber.make(
                division: "130102", birth: CalendarDate(year: 1991, month: 5, day: 5)!, sequence: 9, sex: .male)
            _ = try await Self.post(
                app,
                #"{"kind":"arrival","orgCode":"\#(f.branchA.code)","name":"外市党员乙","idNumber":"\#(other)","phone":"13611113333"}"#
            )
            let second = try #require(try await SelfReport.query(on: app.db).filter(\.$name == "外市党员乙").first())
            try await ReviewActions.confirm(
                second, by: try await Fixture.user(app, "secretary"), gate: app.writeGate, cipher: app.cipher,
                on: app.db)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let inflow = try await county.get("/ledger/\(f.countyA.code)/inflow")
            #expect(inflow.body.string.contains("外市党员乙"))
            #expect(!inflow.body.string.contains(other))
            var countyB = Browser(app)
            try await countyB.signIn("countyb", Fixture.password)
            #expect(!(try await countyB.get("/ledger/\(f.countyB.code)/inflow")).body.string.contains("外市党员乙"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theSameReportTwiceIsStoredOnceAndTwoHundredDifferentOnesAllLand(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let first = try await Self.post(app, Self.outflowJSON(org: f.branchA.code))
            let second = try await Self.post(app, Self.outflowJSON(org: f.branchA.code))
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(try first.content.decode(Created.self).receipt == second.content.decode(Created.self).receipt)
            #expect(try await SelfReport.query(on: app.db).count() == 1)

            // 200 different people report at once (strangers: inflow registrations), each stored exactly once.
            try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for i in 0..<200 {
                    let id = IDNumber.make(
                        division: "210102",
                        birth: CalendarDate(year: 1970 + i % 30, month: 1 + i % 12, day: 1 + i % 28)!,
                        sequence: i, sex: i % 2 == 0 ? .male : .female)
                    let json = """
                        {"kind":"arrival","orgCode":"\(f.external.code)","name":"并发\(i)","idNumber":"\(id)","phone":"139\(String(format: "%08d", i))"}
                        """
                    group.addTask {
                        let res = try await Self.post(app, json)
                        return (res.status, String(res.body.string.prefix(300)))
                    }
                }
                var statuses: [HTTPStatus] = []
                var other: String?
                for try await (s, body) in group {
                    statuses.append(s)
                    if s != .created { other = other ?? body }
                }
                #expect(
                    statuses.allSatisfy { $0 == .created },
                    "\(Dictionary(grouping: statuses, by: \.code).mapValues(\.count)) \(other ?? "")")
            }
            #expect(try await SelfReport.query(on: app.db).count() == 201)
            #expect(try await Notice.query(on: app.db).count() == 201)
        }
    }

    @Test(arguments: TestDatabase.all)
    func rateLimitsAnswer429WithRetryAfterInChinese(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            app.settings.reportsPerIDPerHour = 2
            for i in 0..<2 {
                let r = try await Self.post(app, Self.outflowJSON(org: f.branchA.code, phone: "1390476000\(i)"))
                #expect(r.status == .created)
            }
            let limited = try await Self.post(app, Self.outflowJSON(org: f.branchA.code, phone: "13904769999"))
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            #expect(try limited.content.decode(APIErrorBody.self).error.message.contains("频繁"))
            app.settings.reportsPerClientPerMinute = 1
            let other = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1980, month: 1, day: 1)!, sequence: 3, sex: .male)
            _ = try await Self.post(app, Self.outflowJSON(org: f.branchA.code, name: "某人", id: other))
            let perClient = try await Self.post(
                app, Self.outflowJSON(org: f.branchA.code, name: "某人", id: other, phone: "13800000001"))
            #expect(perClient.status == .tooManyRequests)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theSweepFlagsOverdueArrivalsAndLostContactOnce(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            _ = try await Self.post(
                app, Self.outflowJSON(org: f.branchA.code, leftOn: today.adding(days: -40).description))
            let secretary = try await Fixture.user(app, "secretary")
            try await ReviewActions.confirm(
                try #require(try await SelfReport.query(on: app.db).first()), by: secretary,
                gate: app.writeGate, cipher: app.cipher, on: app.db, today: today.adding(days: -40))
            let r1 = try await FlowService.sweep(today: today, settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(r1 == .init(overdue: 1, lostCandidates: 0))
            let r2 = try await FlowService.sweep(today: today, settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(r2 == .init(overdue: 0, lostCandidates: 0))
            let later = try await FlowService.sweep(
                today: today.adding(days: 200), settings: app.settings, gate: app.writeGate, on: app.db)
            #expect(later.lostCandidates == 1)
            var b = Browser(app)
            try await b.signIn("committee", Fixture.password)
            let page = try await b.get("/orgs/\(f.committeeA.code)")
            #expect(page.body.string.contains("流出逾期未报到（1人）"))
            #expect(page.body.string.contains("失联待确认（1人"))
            let flow = try #require(try await Flow.query(on: app.db).first())
            try await b.post("/flows/\(flow.id!.uuidString)/lost", form: [:])
            #expect(try await Flow.find(flow.id, on: app.db)?.status == .lost)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "overdue").count() == 1)
        }
    }
}
