import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Measure 4a through the review, the archive, the worklist and the inflow ledger")
struct NetworkLifecycleTests {
    @Test(arguments: TestDatabase.all)
    func aConfirmedOutflowIssuesTheCertificateAndAReturnRevokesIt(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await LedgerTests.flows(app, f)
            let cert = try #require(
                try await Certificate.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(cert.number.hasPrefix("150422-") && cert.status(on: AppClock.today) == .valid)
            #expect(try await Certificate.query(on: app.db).count() == 3)
            // The archive shows it.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let archive = try await secretary.get("/members/\(f.memberA.id!.uuidString)/archive")
            #expect(archive.body.string.contains("签发流动党员活动证\(cert.number)"))
            // A confirmed return revokes it.
            _ = try await SelfReportTests.post(
                app,
                #"{"kind":"return","orgCode":"\#(f.branchA.code)","name":"张建国","idNumber":"\#(Fixture.idA)","phone":"13904760000"}"#
            )
            let report = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .return).first())
            try await ReviewActions.confirm(
                report, by: try await Fixture.user(app, "secretary"), gate: app.writeGate, cipher: app.cipher,
                on: app.db)
            let revoked = try #require(try await Certificate.find(cert.id, on: app.db))
            #expect(revoked.status(on: AppClock.today) == .revoked && revoked.revokedReason?.contains("流动结束") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func worklistArchiveAndInflowLedgerShowTheAgreement(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // Ten members of 巴林左旗 report to 望京 with no agreement: a worklist item for the county.
            var members = [f.memberA]
            for i in 1...9 {
                members.append(try await NetworkTests.member(app, "报到\(i)", sequence: 300 + i, branch: f.branchA))
            }
            for m in members { try await Mobile.open(app, m, inflow: f.external) }
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Items: Decodable {
                struct Item: Decodable {
                    var kind: String
                    var count: Int
                }
                var items: [Item]
            }
            func count(_ client: APIClient, _ kind: String) async throws -> Int {
                try await client.get("/api/v1/worklist").content.decode(Items.self).items.first { $0.kind == kind }?
                    .count ?? 0
            }
            #expect(try await count(county, "inflowWithoutAgreement") == 1)
            // An agreement ending in 20 days: expiring on the worklist; the inflow side must confirm it, and until it
            // does (or the signed scan is uploaded) the members are not counted as covered.
            let to = AppClock.today.adding(days: 20).description
            let signed = try await county.post(
                "/api/v1/agreements", json: NetworkTests.agreementJSON(from: "2025-01-01", to: to))
            #expect(signed.status == .created)
            #expect(try await count(county, "inflowWithoutAgreement") == 1)
            #expect(try await count(county, "agreementsExpiring") == 1)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await count(inflow, "agreementsToConfirm") == 1)
            struct Signed: Decodable { var id: UUID }
            try await NetworkTests.confirm(app, try signed.content.decode(Signed.self).id)
            #expect(try await count(inflow, "agreementsToConfirm") == 0)
            #expect(try await count(county, "inflowWithoutAgreement") == 0)
            // The inflow side's ledger lists our members reporting there with the agreement covering them.
            var page = Browser(app)
            try await page.signIn("inflow", Fixture.password)
            let ledger = try await page.get("/ledger/\(f.external.code)/inflow")
            #expect(ledger.status == .ok && ledger.body.string.contains("BLZQ-2026-001"))
            #expect(ledger.body.string.contains("张建国") && !ledger.body.string.contains(Fixture.idA))
            // The member's archive names the agreement.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let archive = try await secretary.get("/members/\(f.memberA.id!.uuidString)/archive")
            #expect(archive.body.string.contains("纳入共管协议BLZQ-2026-001"))
            // The county's statistics page shows the rate: all ten covered.
            var stats = Browser(app)
            try await stats.signIn("county", Fixture.password)
            let html = try await stats.get("/stats/150422").body.string
            #expect(html.contains(#"<strong id="coverage-rate">100.0%</strong>"#))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aTemporaryOrganizationClosesItselfAtItsEndAfterTellingItsCounty(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let today = AppClock.today
            func mobile(_ code: String, _ basis: MobileBasis, endsOn: CalendarDate) async throws -> Organization {
                let o = try await Fixture.org(
                    code, "驻北京\(basis.label)", .branch, .mobile, parent: f.countyA, division: "110105", on: app.db)
                o.basis = basis
                try await o.update(on: app.db)
                let r = MobileOrgRecord()
                r.id = o.id
                r.approvedBy = "中共巴林左旗委员会组织部"
                r.documentNo = "巴组字〔1〕号"
                r.approvedOn = today.adding(days: -300).description
                r.address = "北京市朝阳区"
                r.contacts = "书记 张三"
                r.endsOn = endsOn.description
                r.recordedBy = "test"
                try await r.create(on: app.db)
                return o
            }
            let temporary = try await mobile("150422M07", .temporary, endsOn: today.adding(days: 20))
            // A chamber-based organization with a stale end day on its record is not temporary: untouched.
            let chamber = try await mobile("150422M06", .chamber, endsOn: today.adding(days: -5))
            try await MobileOrgMembership(
                orgID: temporary.id!, memberID: f.memberA.id!, joinedOn: today.adding(days: -30).description, by: "test"
            ).create(on: app.db)
            let feature = MobileOrgsFeature()
            // Thirty days before the end the county is told, once.
            #expect(try await feature.sweep(app, today: today) == ["临时党组织即将到期，已提醒1个"])
            #expect(try await feature.sweep(app, today: today.adding(days: 1)).isEmpty)
            let notices = try await Notice.query(on: app.db).filter(\.$kind == NoticeKind.organization.rawValue).all()
            #expect(
                notices.count == 1 && notices.first?.orgID == f.countyA.id
                    && notices.first?.link == "/mobile-orgs/150422M07")
            // Still open on its last day; closed the day after, its members' part in it ended.
            #expect(try await feature.sweep(app, today: today.adding(days: 20)).isEmpty)
            #expect(try await feature.sweep(app, today: today.adding(days: 21)) == ["临时党组织到期自动撤销1个"])
            let closed = try #require(try await Organization.find(temporary.id, on: app.db))
            #expect(closed.isClosed && closed.closedReason?.contains("到期，自动撤销") == true)
            let membership = try #require(
                try await MobileOrgMembership.query(on: app.db).filter(\.$orgID == temporary.id!).first())
            #expect(membership.leftOn == today.adding(days: 21).description && membership.leftReason == "组织撤销")
            #expect(try await MobileOrgRecord.find(temporary.id, on: app.db)?.dissolvedOn != nil)
            #expect(try await feature.sweep(app, today: today.adding(days: 22)).isEmpty)
            #expect(try await Organization.find(chamber.id, on: app.db)?.isClosed == false)
        }
    }
}

