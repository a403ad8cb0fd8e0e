import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Contacts (联络): validation, the member's confirmation, quarter compliance, the half-year report")
struct ContactTests {
    @Test(arguments: TestDatabase.all)
    func aContactIsRejectedWithItsReasons(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let left = AppClock.today.adding(days: -30)
            try await Mobile.open(app, f.memberA, leftOn: left)
            let pairing = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let today = AppClock.today
            let cases: [(String, String)] = [
                (Mobile.contactJSON(pairing: pairing, date: today.adding(days: 1)), "date"),
                (Mobile.contactJSON(pairing: pairing, date: left.adding(days: -1)), "date"),
                (Mobile.contactJSON(pairing: pairing, method: "letter"), "method"),
                (Mobile.contactJSON(pairing: pairing, summary: "   "), "summary"),
                (Mobile.contactJSON(pairing: pairing, summary: "打了电话"), "summary"),
            ]
            for (json, field) in cases {
                let res = try await secretary.post("/api/v1/contacts", json: json)
                #expect(res.status == .unprocessableEntity, "\(json)")
                #expect(Mobile.fields(res)[field] != nil, "\(json) → \(res.body.string)")
            }
            let id = try await Mobile.contact(
                app, secretary, json: Mobile.contactJSON(pairing: pairing, needs: "子女入学证明"))
            let stored = try #require(try await Contact.find(id, on: app.db))
            #expect(stored.method == .phone && stored.needs == "子女入学证明" && stored.answer == nil)
            // The flow heard from the member today.
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(flow.lastContactOn == today.description)
            // Another county's secretary cannot record on this pairing.
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(
                try await other.post("/api/v1/contacts", json: Mobile.contactJSON(pairing: pairing)).status == .notFound
            )
            // The phone-first page records the same way.
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            let page = try await browser.get("/members/\(f.memberA.id!.uuidString)/pairings")
            #expect(page.body.string.contains("记录联系") && page.body.string.contains("电话随访"))
            let bad = try await browser.post(
                "/members/\(f.memberA.id!.uuidString)/contacts",
                form: ["pairingId": pairing.uuidString, "method": "video", "date": today.description, "summary": "短"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("至少10个字"))
            let ok = try await browser.post(
                "/members/\(f.memberA.id!.uuidString)/contacts",
                form: [
                    "pairingId": pairing.uuidString, "method": "video", "date": today.description,
                    "summary": "视频交流：在京务工稳定，按时参加组织生活。",
                ])
            #expect(ok.status == .seeOther)
            #expect(try await Contact.query(on: app.db).count() == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theMemberConfirmsOrDeniesTheirOwnContactOnce(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            try await Mobile.open(app, f.memberA)
            try await Mobile.open(app, f.memberB)
            let pairing = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let first = try await Mobile.contact(app, secretary, json: Mobile.contactJSON(pairing: pairing))
            let second = try await Mobile.contact(
                app, secretary,
                json: Mobile.contactJSON(pairing: pairing, method: "visit", date: AppClock.today.adding(days: -2)))
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            _ = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            let me = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            // The pair contact with the whole phone, to call.
            let my = try await me.get("/api/v1/my").content.decode(MyResponse.self)
            #expect(my.contacts.count == 1 && my.contacts[0].phone == "13800001111" && my.contacts[0].side == "outflow")
            #expect(try await me.get("/api/v1/my/contacts").body.string.contains(first.uuidString))
            let yes = try await me.post("/api/v1/my/contacts/\(first)/answer", json: #"{"answer":"confirmed"}"#)
            #expect(yes.status == .ok && yes.body.string.contains("\"answer\":\"confirmed\""))
            #expect(
                try await me.post("/api/v1/my/contacts/\(first)/answer", json: #"{"answer":"denied"}"#).status
                    == .conflict)
            #expect(
                try await me.post("/api/v1/my/contacts/\(second)/answer", json: #"{"answer":"maybe"}"#).status
                    == .unprocessableEntity)
            // Another member's contact does not exist for this member.
            let bPairing = try await Mobile.pair(
                app, try await APIClient.signIn(app, "secretaryb", Fixture.password),
                json: Mobile.pairingJSON(member: f.memberB, phone: "13800004444", org: f.branchB.code))
            let bContact = try await Mobile.contact(
                app, try await APIClient.signIn(app, "secretaryb", Fixture.password),
                json: Mobile.contactJSON(pairing: bPairing))
            #expect(
                try await me.post("/api/v1/my/contacts/\(bContact)/answer", json: #"{"answer":"confirmed"}"#).status
                    == .notFound)
            // On the phone page: "没有联系过" for the visit.
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            let page = try await phone.get("/my")
            #expect(page.body.string.contains("tel:13800001111"))
            #expect(page.body.string.contains("/my/contacts/\(second.uuidString)/deny"))
            #expect(try await phone.post("/my/contacts/\(second.uuidString)/deny", form: [:]).status == .seeOther)
            #expect(try await Contact.find(second, on: app.db)?.answer == .denied)
            #expect(try await Contact.find(first, on: app.db)?.answer == .confirmed)
        }
    }

    @Test(arguments: TestDatabase.all)
    func quarterComplianceCountsContactedAndConfirmedApart(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let a2 = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            let quarter = Quarter(containing: AppClock.today)
            let start = quarter.firstDay.adding(days: -100)
            try await Mobile.open(app, f.memberA, leftOn: start)
            try await Mobile.open(app, a2, leftOn: start)
            try await Mobile.open(app, f.memberB, leftOn: start)
            let pA = try await Mobile.pair(
                app, county, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let pA2 = try await Mobile.pair(
                app, county, json: Mobile.pairingJSON(member: a2, phone: "13800005555", org: f.branchA2.code))
            // A: contacted last quarter only; A2: never. Nobody contacted this quarter yet.
            let lastQuarterDay = quarter.firstDay.adding(days: -10)
            _ = try await Mobile.contact(app, county, json: Mobile.contactJSON(pairing: pA, date: lastQuarterDay))
            func compliance() async throws -> ComplianceResponse {
                try await county.get("/api/v1/contact-compliance?org=\(f.countyA.code)&quarter=\(quarter)").content
                    .decode(
                        ComplianceResponse.self)
            }
            var c = try await compliance()
            #expect(c.quarter == quarter.description && c.org == f.countyA.code)
            #expect(c.mobileMembers == 2 && c.contacted == 0 && c.confirmed == 0 && c.share == 0)
            let byName = Dictionary(uniqueKeysWithValues: c.notContacted.map { ($0.name, $0.lastContactOn) })
            #expect(byName["张建国"] == lastQuarterDay.description)
            #expect(byName["李秀英"] == .some(nil))
            // The worklist of the branch and the county shows them, overdue in the quarter's last month.
            let secretary = try await Fixture.user(app, "secretary")
            let items = Worklist.items(try await Worklist.compute(for: secretary, on: app.db, settings: app.settings))
            #expect(items.first { $0.kind == "contactsDue" }?.count == 1)
            // A's contact this quarter, confirmed by A; A2's contact, nobody confirms.
            let today = AppClock.today
            let cA = try await Mobile.contact(app, county, json: Mobile.contactJSON(pairing: pA, date: today))
            _ = try await Mobile.contact(
                app, county, json: Mobile.contactJSON(pairing: pA2, method: "video", date: today))
            c = try await compliance()
            #expect(c.mobileMembers == 2 && c.contacted == 2 && c.confirmed == 0 && c.share == 1)
            try await (app.db as! SQLDatabase).update("contacts").set("answer", to: "confirmed").where("id", .equal, cA)
                .run()
            c = try await compliance()
            #expect(c.contacted == 2 && c.confirmed == 1 && c.notContacted.isEmpty)
            // The branch's own figure, and the other county's isolation.
            let branch = try await county.get("/api/v1/contact-compliance?org=\(f.branchA2.code)&quarter=\(quarter)")
                .content.decode(ComplianceResponse.self)
            #expect(branch.mobileMembers == 1 && branch.contacted == 1 && branch.confirmed == 0)
            let other = try await APIClient.signIn(app, "countyb", Fixture.password)
            #expect(try await other.get("/api/v1/contact-compliance?org=\(f.countyA.code)").status == .notFound)
            let theirs = try await other.get("/api/v1/contact-compliance").content.decode(ComplianceResponse.self)
            #expect(theirs.mobileMembers == 1 && theirs.contacted == 0)
            #expect(try await county.get("/api/v1/contact-compliance?quarter=2026Q9").status == .unprocessableEntity)
            // The page says the same, by method.
            var browser = Browser(app)
            try await browser.signIn("county", Fixture.password)
            let page = try await browser.get("/contacts?quarter=\(quarter)")
            #expect(page.body.string.contains("<strong id=\"contacted\">2</strong>"))
            #expect(page.body.string.contains("<strong id=\"confirmed\">1</strong>"))
            #expect(page.body.string.contains("视频约访"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theHalfYearReportCountsWhatHappenedAndTheHearingIsRecordedOnce(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let a2 = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            let half = HalfYear(containing: AppClock.today).previous
            let q1 = half.quarters[0]
            let q2 = half.quarters[1]
            try await Mobile.open(app, f.memberA, leftOn: half.firstDay.adding(days: -30))
            try await Mobile.open(app, a2, leftOn: half.firstDay.adding(days: -30))
            let pA = try await Mobile.pair(
                app, county, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            // Pairings started "today"; the report counts a pairing open at some time in the half: move it back.
            try await (app.db as! SQLDatabase).update("pairings").set("started_on", to: half.firstDay.description).run()
            // A: phone in Q1 (confirmed), visit in Q2 with a need; A2: never contacted, never paired.
            let c1 = try await Mobile.contact(
                app, county, json: Mobile.contactJSON(pairing: pA, date: q1.firstDay.adding(days: 10)))
            _ = try await Mobile.contact(
                app, county,
                json: Mobile.contactJSON(pairing: pA, method: "visit", date: q2.firstDay.adding(days: 5), needs: "技能培训")
            )
            try await (app.db as! SQLDatabase).update("contacts").set("answer", to: "confirmed").where("id", .equal, c1)
                .run()
            let report = try await county.get("/api/v1/contact-report?org=\(f.committeeA.code)&half=\(half)")
                .content.decode(HalfYearReport.self)
            #expect(report.mobileMembers == 2 && report.paired == 1 && report.cadres == 1)
            #expect(report.contacts == 2 && report.byMethod == ["phone": 1, "video": 0, "visit": 1])
            #expect(report.confirmed == 1 && report.confirmationShare == 0.5)
            #expect(report.contactedBothQuarters == 1)
            #expect(report.notContacted.map(\.name) == ["李秀英"])
            #expect(report.needs.count == 1 && report.needs[0].needs == "技能培训" && report.needs[0].followedUpOn == nil)
            #expect(report.branches.count == 2)
            let rowA = try #require(report.branches.first { $0.code == f.branchA.code })
            #expect(rowA.contactedFirstQuarter == 1 && rowA.contactedSecondQuarter == 1 && rowA.visit == 1)
            #expect(report.hearing == nil)

            // The county sees the committee overdue (the half ended more than 30 days ago in this fixture's today).
            var browser = Browser(app)
            try await browser.signIn("committee", Fixture.password)
            let hearings = try await browser.get("/contacts/hearings?half=\(half)")
            #expect(hearings.body.string.contains(f.committeeA.shortName))
            let committee = try await Fixture.user(app, "committee")
            let work = try await Worklist.compute(
                for: committee, on: app.db, settings: app.settings, today: half.lastDay.adding(days: 45))
            #expect(work.first { $0.kind == "hearings" }?.overdueTotal == 1)
            // The committee records its hearing (a few days after the half ended, and never after today: on the first
            // day of a half the previous one ended yesterday); a second one for the same half is refused.
            let page = try await browser.get("/contacts/report?org=\(f.committeeA.code)&half=\(half)")
            #expect(page.body.string.contains("记录听取汇报"))
            let form = [
                "org": f.committeeA.code, "half": half.description,
                "heldOn": min(half.lastDay.adding(days: 3), AppClock.today).description,
                "chair": "林书记", "attendees": "党委班子、各支部书记", "conclusions": "联系总体到位，对未联系的党员逐一落实结对人。",
            ]
            #expect(try await browser.post("/contacts/hearings", form: form).status == .seeOther)
            let twice = try await browser.post("/contacts/hearings", form: form)
            #expect(try await ContactHearing.query(on: app.db).count() == 1)
            _ = twice
            let after = try await Worklist.compute(
                for: committee, on: app.db, settings: app.settings, today: half.lastDay.adding(days: 45))
            #expect(after.first { $0.kind == "hearings" } == nil)

            // The .xlsx opens and carries the figures; the CLI writes the same JSON.
            let xlsx = try await browser.get("/contacts/report?org=\(f.committeeA.code)&half=\(half)&format=xlsx")
            #expect(xlsx.status == .ok)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("r-\(UUID()).xlsx").path
            try Data(buffer: xlsx.body).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            var cells: [String] = []
            _ = try TableReader.rows(path: path) { _, row in cells += row.map(\.text) }
            // The first sheet is the summary: 2 mobile members, 2 contacts.
            #expect(cells.contains("流动党员（人）") && cells.contains("联系（次）") && cells.contains("2"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theBranchIsRemindedOnceInTheQuartersLastThirtyDays(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let quarter = Quarter(containing: AppClock.today)
            try await Mobile.open(app, f.memberA, leftOn: quarter.firstDay.adding(days: -40))
            let feature = ContactsFeature()
            // Early in the quarter: nothing yet.
            #expect(try await feature.sweep(app, today: quarter.firstDay.adding(days: 5)).isEmpty)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == NoticeKind.contact.rawValue).count() == 0)
            // Thirty days before the end: one notice to the branch, not two.
            let day = quarter.lastDay.adding(days: -30)
            #expect(try await feature.sweep(app, today: day) == ["向1个党支部发出季度联系提醒"])
            #expect(try await feature.sweep(app, today: day.adding(days: 1)).isEmpty)
            let notices = try await Notice.query(on: app.db).filter(\.$kind == NoticeKind.contact.rawValue).all()
            #expect(notices.count == 1 && notices[0].orgID == f.branchA.id && notices[0].title.contains("1人"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theCommandLineWritesTheReportAsJSONAndXLSX(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let half = HalfYear(containing: AppClock.today)
            try await Mobile.open(app, f.memberA, leftOn: half.firstDay.adding(days: -10))
            let p = try await Mobile.pair(app, county, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            _ = try await Mobile.contact(app, county, json: Mobile.contactJSON(pairing: p, method: "video"))
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var context = CommandContext(
                console: Terminal(),
                input: CommandInput(arguments: [
                    "liudong", "contacts", "--org", f.committeeA.code, "--half", half.description, "--json",
                    dir + "/r.json", "--xlsx", dir + "/r.xlsx",
                ]))
            context.application = app
            try await ReportCommand().run(using: &context)
            let report = try JSONDecoder().decode(
                HalfYearReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json")))
            #expect(report.org == f.committeeA.code && report.half == half.description)
            #expect(report.mobileMembers == 1 && report.contacts == 1 && report.byMethod["video"] == 1)
            var cells: [String] = []
            _ = try TableReader.rows(path: dir + "/r.xlsx") { _, row in cells += row.map(\.text) }
            #expect(cells.contains("视频约访（次）"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$objectType == "contact-report").count() == 1)
        }
    }
}
