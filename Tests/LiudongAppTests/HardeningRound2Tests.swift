import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 25's smaller items, each failing before its fix.
@Suite("Hardening, round 2: checks before writes")
struct HardeningRound2Tests {
    /// Item 15: a contact posted on one member's page for another member's pairing is refused before anything is
    /// written (it used to be stored, then answered 404); the API names a missing pairing as a field (was 404).
    @Test(arguments: TestDatabase.all)
    func aContactIsComparedWithThePagesMemberBeforeItIsWritten(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup
            let f = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let a2 = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            try await Mobile.open(app, f.memberA)
            try await Mobile.open(app, a2)
            _ = try await Mobile.pair(app, county, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let other = try await Mobile.pair(
                app, county, json: Mobile.pairingJSON(member: a2, phone: "13800005555", org: f.branchA2.code))
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)
            _ = try await page.get("/members/\(f.memberA.id!.uuidString)/pairings")
            // MUT
            let res = try await page.post(
                "/members/\(f.memberA.id!.uuidString)/contacts",
                form: [
                    "pairingId": other.uuidString, "method": "phone", "date": AppClock.today.description,
                    "summary": "电话了解近况，工作稳定，生活正常，思想积极。",
                ])
            // validate
            #expect(res.status == .notFound)
            #expect(try await Contact.query(on: app.db).count() == 0)
            for body in [
                #"{"method":"phone","date":"\#(AppClock.today)","summary":"电话了解近况，工作稳定，生活正常。"}"#,
                #"{"pairingId":"nope","method":"phone","date":"\#(AppClock.today)","summary":"电话了解近况，工作稳定。"}"#,
            ] {
                let api = try await county.post("/api/v1/contacts", json: body)
                #expect(api.status == .unprocessableEntity && Mobile.fields(api)["pairingId"] != nil, "\(body)")
            }
            #expect(try await Contact.query(on: app.db).count() == 0)
        }
    }

    /// Item 17: publishing year 0 (an empty form) or a year before 2000 is refused; nothing is frozen.
    @Test(arguments: TestDatabase.all)
    func onlyYearsFrom2000ToLastYearArePublished(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await PointsTests.pilot(app, f.countyA, years: [AppClock.today.year - 1])
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)
            _ = try await page.get("/points?county=\(f.countyA.code)")
            for year in ["0", "1999", "-5"] {
                _ = try await page.post("/points/publish", form: ["county": f.countyA.code, "year": year])
            }
            _ = try await page.post("/points/publish", form: ["county": f.countyA.code])
            #expect(try await PointPublication.query(on: app.db).count() == 0)
            await #expect(throws: AppError.self) {
                try await PointRankingActions.publish(
                    county: f.countyA, year: 0, form: .bands, as: .system("t", today: AppClock.today, on: app.db))
            }
        }
    }
}

extension HardeningRound2Tests {
    /// Item 2: the pairing import answered row by row whether a number was on the roster and what the roster called
    /// the person; an account that may not reveal numbers now gets one reason for every row that does not pair.
    @Test(arguments: TestDatabase.all)
    func thePairingImportIsNoOracleForTheInflowSide(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup: A reports to 望京; B does not (another county).
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let notOnRoster = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1985, month: 3, day: 14)!, sequence: 12, sex: .male)
            let csv = """
                姓名,公民身份号码,结对方,结对人,职务,联系电话,结对人所在党组织代码
                王某,\(Fixture.idA),流入地,宋书记,党组织书记,13800003333,\(f.external.code)
                王某,\(notOnRoster),流入地,宋书记,党组织书记,13800003333,\(f.external.code)
                王某,\(Fixture.idB),流入地,宋书记,党组织书记,13800003333,\(f.external.code)

                """
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            _ = try await inflow.get("/pairings")
            // MUT
            let res = try await inflow.upload(
                "/pairings/import", form: ["org": f.external.code], file: ("file", "list.csv", Data(csv.utf8)))
            // validate: three rows, one reason, no roster name.
            let html = res.body.string
            #expect(res.status == .ok)
            #expect(html.components(separatedBy: PairingImport.notFound).count - 1 == 3, "\(html.suffix(2500))")
            #expect(!html.contains("张建国") && !html.contains("花名册为") && !html.contains("不在您管理范围内"))
            #expect(try await Pairing.query(on: app.db).count() == 0)
            // With the right name the member is paired.
            let right = csv.replacingOccurrences(of: "王某,\(Fixture.idA)", with: "张建国,\(Fixture.idA)")
            _ = try await inflow.upload(
                "/pairings/import", form: ["org": f.external.code], file: ("file", "list.csv", Data(right.utf8)))
            #expect(try await Pairing.query(on: app.db).filter(\.$memberID == f.memberA.id!).count() == 1)
        }
    }
}