@Suite("Measure 4a: every new page and API is out of reach out of scope")
struct NetworkScopeTests {
    @Test(arguments: TestDatabase.all)
    func anotherCountyGets404AndABranchSeesItsCountysAgreement(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await LedgerTests.flows(app, f)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Created: Decodable { var id: UUID }
            let id = try await county.post("/api/v1/agreements", json: NetworkTests.agreementJSON()).content
                .decode(Created.self).id
            let cert = try #require(
                try await Certificate.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            let member = f.memberA.id!.uuidString
            let paths = [
                "/agreements/\(id.uuidString)", "/agreements/\(id.uuidString)/scan",
                "/agreements/\(id.uuidString)/renew",
                "/agreements?org=150422", "/mobile-orgs?org=150422", "/temporary-orgs/suggestions?org=150422",
                "/members/\(member)/certificate", "/api/v1/certificates/\(cert.number)",
                "/api/v1/agreements?org=150422",
                "/api/v1/coverage?org=150422", "/api/v1/temporary-org-suggestions?org=150422", "/stats/150422",
            ]
            let other = try await APIClient.signIn(app, "countyb", Fixture.password)
            for p in paths { #expect(try await other.get(p).status == .notFound, "countyb GET \(p)") }
            #expect(try await other.post("/api/v1/members/\(member)/certificate", json: "{}").status == .notFound)
            // The branch secretary opens the county's agreement (it covers the branch's members) but cannot manage it.
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            #expect(try await secretary.get("/agreements/\(id.uuidString)").status == .ok)
            #expect(try await secretary.get("/agreements/\(id.uuidString)/renew").status == .forbidden)
            // A member's token reaches none of it.
            _ = try await Mobile.activate(
                app, idNumber: Fixture.idA, code: try await Mobile.code(app, staff: secretary, member: f.memberA))
            let me = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            for p in paths { #expect(try await me.get(p).status == .notFound, "member GET \(p)") }
            #expect(try await me.get("/my/certificate").status == .ok)
        }
    }
}
