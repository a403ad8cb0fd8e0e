import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Measure 4a: agreements, coverage, temporary-organization suggestions")
struct NetworkTests {
    /// An agreement in force on any day the suite runs: signed and begun ten months ago, ending in about two years.
    static func agreementJSON(
        out: String = "150422", inflow: String = "X110105", number: String = "BLZQ-2026-001",
        from: String = AppClock.today.adding(days: -300).description,
        to: String = AppClock.today.adding(days: 700).description, covers: String = "all", ids: [UUID]? = nil,
        signed: String = AppClock.today.adding(days: -310).description
    ) -> String {
        let list = ids.map { ",\"memberIds\":[" + $0.map { "\"\($0.uuidString)\"" }.joined(separator: ",") + "]" } ?? ""
        return
            #"{"outflowOrgCode":"\#(out)","inflowOrgCode":"\#(inflow)","number":"\#(number)","signedOn":"\#(signed)","validFrom":"\#(from)","validTo":"\#(to)","covers":"\#(covers)"\#(list)}"#
    }

    /// The inflow side (account `inflow`) confirms an agreement through its page.
    static func confirm(_ app: Application, _ id: UUID) async throws {
        var inflow = Browser(app)
        try await inflow.signIn("inflow", Fixture.password)
        _ = try await inflow.get("/agreements/\(id.uuidString)")
        let res = try await inflow.post("/agreements/\(id.uuidString)/confirm", form: [:])
        #expect(res.status == .seeOther || res.status == .found)
    }

    /// A full member of `branch` (a valid synthetic ID number from `sequence`).
    static func member(
        _ app: Application, _ name: String, sequence: Int, branch: Organization, category: String = "full"
    )
        async throws -> Member
    {
        let id = IDNumber.make(
            division: "150422", birth: CalendarDate(year: 1980, month: 1, day: 1 + sequence % 27)!, sequence: sequence,
            sex: .male)
        return try await MemberService.create(
            MemberForm(
                name: name, sex: "male", ethnicity: "汉族",
                birthDate: CalendarDate(year: 1980, month: 1, day: 1 + sequence % 27)!.description, idNumber: id,
                education: "college", category: category, joinedOn: "2010-07-01",
                fullOn: category == "full" ? "2011-07-01" : nil, orgCode: branch.code, phone: nil, household: nil,
                residence: nil, employer: nil, isMigrantWorker: nil),
            by: try await Fixture.user(app, "admin"), cipher: app.cipher, on: app.db)
    }