extension HardeningRound2Tests {
    /// Item 16: county approvals counted the places used, then updated; parallel approvals passed the quota.
    @Test(arguments: TestDatabase.all)
    func parallelApprovalsStayWithinTheQuota(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup: a campaign with two places for 巴林左旗 and six nominations the committee approved.
            let f = try await Fixture.build(app)
            let campaign = AwardCampaign()
            campaign.orgID = f.countyA.id!
            campaign.name = "优秀流动党员"
            campaign.award = .excellentMobile
            campaign.year = AppClock.today.year
            campaign.nominateUntil = AppClock.today.adding(days: 10).description
            campaign.status = .open
            campaign.createdBy = "test"
            try await campaign.create(on: app.db)
            try await (app.db as! SQLDatabase).raw(
                "INSERT INTO award_quotas (campaign_id, county_id, quota) VALUES (\(bind: campaign.id!), \(bind: f.countyA.id!), 2)"
            ).run()
            var nominations: [AwardNomination] = []
            for i in 0..<6 {
                let m = try await NetworkTests.member(app, "候选\(i)", sequence: 400 + i, branch: f.branchA)
                let n = AwardNomination()
                n.campaignID = campaign.id!
                n.memberID = m.id!
                n.branchID = f.branchA.id!
                n.countyID = f.countyA.id!
                n.citation = "在流入地积极参加组织生活，带领工友学习，表现突出。"
                n.status = .committeeApproved
                n.nominatedBy = "secretary"
                n.committeeBy = "committee"
                try await n.create(on: app.db)
                nominations.append(n)
            }
            let county = try await Fixture.user(app, "county")
            // MUT: six approvals at once.
            await withTaskGroup(of: Void.self) { group in
                for n in nominations {
                    group.addTask {
                        try? await RecognitionActions.decide(
                            n, approve: true, reason: nil, gate: app.writeGate,
                            as: .staff(county, today: AppClock.today, on: app.db))
                    }
                }
            }
            // validate
            let approved = try await AwardNomination.query(on: app.db).filter(\.$status == .countyApproved).count()
            #expect(approved == 2)
        }
    }
}

extension HardeningRound2Tests {
    /// Item 14: a check-in code (6 of 31 characters, global) credited any member at any event; now only events the
    /// member may attend, and a code of any other answers like an unknown one.
    @Test(arguments: TestDatabase.all)
    func aCheckInCodeCountsOnlyForEventsTheMemberMayAttend(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup: A (巴林左旗) away, reporting nowhere; events of another county's branch, of 望京, of A's branch,
            // of a mobile organization A then joins.
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA)
            let other = try await OrgLifeTests.event(
                try await APIClient.signIn(app, "secretaryb", Fixture.password), org: f.branchB.code)
            let inflowEvent = try await OrgLifeTests.event(
                try await APIClient.signIn(app, "inflow", Fixture.password), org: f.external.code)
            let home = try await OrgLifeTests.event(
                try await APIClient.signIn(app, "secretary", Fixture.password), org: f.branchA.code)
            let member = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            func checkIn(_ code: String) async throws -> TestingHTTPResponse {
                try await member.post("/api/v1/my/org-life/check-in", json: #"{"code":"\#(code)"}"#)
            }
            // MUT + validate: another county's branch and an inflow organization A did not report to.
            let unknown = try await checkIn("AAAAAA")
            for e in [other, inflowEvent] {
                let res = try await checkIn(e.checkInCode)
                #expect(res.status == .unprocessableEntity && Mobile.fields(res) == Mobile.fields(unknown))
            }
            #expect(try await OrgLifeAttendance.query(on: app.db).count() == 0)
            // A's own branch; and 望京 once A has reported there.
            #expect(try await checkIn(home.checkInCode).status == .created)
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            flow.inflowOrgID = f.external.id
            flow.status = .arrived
            try await flow.update(on: app.db)
            #expect(try await checkIn(inflowEvent.checkInCode).status == .created)
            // A mobile organization's event, once A takes part in it.
            let mobile = try await Fixture.org(
                "150422M08", "巴林左旗驻北京流动党员党支部", .branch, .mobile, parent: f.countyA, division: "110105",
                on: app.db)
            let event = OrgLifeEvent()
            event.orgID = mobile.id!
            event.kind = .themeDay
            event.heldOn = AppClock.today.description
            event.startsAt = OrgLifeTime.text(AppClock.now)
            event.endsAt = OrgLifeTime.text(AppClock.now.addingTimeInterval(7200))
            event.place = "活动室"
            event.topic = "主题党日"
            event.checkInCode = "MMMMMM"
            event.createdBy = "test"
            try await event.create(on: app.db)
            #expect(try await checkIn("MMMMMM").status == .unprocessableEntity)
            try await MobileOrgMembership(
                orgID: mobile.id!, memberID: f.memberA.id!, joinedOn: AppClock.today.description, by: "test"
            ).create(on: app.db)
            #expect(try await checkIn("MMMMMM").status == .created)
        }
    }
}

