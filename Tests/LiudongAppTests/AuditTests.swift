import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Audit log")
struct AuditTests {
    @Test(arguments: TestDatabase.all)
    func signInsChangesAndFailuresAreWrittenWithAccountAndSummary(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var b = Browser(app)
            try await b.signIn("nobody", "whatever-123")
            try await b.signIn("county", Fixture.password)
            try await b.get("/members/new")
            try await b.post(
                "/members",
                form: [
                    "name": "孙立新",
                    "idNumber": IDNumber.make(
                        division: "150422", birth: CalendarDate(year: 1975, month: 5, day: 5)!, sequence: 7, sex: .male),
                    "sex": "male", "ethnicity": "汉族", "education": "highSchool", "category": "full",
                    "joinedOn": "2000-01-01",
                    "fullOn": "2001-01-01", "orgCode": f.branchA.code,
                ])
            let entries = try await AuditEntry.query(on: app.db).sort(\.$id).all()
            let actions = entries.map(\.action)
            #expect(actions.contains(AuditAction.signInFailed.rawValue))
            #expect(actions.contains(AuditAction.signIn.rawValue))
            let create = try #require(
                entries.last { $0.action == AuditAction.create.rawValue && $0.objectType == "member" })
            #expect(create.username == "county")
            #expect(create.summary.contains("孙立新"))
            #expect(create.scopePath == f.countyA.path)
            #expect(!create.clientAddress.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theLogIsAppendOnlyInTheDatabaseItself(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var anon = Browser(app)
            try await anon.signIn("county", Fixture.password)
            let sql = app.db as! SQLDatabase
            #expect(try await AuditEntry.query(on: app.db).count() > 0)
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET summary = 'tampered'").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_entries").run()
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$summary == "tampered").count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func thePageFiltersAndACountySeesOnlyItsOwnAccounts(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var other = Browser(app)
            try await other.signIn("countyb", Fixture.password)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let page = try await county.get("/audit?action=signIn")
            #expect(page.status == .ok)
            #expect(page.body.string.contains(">county<"))
            #expect(!page.body.string.contains(">countyb<"))
            var city = Browser(app)
            try await city.signIn("city", Fixture.password)
            let all = try await city.get("/audit?action=signIn")
            #expect(all.body.string.contains(">countyb<"))
            let filtered = try await city.get("/audit?user=countyb")
            #expect(!filtered.body.string.contains(">county<"))
            #expect(try await city.get("/audit?from=not-a-date").status == .unprocessableEntity)
        }
    }
}
