import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Scope isolation through HTTP")
struct ScopeTests {
    @Test(arguments: TestDatabase.all)
    func aCountyCannotListSearchOpenOrRevealAnotherCountysMember(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // setup
            let f = try await Fixture.build(app)
            let other = f.memberB.id!.uuidString
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            var page = Browser(app)
            try await page.signIn("county", Fixture.password)

            // API: list, search, open
            let own = try await api.get("/api/v1/members")
            #expect(own.status == .ok)
            #expect(own.body.string.contains("张建国"))
            #expect(!own.body.string.contains("王海涛"))
            #expect(try await api.get("/api/v1/members?org=\(f.branchB.code)").status == .notFound)
            #expect(try await api.get("/api/v1/members?org=\(f.countyB.code)").status == .notFound)
            let search = try await api.get("/api/v1/members?q=%E7%8E%8B%E6%B5%B7%E6%B6%9B")
            #expect(search.body.string.contains("\"total\":0"))
            let byTail = try await api.get("/api/v1/members?q=\(Fixture.idB.suffix(4))")
            #expect(!byTail.body.string.contains(other))
            #expect(try await api.get("/api/v1/members/\(other)").status == .notFound)
            #expect(try await api.get("/api/v1/orgs/\(f.countyB.code)").status == .notFound)
            #expect(try await api.get("/api/v1/members/\(f.memberA.id!.uuidString)").status == .ok)

            // Pages: list, search, open, edit, reveal
            #expect(try await page.get("/members?org=\(f.branchB.code)").status == .notFound)
            let list = try await page.get("/members?q=%E7%8E%8B")
            #expect(!list.body.string.contains("王海涛"))
            #expect(try await page.get("/members/\(other)").status == .notFound)
            #expect(try await page.get("/members/\(other)/edit").status == .notFound)
            try await page.get("/members")
            #expect(
                try await page.post("/members/\(other)/reveal", form: ["field": "idNumber", "reason": "x"]).status
                    == .notFound)
            #expect(try await page.post("/members/\(other)/edit", form: ["name": "改名"]).status == .notFound)
            #expect(try await page.get("/orgs/\(f.countyB.code)").status == .notFound)
            // Registering a member into another county's branch is refused by field.
            let res = try await api.post(
                "/api/v1/members",
                json: """
                    {"name":"越界","sex":"male","ethnicity":"汉族","idNumber":"\(IDNumber.make(division: "150402", birth: CalendarDate(year: 1981, month: 1, day: 1)!, sequence: 9, sex: .male))",
                     "education":"college","category":"full","joinedOn":"2005-01-01","fullOn":"2006-01-01","orgCode":"\(f.branchB.code)"}
                    """)
            #expect(res.status == .unprocessableEntity)
            #expect(try res.content.decode(APIErrorBody.self).error.fields.contains { $0.field == "orgCode" })
        }
    }

    @Test(arguments: TestDatabase.all)
    func narrowerRolesSeeOnlyTheirSubtree(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let list = try await secretary.get("/api/v1/members")
            #expect(list.body.string.contains("\"total\":1"))
            #expect(list.body.string.contains("张建国"))
            #expect(try await secretary.get("/api/v1/members?org=\(f.branchA2.code)").status == .notFound)
            let committee = try await APIClient.signIn(app, "committee", Fixture.password)
            #expect(try await committee.get("/api/v1/members").body.string.contains("\"total\":2"))
            let city = try await APIClient.signIn(app, "city", Fixture.password)
            #expect(try await city.get("/api/v1/members").body.string.contains("\"total\":3"))
            let org = try await city.get("/api/v1/orgs/150400")
            #expect(org.status == .ok)
            #expect(org.body.string.contains("\"members\":3"))
            // An inflow organization sees only members who reported to it: none yet.
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await inflow.get("/api/v1/members").body.string.contains("\"total\":0"))
            #expect(try await inflow.get("/api/v1/members/\(f.memberA.id!.uuidString)").status == .notFound)
            #expect(try await inflow.get("/api/v1/orgs/\(f.external.code)").status == .ok)
            #expect(try await inflow.get("/api/v1/orgs/150400").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func adminPagesAndAuditAreLimitedByRoleAndScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/accounts").status == .forbidden)
            #expect(try await secretary.get("/audit").status == .forbidden)
            var countyAdmin = Browser(app)
            try await countyAdmin.signIn("countyadmin", Fixture.password)
            let accounts = try await countyAdmin.get("/accounts")
            #expect(accounts.status == .ok)
            #expect(accounts.body.string.contains(">secretary<"))
            #expect(!accounts.body.string.contains(">secretaryb<"))
            #expect(!accounts.body.string.contains(">city<"))
            // A county admin cannot create an account for another county.
            let res = try await countyAdmin.post(
                "/accounts",
                form: [
                    "username": "intruder", "password": "long-enough-1", "role": "secretary", "orgCode": "1504020101",
                ])
            #expect(res.status == .unprocessableEntity)
            #expect(try await Account.query(on: app.db).filter(\.$username == "intruder").count() == 0)
        }
    }
}
