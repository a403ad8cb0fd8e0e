import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

extension APIClient {
    func put(_ path: String, json: String) async throws -> TestingHTTPResponse {
        var h = HTTPHeaders()
        h.contentType = .json
        if let token { h.bearerAuthorization = .init(token: token) }
        return try await app.testing().sendRequest(.PUT, path, headers: h, body: ByteBuffer(string: json))
    }
}

/// Organizational life: events, attendance at home and away, quorum, compliance and the six-month alert.
@Suite("Organizational life (组织生活)")
struct OrgLifeTests {
    struct Created: Decodable {
        var id: UUID
        var checkInCode: String
    }
    struct Recorded: Decodable {
        var recorded: Int
        var quorum: Quorum
    }

    static func event(
        _ client: APIClient, org: String, kind: String = "themeDay", at: Date = AppClock.now, topic: String = "主题党日"
    ) async throws -> Created {
        let res = try await client.post(
            "/api/v1/org-life",
            json:
                #"{"orgCode":"\#(org)","kind":"\#(kind)","startsAt":"\#(OrgLifeTime.text(at))","place":"活动室","topic":"\#(topic)"}"#
        )
        #expect(res.status == .created, "\(res.body.string)")
        return try res.content.decode(Created.self)
    }

    /// A member with an activated account, signed in.
    static func signedIn(_ app: Application, _ member: Member, idNumber: String, staff: String = "county") async throws
        -> APIClient
    {
        let secretary = try await APIClient.signIn(app, staff, Fixture.password)
        let code = try await Mobile.code(app, staff: secretary, member: member)
        _ = try await Mobile.activate(app, idNumber: idNumber, code: code)
        return try await APIClient.member(app, idNumber: idNumber, password: Mobile.memberPassword)
    }