    @Test(arguments: TestDatabase.all)
    func agreementsAreValidatedFieldByFieldAndListedToBothSides(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            func fields(_ json: String) async throws -> [String: String] {
                let res = try await county.post("/api/v1/agreements", json: json)
                #expect(res.status == .unprocessableEntity)
                return Mobile.fields(res)
            }
            #expect(try await fields(Self.agreementJSON(from: "2027-01-01", to: "2026-01-01"))["validTo"] != nil)
            #expect(try await fields(Self.agreementJSON(inflow: "150422"))["inflowOrgCode"] != nil)
            #expect(try await fields(Self.agreementJSON(inflow: "NOPE"))["inflowOrgCode"] == "流入地党组织不存在")
            #expect(try await fields(Self.agreementJSON(out: "150402"))["outflowOrgCode"] == "本方党组织不在您的管理范围内")
            #expect(try await fields(Self.agreementJSON(covers: "list"))["memberIds"] != nil)
            #expect(try await fields(Self.agreementJSON(from: "2026-13-01"))["validFrom"] != nil)
            let res = try await county.post("/api/v1/agreements", json: Self.agreementJSON())
            #expect(res.status == .created)
            struct Created: Decodable {
                var id: UUID
                var status: String
            }
            let created = try res.content.decode(Created.self)
            #expect(["active", "expiring"].contains(created.status))
            // The number is taken now.
            #expect(try await fields(Self.agreementJSON())["number"] != nil)
            // Both sides list it; the other county does not.
            for who in ["county", "inflow", "secretary"] {
                let c = try await APIClient.signIn(app, who, Fixture.password)
                let list = try await c.get("/api/v1/agreements")
                #expect(list.body.string.contains(created.id.uuidString), "\(who) should see the agreement")
            }
            let other = try await APIClient.signIn(app, "countyb", Fixture.password)
            #expect(!(try await other.get("/api/v1/agreements").body.string.contains(created.id.uuidString)))
            #expect(try await other.get("/api/v1/agreements?org=150422").status == .notFound)
            // The inflow side confirms through the page; our side cannot confirm for them.
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            _ = try await inflow.get("/agreements/\(created.id.uuidString)")
            let confirmed = try await inflow.post("/agreements/\(created.id.uuidString)/confirm", form: [:])
            #expect(confirmed.status == .seeOther || confirmed.status == .found)
            #expect(try await Agreement.find(created.id, on: app.db)?.confirmedBy == "inflow")
            var ours = Browser(app)
            try await ours.signIn("county", Fixture.password)
            _ = try await ours.get("/agreements/\(created.id.uuidString)")
            #expect(try await ours.post("/agreements/\(created.id.uuidString)/confirm", form: [:]).status == .forbidden)
        }
    }

    @Test func statusFollowsTheDates() {
        let today = CalendarDate(year: 2026, month: 6, day: 1)!
        func s(_ signed: String?, _ from: String, _ to: String, _ ended: String? = nil) -> AgreementStatus {
            AgreementStatus.of(signedOn: signed, validFrom: from, validTo: to, terminatedOn: ended, today: today)
        }
        #expect(s(nil, "2026-01-01", "2027-01-01") == .draft)
        #expect(s("2026-05-01", "2026-07-01", "2027-01-01") == .pending)
        #expect(s("2026-01-01", "2026-01-01", "2027-01-01") == .active)
        #expect(s("2026-01-01", "2026-01-01", "2026-07-01") == .expiring)
        #expect(s("2026-01-01", "2026-01-01", "2026-06-01") == .expiring)
        #expect(s("2025-01-01", "2025-01-01", "2026-05-31") == .expired)
        #expect(s("2026-01-01", "2026-01-01", "2027-01-01", "2026-05-01") == .terminated)
        #expect(AgreementStatus.active.inForce && AgreementStatus.expiring.inForce && !AgreementStatus.expired.inForce)
    }

    @Test(arguments: TestDatabase.all)
    func scansAreJudgedByContentAndRenewalsChain(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Created: Decodable { var id: UUID }
            let id = try await county.post("/api/v1/agreements", json: Self.agreementJSON()).content.decode(
                Created.self
            ).id
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)
            _ = try await page.get("/agreements/\(id.uuidString)")
            // A text file named .pdf is refused; a real (minimal) PDF is stored with its SHA-256.
            _ = try await page.upload(
                "/agreements/\(id.uuidString)/scan", form: [:], file: ("file", "scan.pdf", Data("hello".utf8)))
            #expect(try await Agreement.find(id, on: app.db)?.scanSHA256 == nil)
            let pdf = Data("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            _ = try await page.upload("/agreements/\(id.uuidString)/scan", form: [:], file: ("file", "x.bin", pdf))
            let stored = try #require(try await Agreement.find(id, on: app.db))
            #expect(stored.scanType == "pdf" && stored.scanSHA256?.count == 64)
            let scan = try await page.get("/agreements/\(id.uuidString)/scan")
            #expect(scan.status == .ok && scan.headers.contentType?.subType == "pdf")
            let other = try await APIClient.signIn(app, "countyb", Fixture.password)
            #expect(try await other.get("/agreements/\(id.uuidString)/scan").status == .notFound)
            // Renewal: a new agreement naming the old, from the day after it ends; the chain is shown from either end.
            _ = try await page.get("/agreements/\(id.uuidString)/renew")
            let next = AppClock.today.adding(days: 701)
            let renewed = try await page.post(
                "/agreements/\(id.uuidString)/renew",
                form: [
                    "outflowOrgCode": "150422", "inflowOrgCode": "X110105", "number": "BLZQ-2029-001",
                    "signedOn": AppClock.today.description, "validFrom": next.description,
                    "validTo": next.adding(days: 3 * 365).description, "covers": "all",
                ])
            #expect(renewed.status == .seeOther || renewed.status == .found)
            let new = try #require(try await Agreement.query(on: app.db).filter(\.$number == "BLZQ-2029-001").first())
            #expect(new.previousID == id && new.status(on: AppClock.today) == .pending)
            let chain = try await AgreementStore.chain(stored, on: app.db)
            #expect(chain.map(\.number) == ["BLZQ-2026-001", "BLZQ-2029-001"])
        }
    }

    @Test(arguments: TestDatabase.all)
    func coverageAndSuggestionsOnAFixtureWithKnownAnswers(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            // Three full members of 巴林左旗 at 北京朝阳 (110105), none reporting anywhere: a suggestion.
            var members = [f.memberA]
            for i in 1...2 {
                members.append(try await Self.member(app, "成员\(i)", sequence: 100 + i, branch: f.branchA2))
            }
            for m in members { try await Mobile.open(app, m) }
            struct Coverage: Decodable {
                var mobileMembers: Int
                var covered: Int
                var rate: Double
                struct ByWay: Decodable {
                    var mobileOrg: Int
                    var agreement: Int
                }
                var byWay: ByWay
                struct Place: Decodable {
                    var code: String
                    var members: Int
                }
                var uncoveredByDestination: [Place]
            }
            struct Suggestions: Decodable {
                struct Item: Decodable {
                    var destinationCode: String
                    var members: Int
                    var memberIds: [UUID]
                }
                var items: [Item]
            }
            // The statistics page counts coverage with its open flows (`MobileTally`): always the coverage API's.
            func statisticsAgree(_ where_: String) async throws {
                for org in [f.countyA, f.city] {
                    let stats = try await StatsService.compute(for: org, on: app.db)
                    let panel = try await StatsController.coveragePanel(for: org, tally: stats.tally, on: app.db)
                    let (live, perOrg) = try await CoverageStore.rolledUp(for: org, on: app.db)
                    #expect(
                        panel.mobile == live.mobile && panel.byMobileOrg == live.byMobileOrg
                            && panel.byAgreement == live.byAgreement, "\(where_), \(org.shortName)")
                    #expect(CoverageStore.rolledUp(branches: stats.tally.coverage, for: org).perOrg == perOrg)
                    let places = try await CoverageStore.uncoveredByDestination(under: org, on: app.db, limit: 15)
                    #expect(panel.destinations == places, "\(where_), \(org.shortName)")
                }
            }
            var c = try await county.get("/api/v1/coverage?org=150422").content.decode(Coverage.self)
            try await statisticsAgree("none covered")
            #expect(c.mobileMembers == 3 && c.covered == 0 && c.rate == 0)
            #expect(c.uncoveredByDestination.first?.code == "110105" && c.uncoveredByDestination.first?.members == 3)
            var s = try await county.get("/api/v1/temporary-org-suggestions?org=150422").content.decode(
                Suggestions.self)
            #expect(s.items.count == 1 && s.items.first?.members == 3 && s.items.first?.destinationCode == "110105")
            // One reports to the inflow organization and the county signs with it: covered by agreement; two left.
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == members[0].id!).first())
            flow.inflowOrgID = f.external.id
            flow.status = .arrived
            try await flow.update(on: app.db)
            let signed = try await county.post("/api/v1/agreements", json: Self.agreementJSON())
            #expect(signed.status == .created)
            // Entered by our side alone it does not count yet; confirmed by the other side, it does.
            c = try await county.get("/api/v1/coverage?org=150422").content.decode(Coverage.self)
            #expect(c.mobileMembers == 3 && c.covered == 0 && c.byWay.agreement == 0)
            try await statisticsAgree("agreement not yet confirmed")
            struct Signed: Decodable { var id: UUID }
            try await Self.confirm(app, try signed.content.decode(Signed.self).id)
            c = try await county.get("/api/v1/coverage?org=150422").content.decode(Coverage.self)
            #expect(c.mobileMembers == 3 && c.covered == 1 && c.byWay.agreement == 1 && c.byWay.mobileOrg == 0)
            try await statisticsAgree("agreement confirmed")
            // Two at the destination are not enough for a suggestion.
            s = try await county.get("/api/v1/temporary-org-suggestions?org=150422").content.decode(Suggestions.self)
            #expect(s.items.isEmpty)
            // A third (probationary members do not count) brings it back; a mobile organization there ends it.
            let probationary = try await Self.member(
                app, "预备", sequence: 201, branch: f.branchA, category: "probationary")
            try await Mobile.open(app, probationary)
            s = try await county.get("/api/v1/temporary-org-suggestions?org=150422").content.decode(Suggestions.self)
            #expect(s.items.isEmpty)
            let third = try await Self.member(app, "成员3", sequence: 103, branch: f.branchA)
            try await Mobile.open(app, third)
            s = try await county.get("/api/v1/temporary-org-suggestions?org=150422").content.decode(Suggestions.self)
            #expect(s.items.count == 1 && s.items.first?.members == 3)
            // The county founds the temporary organization from the suggestion: the three join it and are covered.
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)
            let form = try await page.get("/temporary-orgs/new?county=150422&dest=110105")
            #expect(form.status == .ok && form.body.string.contains("临时党支部"))
            let made = try await page.post(
                "/temporary-orgs",
                form: [
                    "county": "150422", "dest": "110105", "name": "中共巴林左旗驻北京市朝阳区流动党员临时党支部",
                    "shortName": "驻朝阳临时党支部", "approvedBy": "中共巴林左旗委员会组织部", "documentNo": "巴组字〔2026〕9号",
                    "approvedOn": AppClock.today.description,
                    "endsOn": AppClock.today.adding(days: 300).description,
                    "address": "北京市朝阳区望京街道1号", "contacts": "书记 张三 13900000000",
                ])
            #expect(made.status == .seeOther || made.status == .found)
            s = try await county.get("/api/v1/temporary-org-suggestions?org=150422").content.decode(Suggestions.self)
            #expect(s.items.isEmpty)
            c = try await county.get("/api/v1/coverage?org=150422").content.decode(Coverage.self)
            #expect(c.mobileMembers == 5 && c.byWay.agreement == 1 && c.byWay.mobileOrg == 3 && c.covered == 4)
            try await statisticsAgree("temporary organization founded")
            // Out of scope: the other county sees neither figure.
            let other = try await APIClient.signIn(app, "countyb", Fixture.password)
            #expect(try await other.get("/api/v1/coverage?org=150422").status == .notFound)
            #expect(try await other.get("/api/v1/temporary-org-suggestions?org=150422").status == .notFound)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await inflow.get("/api/v1/coverage").status == .forbidden)
        }
    }
}
