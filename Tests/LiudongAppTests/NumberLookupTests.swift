import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 25 item 1: a search by number is a lookup of a personal number. Only roles that may reveal numbers look up
/// ID numbers; every lookup by number is counted per account per hour and audited without the value in clear.
@Suite("Roster search: lookups by number")
struct NumberLookupTests {
    struct Page: Decodable {
        struct Item: Decodable { var id: UUID }
        var items: [Item]
        var total: Int
    }

    @Test func theSearchBoxIsReadAsANameOrANumber() {
        #expect(RosterQuery.parse("张建国") == .name("张建国"))
        #expect(RosterQuery.parse("15042219850314011x") == .idNumber("15042219850314011X"))
        #expect(RosterQuery.parse("13904761234") == .phone("13904761234"))
        #expect(RosterQuery.parse("011x") == .tail("011X") && RosterQuery.parse("34") == .phoneTail("34"))
        #expect(RosterQuery.parse("12345") == .name("12345") && RosterQuery.parse("") == nil)
        #expect(RosterQuery.tail("1234").allowed(canRevealNumbers: false) == .phoneTail("1234"))
        #expect(RosterQuery.tail("011X").allowed(canRevealNumbers: false) == nil)
        #expect(RosterQuery.idNumber("15042219850314011X").allowed(canRevealNumbers: false) == nil)
        #expect(RosterQuery.phone("13904761234").allowed(canRevealNumbers: false) == nil)
        #expect(RosterQuery.tail("011X").allowed(canRevealNumbers: true) == .tail("011X"))
    }

    @Test(arguments: TestDatabase.all)
    func anInflowAccountSearchesByNameAndPhoneTailOnly(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup: two members of 巴林左旗 reporting to 望京; the second's ID number ends in four digits.
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            let sequence = try #require(
                (301...340).first {
                    IDNumber.make(
                        division: "150422", birth: CalendarDate(year: 1980, month: 1, day: 1 + $0 % 27)!,
                        sequence: $0, sex: .male
                    ).last?.isNumber == true
                })
            let other = try await NetworkTests.member(app, "成员丙", sequence: sequence, branch: f.branchA2)
            try await Mobile.open(app, other, inflow: f.external)
            let otherID = try app.cipher.open(other.idNumberEnc)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            // MUT + validate: an ID number, whole or its last four, is refused or finds nothing.
            for q in [Fixture.idA, String(Fixture.idA.suffix(4)), otherID, "13904761234"] {
                let res = try await inflow.get("/api/v1/members?q=\(q)")
                #expect(res.status == .unprocessableEntity && Mobile.fields(res)["q"] != nil, "\(q): \(res.status)")
            }
            let byTail = try await inflow.get("/api/v1/members?q=\(otherID.suffix(4))").content.decode(Page.self)
            #expect(byTail.total == 0, "an ID tail found \(byTail.total) member(s) for the inflow side")
            // The phone's tail and the name still work.
            let byPhone = try await inflow.get("/api/v1/members?q=1234").content.decode(Page.self)
            #expect(byPhone.items.map(\.id) == [f.memberA.id!])
            let byName = try await inflow.get("/api/v1/members?q=成员丙").content.decode(Page.self)
            #expect(byName.items.map(\.id) == [other.id!])
            // A secretary of the branch may look the number up.
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let found = try await county.get("/api/v1/members?q=\(otherID.suffix(4))").content.decode(Page.self)
            #expect(found.items.map(\.id) == [other.id!])
        }
    }

    @Test(arguments: TestDatabase.all)
    func lookupsByNumberAreCountedPerAccountAndAuditedWithoutTheValue(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            app.settings.numberLookupsPerHour = 3
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let tail = String(Fixture.idA.suffix(4))
            for _ in 0..<3 {
                let page = try await secretary.get("/api/v1/members?q=\(tail)").content.decode(Page.self)
                #expect(page.items.map(\.id) == [f.memberA.id!])
            }
            // MUT: the fourth lookup in the hour, through the API and the page; names are not counted.
            let fourth = try await secretary.get("/api/v1/members?q=\(Fixture.idA)")
            #expect(fourth.status == .tooManyRequests && fourth.headers.first(name: "Retry-After") != nil)
            var page = Browser(app)
            try await page.signIn("secretary", Fixture.password)
            #expect(try await page.get("/members?q=\(tail)").status == .tooManyRequests)
            #expect(try await secretary.get("/api/v1/members?q=张建国").status == .ok)
            // Another account has its own allowance.
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            #expect(try await county.get("/api/v1/members?q=\(tail)").status == .ok)
            // validate: each lookup is in the audit log, the value only as a keyed hash.
            let lines = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.lookup.rawValue).all()
            #expect(lines.count == 4)
            for line in lines {
                #expect(!line.summary.contains(tail) && !(line.objectRef ?? "").contains(tail))
                #expect(!line.summary.contains(Fixture.idA) && (line.objectRef?.count ?? 0) >= 32)
            }
        }
    }
}
