import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("组织关系转接: the steps in order, who takes each, validity, overdue, and what archiving does")
struct TransferTests {
    struct Out: Decodable {
        var id: UUID
        var state: String
        var validUntil: String?
    }
    struct Items: Decodable {
        struct Item: Decodable {
            var id: UUID
            var name: String
            var state: String
            var overdue: Bool
        }
        var items: [Item]
    }

    @Test(arguments: TestDatabase.all)
    func betweenTwoOfOurBranchesTheMemberMovesOnTheReport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let committee = try await APIClient.signIn(app, "committee", Fixture.password)
            let outflowPairing = try await Mobile.pair(
                app, secretary, json: Mobile.pairingJSON(member: f.memberA, org: f.branchA.code))
            let created = try await secretary.post(
                "/api/v1/transfers",
                json:
                    #"{"memberId":"\#(f.memberA.id!.uuidString)","direction":"internal","toOrgCode":"\#(f.branchA2.code)","reason":"到西城村居住","channel":"online"}"#
            )
            #expect(created.status == .created, "\(created.body.string)")
            let t = try created.content.decode(Out.self)
            #expect(t.state == "applied" && t.validUntil == nil)
            let path = "/api/v1/transfers/\(t.id.uuidString)"
            // Out of order, or by the wrong side: 409.
            #expect(try await secretary.post(path + "/issue", json: "{}").status == .conflict)
            #expect(try await secretary.post(path + "/approve", json: "{}").status == .ok)
            // A branch issues no letter.
            #expect(try await secretary.post(path + "/issue", json: "{}").status == .conflict)
            // 市内: 10 days; the receiving side reports.
            let issued = try await committee.post(path + "/issue", json: "{}")
            #expect(try issued.content.decode(Out.self).validUntil == AppClock.today.adding(days: 9).description)
            #expect(try await secretary.post(path + "/report", json: "{}").status == .conflict)
            #expect(try await committee.post(path + "/report", json: "{}").status == .ok)
            let moved = try #require(try await Member.find(f.memberA.id, on: app.db))
            #expect(moved.organizationID == f.branchA2.id && moved.rosterState == nil)
            #expect(try await Pairing.find(outflowPairing, on: app.db)?.endedOn == AppClock.today.description)
            #expect(try await committee.post(path + "/cancel", json: #"{"reason":"误操作"}"#).status == .conflict)
            #expect(try await committee.post(path + "/receipt", json: "{}").status == .ok)
            let archived = try await committee.post(path + "/archive", json: "{}")
            #expect(try archived.content.decode(Out.self).state == "archived")
            // Every step is on the member's timeline; the member is still on the roster, in the new branch.
            let steps = try await MemberEvent.query(on: app.db).filter(\.$memberID == f.memberA.id!)
                .filter(\.$kind == MemberEventKind.transfer.rawValue).count()
            #expect(steps == 6)
            #expect(try await ExitStore.exits(of: f.memberA.id!, on: app.db).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func outOfOurTreeTheMemberLeavesTheRosterWhenArchived(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            let inflowPairing = try await Mobile.pair(
                app, inflow, json: Mobile.pairingJSON(member: f.memberA, side: "inflow", org: f.external.code))
            // Naming one of our organizations as "outside" is refused; an unknown division too.
            let ours = try await county.post(
                "/api/v1/transfers",
                json:
                    #"{"memberId":"\#(f.memberA.id!.uuidString)","direction":"out","toOrgCode":"\#(f.branchB.code)","toOrgName":"x","toDivision":"110105","reason":"定居北京"}"#
            )
            #expect(ours.status == .unprocessableEntity)
            let created = try await county.post(
                "/api/v1/transfers",
                json:
                    #"{"memberId":"\#(f.memberA.id!.uuidString)","direction":"out","toOrgName":"望京街道某社区党委","toDivision":"110105","reason":"在北京定居","channel":"paper"}"#
            )
            #expect(created.status == .created, "\(created.body.string)")
            let id = try created.content.decode(Out.self).id
            let path = "/api/v1/transfers/\(id.uuidString)"
            // One at a time.
            #expect(
                try await county.post(
                    "/api/v1/transfers",
                    json:
                        #"{"memberId":"\#(f.memberA.id!.uuidString)","direction":"out","toOrgName":"另一党委","toDivision":"110105","reason":"重复申请"}"#
                ).status == .conflict)
            _ = try await county.post(path + "/approve", json: "{}")
            // A validity beyond three months is refused; 跨省 defaults to 30 days.
            #expect(try await county.post(path + "/issue", json: #"{"validDays":91}"#).status == .unprocessableEntity)
            let issued = try await county.post(path + "/issue", json: #"{"duesPaidTo":"2026-11"}"#)
            #expect(try issued.content.decode(Out.self).validUntil == AppClock.today.adding(days: 29).description)
            let t = try #require(try await Transfer.find(id, on: app.db))
            #expect(t.kind == .crossProvince && t.letterNo?.hasPrefix("转字〔") == true)
            // The printable letter has its three parts.
            var browser = Browser(app)
            try await browser.signIn("county", Fixture.password)
            let letter = try await browser.get("/transfers/\(id.uuidString)/letter").body.string
            #expect(letter.contains("（存根）") && letter.contains("回　执") && letter.contains("党费已交到2026年11月"))

            // Past its validity without 已报到: overdue from the day after, on the worklist and the list.
            t.validUntil = AppClock.today.adding(days: -1).description
            try await t.update(on: app.db)
            let countyUser = try await Fixture.user(app, "county")
            var work = try await Worklist.compute(for: countyUser, on: app.db, settings: app.settings)
            #expect(work.first { $0.kind == "transferLetterOverdue" }?.total == 1)
            let listed = try await county.get("/api/v1/transfers?overdue=true").content.decode(Items.self).items
            #expect(listed.map(\.id) == [id] && listed[0].overdue)
            // Re-issuing needs the branch's certificate and the member's application.
            #expect(try await county.post(path + "/reissue", json: "{}").status == .unprocessableEntity)
            #expect(
                try await county.post(
                    path + "/reissue", json: #"{"branchCertificate":"本人住院未能按期报到","application":"本人申请重新开具"}"#
                ).status == .ok)
            work = try await Worklist.compute(for: countyUser, on: app.db, settings: app.settings)
            #expect(work.first { $0.kind == "transferLetterOverdue" } == nil)

            // 已报到 (recorded by us with the receiver's confirmation); the receipt 30 days late is overdue.
            #expect(try await county.post(path + "/report", json: #"{"note":"对方电话确认已报到"}"#).status == .ok)
            let reported = try #require(try await Transfer.find(id, on: app.db))
            reported.reportedOn = AppClock.today.adding(days: -31).description
            try await reported.update(on: app.db)
            work = try await Worklist.compute(for: countyUser, on: app.db, settings: app.settings)
            #expect(work.first { $0.kind == "transferReceiptOverdue" }?.total == 1)
            #expect(try await county.post(path + "/receipt", json: "{}").status == .ok)
            // Still on the roster until archived.
            #expect(try await Member.find(f.memberA.id, on: app.db)?.rosterState == nil)
            #expect(try await county.post(path + "/archive", json: "{}").status == .ok)

            // Archived: off the roster as 转出, the flow closed as transferred, pairings ended, off the lists.
            let gone = try #require(try await Member.find(f.memberA.id, on: app.db))
            #expect(gone.rosterState == RosterState.exited.rawValue && gone.exitedOn == AppClock.today.description)
            let exits = try await ExitStore.exits(of: f.memberA.id!, on: app.db)
            #expect(exits.map(\.kind) == [.transferOut] && exits[0].transferID == id)
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(flow.status == .transferred)
            #expect(try await Pairing.find(inflowPairing, on: app.db)?.endReason?.contains("转出") == true)
            struct Page: Decodable {
                struct M: Decodable { var name: String }
                var items: [M]
            }
            #expect(
                !(try await county.get("/api/v1/members").content.decode(Page.self).items.map(\.name).contains("张建国")))
            #expect(!(try await inflow.get("/ledger/\(f.external.code)/inflow").body.string.contains("张建国")))
            // The member's page and panel remain, with every step.
            let panel = try await browser.get("/members/\(f.memberA.id!.uuidString)/roster").body.string
            #expect(panel.contains("已减少") && panel.contains("归档") && panel.contains("转出"))
            #expect(try await browser.get("/members/reduced").body.string.contains("张建国"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theMemberAppliesOnThePhone(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let member = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            #expect(try await member.get("/my").body.string.contains("申请转接"))
            #expect(try await member.get("/my/transfer").body.string.contains("西城村党支部"))
            // Nowhere named: refused with the reason, nothing applied.
            let bad = try await member.post("/my/transfer", json: #"{"direction":"internal","reason":"常住西城村"}"#)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("请选择接收的党支部"))
            let ok = try await member.post(
                "/my/transfer", json: #"{"direction":"internal","toOrgCode":"\#(f.branchA2.code)","reason":"常住西城村"}"#)
            #expect(ok.status == .seeOther)
            let t = try #require(try await Transfer.query(on: app.db).first())
            #expect(t.state == .applied && t.createdBy == "党员本人·张建国" && t.toOrgID == f.branchA2.id)
            #expect(try await member.get("/my").body.string.contains("本系统内转接至"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func sixMonthsAtOnePlaceSuggestsATransferUnlessKeptAtHome(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)  // arrived 195 days ago
            let abroad = try await Mobile.open(app, f.memberB)
            abroad.reason = OutflowReason.abroad.rawValue
            try await abroad.update(on: app.db)
            let secretary = try await Fixture.user(app, "secretary")
            func suggested(_ user: CurrentUser, today: CalendarDate = AppClock.today) async throws -> Int? {
                try await Worklist.compute(for: user, on: app.db, settings: app.settings, today: today)
                    .first { $0.kind == "transferSuggested" }?.total
            }
            #expect(try await suggested(secretary) == 1)
            #expect(try await suggested(try await Fixture.user(app, "countyb")) == nil)  // abroad: never
            let member = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            #expect(try await member.get("/my").body.string.contains("建议转移组织关系"))
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            #expect(try await browser.get("/transfers/suggested").body.string.contains("张建国"))
            let id = f.memberA.id!.uuidString
            #expect(try await browser.get("/members/\(id)/roster").body.string.contains("记录保留在原籍"))
            // The branch keeps him at home: off the worklist and his /my for a year, then back to be rechecked.
            _ = try await browser.post("/members/\(id)/hold", form: ["reason": "家中有承包土地，本人愿保留在原籍"])
            #expect(try await suggested(secretary) == nil)
            #expect(!(try await member.get("/my").body.string.contains("建议转移组织关系")))
            #expect(try await suggested(secretary, today: AppClock.today.adding(days: 367)) == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func intoOurTreeTheMemberJoinsTheRosterOnTheReport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let newcomer = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Page: Decodable {
                struct M: Decodable { var name: String }
                var items: [M]
            }
            func listed() async throws -> Bool {
                try await county.get("/api/v1/members").content.decode(Page.self).items.map(\.name).contains("李秀英")
            }
            let created = try await county.post(
                "/api/v1/transfers",
                json:
                    #"{"memberId":"\#(newcomer.id!.uuidString)","direction":"in","toOrgName":"北京市朝阳区某社区党委","toDivision":"110105","reason":"回乡创业","letterNo":"京组转〔2026〕12号"}"#
            )
            #expect(created.status == .created, "\(created.body.string)")
            let t = try created.content.decode(Out.self)
            #expect(t.state == "issued" && t.validUntil == AppClock.today.adding(days: 29).description)
            #expect(try await Transfer.find(t.id, on: app.db)?.letterNo == "京组转〔2026〕12号")
            #expect(!(try await listed()))  // 转入中: not on the roster yet
            #expect(try await county.post("/api/v1/transfers/\(t.id.uuidString)/report", json: "{}").status == .ok)
            #expect(try await listed())
            #expect(try await county.post("/api/v1/transfers/\(t.id.uuidString)/receipt", json: "{}").status == .ok)
            #expect(try await county.post("/api/v1/transfers/\(t.id.uuidString)/archive", json: "{}").status == .ok)
            #expect(try await Member.find(newcomer.id, on: app.db)?.rosterState == nil)
        }
    }
}