    @Test(arguments: TestDatabase.all)
    func attendanceAwayIsCreditedToTheHomeBranchsRecord(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            // The inflow organization holds a theme day through its account; not for a branch of ours.
            #expect(
                Mobile.fields(
                    try await inflow.post(
                        "/api/v1/org-life",
                        json:
                            #"{"orgCode":"\#(f.branchA.code)","kind":"themeDay","startsAt":"2026-12-01T19:30","place":"x","topic":"t"}"#
                    ))["orgCode"] != nil)
            let e = try await Self.event(inflow, org: f.external.code)
            #expect(e.checkInCode.count == 6)
            let member = try await Self.signedIn(app, f.memberA, idNumber: Fixture.idA)
            // A wrong code, then the right one typed in lower case.
            let wrong = try await member.post("/api/v1/my/org-life/check-in", json: #"{"code":"AAAAAA"}"#)
            #expect(wrong.status == .unprocessableEntity && Mobile.fields(wrong)["code"] != nil)
            let ok = try await member.post(
                "/api/v1/my/org-life/check-in", json: #"{"code":"\#(e.checkInCode.lowercased())"}"#)
            #expect(ok.status == .created, "\(ok.body.string)")
            let a = try #require(try await OrgLifeAttendance.query(on: app.db).filter(\.$eventID == e.id).first())
            #expect(a.memberID == f.memberA.id && a.status == .present && a.via == .code && a.attendedAt == "望京街道党工委")
            // Credited on the home record: the home branch's page and the member's archive show it, and it counts for
            // the six-month rule.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let page = try await secretary.get("/org-life?org=\(f.branchA.code)")
            #expect(page.status == .ok)
            let away = try #require(page.body.string.components(separatedBy: "id=\"away\"").last)
            #expect(away.contains("张建国") && away.contains("望京街道党工委") && away.contains("本人签到码"))
            let archive = try await secretary.get("/members/\(f.memberA.id!.uuidString)/archive")
            #expect(archive.body.string.contains("计入本人组织生活记录"))
            let last = try await ComplianceStore.sixMonthCounts(
                under: f.branchA.path, today: AppClock.today, on: try app.db.sql())
            #expect(last[f.branchA.id!] == nil)
            // The inflow side records only its own people: memberB neither reports to it nor checked in.
            let bad = try await inflow.put(
                "/api/v1/org-life/\(e.id.uuidString)/attendance",
                json: #"{"items":[{"memberId":"\#(f.memberB.id!.uuidString)","status":"present"}]}"#)
            #expect(bad.status == .unprocessableEntity && Mobile.fields(bad)["items[0].memberId"] != nil)
            // The branch of another county cannot open the event.
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(
                try await other.put("/api/v1/org-life/\(e.id.uuidString)/attendance", json: #"{"items":[]}"#).status
                    == .notFound)
            // A code outside its window is refused: an event of last month.
            let old = try await Self.event(
                inflow, org: f.external.code, at: AppClock.now.addingTimeInterval(-30 * 86400))
            let closed = try await member.post("/api/v1/my/org-life/check-in", json: #"{"code":"\#(old.checkInCode)"}"#)
            #expect(closed.status == .unprocessableEntity)
            #expect(try await OrgLifeAttendance.query(on: app.db).filter(\.$eventID == old.id).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aMemberMeetingIsQuorateOnlyWithMoreThanHalfOfThoseCounted(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var roster = [f.memberA]
            for i in 0..<4 {
                roster.append(try await NetworkTests.member(app, "党员\(i)", sequence: 400 + i, branch: f.branchA))
            }
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let e = try await Self.event(secretary, org: f.branchA.code, kind: "memberMeeting", topic: "党员大会")
            func put(_ items: [(Member, String, String)]) async throws -> TestingHTTPResponse {
                let json = items.map { m, status, extra in
                    #"{"memberId":"\#(m.id!.uuidString)","status":"\#(status)"\#(extra)}"#
                }.joined(separator: ",")
                return try await secretary.put(
                    "/api/v1/org-life/\(e.id.uuidString)/attendance", json: #"{"items":[\#(json)]}"#)
            }
            // A probationary member: no vote, not counted toward the quorum (may attend). roster[2] is away.
            let probationary = try await NetworkTests.member(app, "预备党员", sequence: 410, branch: f.branchA)
            probationary.category = .probationary
            try await probationary.update(on: app.db)
            _ = try await Mobile.open(app, roster[2])
            // Excused needs a reason; only the excused can be left out of 应到, only a mobile member, and only
            // recorded with the approval.
            let invalid = try await put([
                (roster[0], "excused", ""), (roster[1], "absent", #","notCounted":true"#),
                (roster[2], "excused", #","reason":"外出务工","notCounted":true"#),
                (roster[3], "excused", #","reason":"生病","notCounted":true,"approval":"经党委同意""#),
            ])
            #expect(invalid.status == .unprocessableEntity)
            #expect(
                Set(Mobile.fields(invalid).keys) == [
                    "items[0].reason", "items[1].notCounted", "items[2].approval", "items[3].notCounted",
                ])
            // 5 full members on the roster, the mobile one excused with the approval: 应到 4; 2 present is not more
            // than half — the probationary member present does not count.
            let first = try await put([
                (roster[0], "present", ""), (roster[1], "present", ""),
                (roster[2], "excused", #","reason":"外出务工","notCounted":true,"approval":"经某某党委11月2日同意""#),
                (roster[3], "excused", #","reason":"生病""#), (roster[4], "absent", ""), (probationary, "present", ""),
            ])
            #expect(first.status == .ok, "\(first.body.string)")
            let q1 = try first.content.decode(Recorded.self).quorum
            #expect(q1.expected == 4 && q1.present == 2 && q1.excused == 2 && q1.notCounted == 1 && !q1.quorate)
            #expect(q1.voting && q1.probationaryPresent == 1)
            let approval = try await OrgLifeAttendance.query(on: app.db).filter(\.$memberID == roster[2].id!).first()
            #expect(approval?.approval == "经某某党委11月2日同意" && approval?.notCounted == true)
            var page = Browser(app)
            try await page.signIn("secretary", Fixture.password)
            let shown = try await page.get("/org-life/\(e.id.uuidString)").body.string
            #expect(shown.contains("不能进行表决和选举") && shown.contains("列席 1 人"))
            #expect(shown.contains("经某某党委11月2日同意"))
            // One more present: 3 of 4.
            let second = try await put([(roster[4], "present", "")])
            let q2 = try second.content.decode(Recorded.self).quorum
            #expect(q2.expected == 4 && q2.present == 3 && q2.quorate)
            #expect(try await page.get("/org-life/\(e.id.uuidString)").body.string.contains("会议有效"))
            // A party class is not a vote: everyone on the roster counts.
            let lesson = try await Self.event(secretary, org: f.branchA.code, kind: "partyClass", topic: "党课")
            let taught = try await secretary.put(
                "/api/v1/org-life/\(lesson.id.uuidString)/attendance",
                json: #"{"items":[{"memberId":"\#(probationary.id!.uuidString)","status":"present"}]}"#)
            let q3 = try taught.content.decode(Recorded.self).quorum
            #expect(!q3.voting && q3.expected == 6 && q3.present == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func complianceCountsHeldAgainstTheSettingsAndFlagsBranchesBehind(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            let last = try #require(Quarter(containing: today).previous)
            let secretary = try await Fixture.user(app, "secretary")
            // Branch A holds everything the defaults ask in the last quarter (yearly kinds too); A2 nothing.
            func hold(_ kind: OrgLifeKind, _ day: CalendarDate) async throws {
                _ = try await OrgLifeActions.create(
                    .init(
                        orgCode: f.branchA.code, kind: kind.rawValue, startsAt: "\(day)T09:00", place: "活动室",
                        topic: kind.label),
                    as: .staff(secretary, today: AppClock.today, on: app.db))
            }
            for m in 0..<3 {
                let day = last.firstDay.adding(days: 31 * m + 2)
                try await hold(.themeDay, day)
                try await hold(.committeeMeeting, day)
                try await hold(.groupMeeting, day)
            }
            for kind in [OrgLifeKind.memberMeeting, .partyClass, .lifeMeeting, .appraisal] {
                try await hold(kind, last.lastDay)
            }
            // An event of the quarter before does not count for this one.
            try await hold(.memberMeeting, last.firstDay.adding(days: -1))
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Items: Decodable { var items: [ComplianceStore.Item] }
            let res = try await county.get("/api/v1/org-life/compliance?org=\(f.countyA.code)&quarter=\(last)")
            #expect(res.status == .ok)
            let items = try res.content.decode(Items.self).items
            let a = Dictionary(
                uniqueKeysWithValues: items.filter { $0.orgCode == f.branchA.code }.map { ($0.kind, $0) })
            #expect(
                a["themeDay"] == .init(orgCode: f.branchA.code, kind: "themeDay", required: 3, held: 3, applies: true))
            #expect(a["memberMeeting"]?.held == 1 && a["memberMeeting"]?.required == 1)
            #expect(a["lifeMeeting"]?.required == 1 && a["lifeMeeting"]?.held == 1)
            #expect(a["talk"] == nil, "a kind that requires nothing is not listed")
            #expect(items.filter { $0.orgCode == f.branchA2.code }.allSatisfy { $0.held == 0 })
            #expect(Set(items.map(\.orgCode)) == [f.branchA.code, f.branchA2.code])
            // Behind schedule: only A2 (the worklist of the county and the committee).
            let behind = try await ComplianceStore.behind(under: f.countyA.path, today: today, on: app.db)
            #expect(behind == [f.branchA2.id!: 1])
            // The city's administrator raises theme days to two a month: A falls behind too.
            var admin = Browser(app)
            try await admin.signIn("admin", Fixture.password)
            var form: [String: String] = [:]
            for r in try await ComplianceStore.requirements(on: app.db) {
                form["period_\(r.kind.rawValue)"] = r.period.rawValue
                form["minimum_\(r.kind.rawValue)"] = "\(r.minimum)"
            }
            form["minimum_themeDay"] = "2"
            _ = try await admin.get("/org-life/settings")
            #expect(try await admin.post("/org-life/settings", form: form).status == .seeOther)
            let after = try await county.get("/api/v1/org-life/compliance?org=\(f.branchA.code)&quarter=\(last)")
                .content.decode(Items.self).items
            #expect(after.first { $0.kind == "themeDay" }?.required == 6)
            #expect(try await ComplianceStore.behind(under: f.countyA.path, today: today, on: app.db).count == 2)
            // A county cannot change the settings; a bad quarter is a 422.
            var countyPage = Browser(app)
            try await countyPage.signIn("county", Fixture.password)
            _ = try await countyPage.get("/org-life/settings")
            #expect(try await countyPage.post("/org-life/settings", form: form).status == .forbidden)
            #expect(try await county.get("/api/v1/org-life/compliance?quarter=2026Q9").status == .unprocessableEntity)
            #expect(try await county.get("/api/v1/org-life/compliance?org=\(f.branchB.code)").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func membersWithNoOrganizationalLifeForSixMonthsAreFlaggedForTheirBranch(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let today = AppClock.today
            let sql = try app.db.sql()
            let secretary = try await Fixture.user(app, "secretary")
            // Nobody has attended anything: memberA is flagged, on branch A.
            #expect(
                try await ComplianceStore.sixMonthCounts(under: f.countyA.path, today: today, on: sql)[f.branchA.id!]
                    == 1)
            // Present seven months ago: still flagged. Present last month: not.
            func attend(daysAgo: Int, status: String = "present") async throws {
                let e = try await OrgLifeActions.create(
                    .init(
                        orgCode: f.branchA.code, kind: "themeDay",
                        startsAt: OrgLifeTime.text(AppClock.now.addingTimeInterval(Double(-daysAgo) * 86400)),
                        place: "活动室",
                        topic: "主题党日"), as: .staff(secretary, today: AppClock.today, on: app.db))
                _ = try await OrgLifeActions.setAttendance(
                    [
                        .init(
                            memberId: f.memberA.id!.uuidString, status: status, reason: status == "excused" ? "病" : nil)
                    ],
                    event: e, org: f.branchA, as: .staff(secretary, today: AppClock.today, on: app.db))
            }
            try await attend(daysAgo: 215)
            #expect(
                try await ComplianceStore.sixMonthCounts(under: f.countyA.path, today: today, on: sql)[f.branchA.id!]
                    == 1)
            // Excused or absent is not taking part.
            try await attend(daysAgo: 20, status: "excused")
            #expect(
                try await ComplianceStore.sixMonthCounts(under: f.countyA.path, today: today, on: sql)[f.branchA.id!]
                    == 1)
            try await attend(daysAgo: 30)
            #expect(
                try await ComplianceStore.sixMonthCounts(under: f.countyA.path, today: today, on: sql)[f.branchA.id!]
                    == nil)
            // Someone who joined the Party less than six months ago is not flagged.
            let newcomer = try await NetworkTests.member(
                app, "新党员", sequence: 480, branch: f.branchA2, category: "probationary")
            newcomer.joinedOn = today.adding(days: -60).description
            try await newcomer.update(on: app.db)
            let counts = try await ComplianceStore.sixMonthCounts(under: f.countyA.path, today: today, on: sql)
            #expect(counts[f.branchA2.id!] == 1, "李秀英 only")
            // The worklist of the branch's secretary carries it; the alert page lists the member.
            let work = try await Worklist.compute(
                for: try await Fixture.user(app, "committee"), on: app.db, settings: app.settings)
            #expect(work.first { $0.kind == "sixMonthNoOrgLife" }?.total == 1)
            var committee = Browser(app)
            try await committee.signIn("committee", Fixture.password)
            let alerts = try await committee.get("/org-life/alerts")
            #expect(alerts.body.string.contains("李秀英") && !alerts.body.string.contains("新党员"))
            #expect(!alerts.body.string.contains("张建国"))
        }
    }
}
