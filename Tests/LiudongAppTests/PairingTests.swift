import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Pairing (结对): who may pair whom, the cap, the automatic end, import, the ledger column")
struct PairingTests {
    @Test(arguments: TestDatabase.all)
    func eachRuleIsA422OnItsField(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            // No open flow yet.
            var res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            #expect(res.status == .unprocessableEntity && Mobile.fields(res)["memberId"] != nil)
            try await Mobile.open(app, f.memberA)
            // An organization outside the secretary's scope; an inflow side with no arrival; a bad phone; no side.
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, org: f.branchB.code))
            #expect(Mobile.fields(res)["cadre.orgCode"] == "该党组织不在您的管理范围内")
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, side: "inflow", org: f.branchA.code))
            #expect(Mobile.fields(res)["side"] != nil)
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, phone: "12345", org: f.branchA.code))
            #expect(Mobile.fields(res)["cadre.phone"] != nil)
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, side: "both", org: f.branchA.code))
            #expect(Mobile.fields(res)["side"] != nil)
            // A member of another county is not there for this secretary.
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberB, org: f.branchA.code))
            #expect(Mobile.fields(res)["memberId"] != nil)
            // The cadre's account must belong to the cadre's organization.
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code, account: "county"))
            #expect(Mobile.fields(res)["cadre.account"] != nil)
            let id = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code, account: "secretary"))
            // One outflow pairing at a time.
            res = try await secretary.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            #expect(Mobile.fields(res)["side"]?.contains("请先解除") == true)
            // Listed, with the cadre's phone masked; the other county sees none of it.
            let list = try await secretary.get("/api/v1/pairings?org=\(f.branchA.code)")
            #expect(list.body.string.contains("刘书记") && list.body.string.contains("138****1111"))
            #expect(!list.body.string.contains("13800001111"))
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(try await other.get("/api/v1/pairings?org=\(f.branchA.code)").status == .notFound)
            #expect(try await other.delete("/api/v1/pairings/\(id)", json: #"{"reason":"x"}"#).status == .notFound)
            // Stored encrypted: no clear phone in the row.
            let row = try #require(try await Pairing.find(id, on: app.db))
            #expect(!row.cadrePhoneEnc.contains("13800001111") && row.cadrePhoneHash != "13800001111")
            // Ending needs a reason; then it is ended once.
            #expect(try await secretary.delete("/api/v1/pairings/\(id)", json: "{}").status == .unprocessableEntity)
            #expect(
                try await secretary.delete("/api/v1/pairings/\(id)", json: #"{"reason":"调整结对人"}"#).status == .noContent)
            #expect(try await secretary.delete("/api/v1/pairings/\(id)", json: #"{"reason":"再来"}"#).status == .conflict)
            #expect(try await Pairing.find(id, on: app.db)?.endReason == "调整结对人")
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCadreAtTheCapIsRefusedAndOneToManyFollowsFromTheCount(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            app.settings.pairingCap = 2
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let a2 = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            let extra = try await MemberService.create(
                MemberForm(
                    name: "赵小军", sex: "male", ethnicity: "汉族", birthDate: "1991-03-04",
                    idNumber: IDNumber.make(
                        division: "150422", birth: CalendarDate("1991-03-04")!, sequence: 31, sex: .male),
                    education: "college", category: "full", joinedOn: "2015-07-01", fullOn: "2016-07-01",
                    orgCode: f.branchA.code, phone: "13904760001", household: nil, residence: nil, employer: nil,
                    isMigrantWorker: "0"),
                by: try await Fixture.user(app, "admin"), cipher: app.cipher, on: app.db)
            for m in [f.memberA, a2, extra] { try await Mobile.open(app, m) }
            // The committee's cadre pairs with members of two branches below it: 1:N.
            for m in [f.memberA, a2] {
                _ = try await Mobile.pair(
                    app, county, json: Mobile.pairingJSON(member: m, name: "林书记", post: "党委书记", org: f.committeeA.code))
            }
            let over = try await county.post(
                "/api/v1/pairings",
                json: Mobile.pairingJSON(member: extra, name: "林书记", post: "党委书记", org: f.committeeA.code))
            #expect(over.status == .unprocessableEntity)
            #expect(Mobile.fields(over)["cadre.phone"]?.contains("上限") == true)
            // A cadre of a branch that is not the member's own (nor above it) is refused on the outflow side.
            let sideways = try await county.post(
                "/api/v1/pairings", json: Mobile.pairingJSON(member: extra, phone: "13800002222", org: f.branchA2.code))
            #expect(Mobile.fields(sideways)["cadre.orgCode"] != nil)
            // The page shows the cadre with the load and "已满".
            var browser = Browser(app)
            try await browser.signIn("committee", Fixture.password)
            let page = try await browser.get("/pairings")
            #expect(page.body.string.contains("林书记") && page.body.string.contains("已满"))
            #expect(page.body.string.contains("赵小军"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPairingEndsWhenTheFlowClosesOrTheMemberMovesBranch(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let outflow = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let inflowClient = try await APIClient.signIn(app, "inflow", Fixture.password)
            let inflow = try await Mobile.pair(
                app, inflowClient,
                json: Mobile.pairingJSON(
                    member: f.memberA, side: "inflow", name: "王委员", phone: "13911112222", org: f.external.code))
            // Moving to the other branch ends the home side's pairing, not the inflow side's.
            let admin = try await Fixture.user(app, "admin")
            let member = try #require(try await Member.find(f.memberA.id, on: app.db))
            let form = MemberForm(
                name: member.name, sex: member.sex.rawValue, ethnicity: member.ethnicity, birthDate: member.birthDate,
                idNumber: Fixture.idA, education: member.education.rawValue, category: member.category.rawValue,
                joinedOn: member.joinedOn, fullOn: member.fullOn, orgCode: f.branchA2.code, phone: "13904761234",
                household: member.household, residence: member.residence, employer: member.employer,
                isMigrantWorker: "1")
            _ = try await MemberService.update(member, with: form, by: admin, cipher: app.cipher, on: app.db)
            #expect(try await Pairing.find(outflow, on: app.db)?.endReason?.contains("转至") == true)
            #expect(try await Pairing.find(inflow, on: app.db)?.endedOn == nil)
            // A confirmed return closes the flow and ends what is left.
            _ = try await SelfReportTests.post(
                app,
                #"{"kind":"return","orgCode":"\#(f.branchA2.code)","name":"张建国","idNumber":"\#(Fixture.idA)","phone":"13904761234"}"#
            )
            let report = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .return).first())
            try await ReviewActions.confirm(
                report, by: try await Fixture.user(app, "committee"), gate: app.writeGate, cipher: app.cipher,
                on: app.db)
            let ended = try #require(try await Pairing.find(inflow, on: app.db))
            #expect(ended.endedOn != nil && ended.endReason?.contains("流动结束") == true)
            // The daily sweep finds nothing left to end.
            #expect(try await PairingActions.endStale(on: app.db, today: AppClock.today) == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theSweepEndsPairingsWhoseFlowClosedElsewhere(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let flow = try await Mobile.open(app, f.memberA)
            let id = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            flow.status = .transferred
            try await flow.update(on: app.db)
            #expect(try await PairingActions.endStale(on: app.db, today: AppClock.today) == 1)
            #expect(try await Pairing.find(id, on: app.db)?.endReason == "流动已结束")
        }
    }

    @Test(arguments: TestDatabase.all)
    func importReadsATolerantListAndNamesEachRowsReason(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA)
            let csv = """
                东城村党支部结对名单
                姓名,公民身份号码,结对方,结对人,职务,联系电话,结对人所在党组织代码
                张建国,\(Fixture.idA),流出地,周书记,支部书记,13800003333,\(f.branchA.code)
                王海涛,\(Fixture.idB),流出地,周书记,支部书记,13800003333,\(f.branchA.code)
                张建国,\(Fixture.idA),两地,周书记,支部书记,13800003333,\(f.branchA.code)

                """
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            _ = try await browser.get("/pairings")
            let parsedBefore = OffLoop.count("pairing-import")
            let res = try await browser.upload(
                "/pairings/import", form: ["org": f.branchA.code],
                file: ("file", "结对名单.csv", Data(csv.utf8)))
            #expect(res.status == .ok)
            // The file was parsed on the blocking thread pool, not on the request's task (issue 25 item 12).
            #expect(OffLoop.count("pairing-import") > parsedBefore)
            let html = res.body.string
            #expect(html.contains("已结对 <strong>1</strong> 人，未导入 <strong>2</strong> 行"))
            #expect(html.contains("身份证号不在您管理范围内的花名册中"))
            #expect(html.contains("结对方应为"))
            #expect(try await Pairing.query(on: app.db).count() == 1)
            // A file without the header says so.
            let junk = try await browser.upload(
                "/pairings/import", form: ["org": f.branchA.code], file: ("file", "x.csv", Data("a,b\n1,2\n".utf8)))
            #expect(junk.body.string.contains("没有找到表头"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theLedgersPairContactColumnShowsTheOutflowCadre(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            try await Mobile.open(app, f.memberA)
            _ = try await Mobile.pair(app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            let ledger = try await browser.get("/ledger/\(f.branchA.code)")
            #expect(ledger.body.string.contains("刘书记（支部书记）"))
            // The archive shows the pairing.
            let archive = try await browser.get("/members/\(f.memberA.id!.uuidString)/archive")
            #expect(archive.body.string.contains("刘书记（支部书记）结对"))
        }
    }
}