extension HardeningRound2Tests {
    /// Item 8 (first part): SQLite zeroes what is deleted or overwritten on every pooled connection. SQLiteNIO's own
    /// SQLite is built with SQLITE_SECURE_DELETE, so this held before; configure now says so itself, and this test
    /// keeps it should the library's build ever change.
    @Test func everySQLiteConnectionDeletesSecurely() async throws {
        try await withTestApp(.sqlite) { app in
            struct Row: Decodable { var secure_delete: Int }
            for loop in app.eventLoopGroup.makeIterator() {
                let db = try #require(app.databases.database(.sqlite, logger: app.logger, on: loop) as? SQLDatabase)
                let row = try await db.raw("PRAGMA secure_delete").first(decoding: Row.self)
                #expect(row?.secure_delete == 1)
            }
        }
    }

    /// Issue 25 item 9: a body beyond the form limit is read only for a signed-in account holding the route's
    /// permission, decided before the first byte, and only `LIUDONG_UPLOADS_IN_FLIGHT` at once. Through a real
    /// server (the in-memory tester hands the body over whole, so nothing would stream).
    @Test(arguments: TestDatabase.all)
    func largeBodiesAreReadOnlyForPermittedAccountsWithinTheNodesSlots(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let live = try app.testing(method: .running(port: 0))
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 3 << 20)
            func post(_ path: String, cookie: String?, token: String? = nil) async throws -> HTTPStatus {
                var h: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=x"]
                if let cookie { h.replaceOrAdd(name: .cookie, value: cookie) }
                if let token { h.replaceOrAdd(name: "X-CSRF-Token", value: token) }
                return try await live.sendRequest(.POST, path, headers: h, body: big).status
            }
            // A stranger (with the sign-in page's cookie, or none) is refused before a byte is read.
            var stranger = Browser(app)
            _ = try await stranger.get("/login")
            #expect(try await post("/imports", cookie: stranger.cookieHeader) == .unauthorized)
            #expect(try await post("/my/diary", cookie: nil) == .unauthorized)
            // A signed-in account without the route's permission too (the organization department's import).
            var member = Browser(app)
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            _ = try await member.get("/my/login")
            _ = try await member.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            #expect(try await post("/imports", cookie: member.cookieHeader, token: member.csrf) == .unauthorized)
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            _ = try await secretary.get("/")
            #expect(try await post("/imports", cookie: secretary.cookieHeader, token: secretary.csrf) == .forbidden)
            // The county may upload — unless the node's slots are taken (429), and again once one is free.
            app.settings.uploadsInFlight = 1
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            _ = try await county.get("/imports")
            #expect(app.uploadSlots.acquire(limit: 1))
            #expect(try await post("/imports", cookie: county.cookieHeader, token: county.csrf) == .tooManyRequests)
            app.uploadSlots.release()
            let admitted = try await post("/imports", cookie: county.cookieHeader, token: county.csrf)
            #expect(admitted != .tooManyRequests && admitted != .unauthorized && admitted != .forbidden, "\(admitted)")
            #expect(app.uploadSlots.count == 0)
        }
    }

    /// Issue 25 item 19: below the county, registering a number that is on the roster elsewhere answers only
    /// "已提交组织部门核对" — the same wherever it is — and the county's worklist gets it to settle.
    @Test(arguments: TestDatabase.all)
    func belowTheCountyATakenNumberIsSubmittedForCheckAndTheCountySettlesIt(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            // Another branch of the same county, and another county: one answer, which names neither.
            var bodies: [String] = []
            for (id, sex) in [(Fixture.idA2, "female"), (Fixture.idB, "male")] {
                let json = MemberTests.json(id: id, name: "重复", sex: sex, org: f.branchA.code)
                    .replacingOccurrences(of: "2008-05-04", with: "2012-05-04")
                    .replacingOccurrences(of: "2009-05-04", with: "2013-05-04")
                let res = try await secretary.post("/api/v1/members", json: json)
                #expect(res.status == .accepted, "\(res.body.string)")
                bodies.append(res.body.string)
            }
            let decoded = try bodies.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
            #expect(decoded[0] == decoded[1], "\(bodies)")
            #expect(decoded[0] == ["status": "submitted", "message": RosterDuplicateAnswer.submittedMessage])
            #expect(!bodies[0].contains("花名册中") && !bodies[0].contains("西城村") && !bodies[0].contains("长青"))
            // The branch's own member: it sees them anyway, so it is told plainly.
            let own = try await secretary.post(
                "/api/v1/members", json: MemberTests.json(id: Fixture.idA, org: f.branchA.code))
            #expect(own.status == .unprocessableEntity && own.body.string.contains("已在花名册中"))
            // The page says the same as a message.
            var page = Browser(app)
            try await page.signIn("secretary", Fixture.password)
            _ = try await page.get("/members/new")
            var form = try JSONDecoder().decode(
                [String: String].self,
                from: Data(MemberTests.json(id: Fixture.idB, name: "重复", org: f.branchA.code).utf8))
            form["_csrf"] = page.csrf
            let posted = try await page.post("/members", form: form)
            #expect(posted.status == .seeOther)
            #expect(try await page.get("/members").body.string.contains("已提交组织部门核对"))
            // The county's worklist: two to settle (the same branch sending the same number again adds none).
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let work = try await county.get("/api/v1/worklist")
            #expect(work.body.string.contains(#""kind":"rosterDuplicates""#) && work.body.string.contains("登记重复待核对"))
            let items = try await county.get("/api/v1/member-duplicates")
            struct Item: Decodable {
                var id: String
                var existingMemberID: String?
                var existingPlace: String
                var idMasked: String
            }
            let list = try items.content.decode([Item].self)
            #expect(list.count == 2)
            #expect(list.contains { $0.existingMemberID != nil } && list.contains { $0.existingPlace.contains("已在") })
            #expect(
                list.allSatisfy { $0.idMasked.hasSuffix(String(Fixture.idA2.suffix(1))) || $0.idMasked.contains("*") })
            // The other county and a secretary cannot see them.
            #expect(
                try await APIClient.signIn(app, "countyb", Fixture.password).get("/api/v1/member-duplicates").body
                    .string == "[]")
            #expect(try await secretary.get("/api/v1/member-duplicates").status == .forbidden)
            // Settling takes a reason; the branch is told; twice is refused.
            let first = try #require(list.first)
            #expect(
                try await county.post("/api/v1/member-duplicates/\(first.id)", json: #"{"resolution":"好"}"#).status
                    == .unprocessableEntity)
            #expect(
                try await county.post(
                    "/api/v1/member-duplicates/\(first.id)", json: #"{"resolution":"同一人已在册，无需重复登记"}"#
                ).status == .noContent)
            #expect(
                try await county.post(
                    "/api/v1/member-duplicates/\(first.id)", json: #"{"resolution":"同一人已在册，无需重复登记"}"#
                ).status == .conflict)
            #expect(try await Notice.query(on: app.db).filter(\.$title == "组织部门已核对重复的登记：同一人已在册，无需重复登记").count() == 1)
            #expect(try await county.get("/members/duplicates").status == .ok)
        }
    }

    /// Every database connection busy past the pool's wait is overload, not a fault: 503 "系统繁忙" with Retry-After
    /// (it was a 500 "系统出错了": a burst of 200 reports on a loaded two-core machine met it in the suite).
    @Test
    func aConnectionPoolTimeoutIsAnsweredAsBusy() async throws {
        try await withTestApp(.sqlite) { app in
            app.get("api", "v1", "pool-timeout-probe") { _ -> String in
                throw ConnectionPoolTimeoutError.connectionRequestTimeout
            }
            let res = try await app.testing().sendRequest(.GET, "/api/v1/pool-timeout-probe")
            #expect(res.status == .serviceUnavailable && res.headers.first(name: .retryAfter) == "5")
            #expect(res.body.string.contains(#""code":"busy""#) && res.body.string.contains("系统繁忙"))
        }
    }
}
