import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Member roster")
struct MemberTests {
    static func json(id: String, name: String = "测试", sex: String = "male", org: String, phone: String = "13912345678")
        -> String
    {
        """
        {"name":"\(name)","sex":"\(sex)","ethnicity":"蒙古族","idNumber":"\(id)","education":"undergraduate","category":"full",
         "joinedOn":"2008-05-04","fullOn":"2009-05-04","orgCode":"\(org)","phone":"\(phone)","isMigrantWorker":"1"}
        """
    }

    @Test(arguments: TestDatabase.all)
    func badInputGetsOneChineseMessagePerFieldAndChangesNothing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let api = try await APIClient.signIn(app, "county", Fixture.password)
            let before = try await Member.query(on: app.db).count()
            // Wrong check digit, a phone that is not one, and a sex the number contradicts.
            var id = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1988, month: 8, day: 8)!, sequence: 3, sex: .male)
            let bad = String(id.dropLast()) + (id.last == "0" ? "1" : "0")
            let res = try await api.post(
                "/api/v1/members", json: Self.json(id: bad, org: f.branchA.code, phone: "12345"))
            #expect(res.status == .unprocessableEntity)
            let body = try res.content.decode(APIErrorBody.self)
            #expect(body.error.code == "invalid")
            #expect(body.error.fields.contains { $0.field == "idNumber" && $0.message.contains("校验位") })
            #expect(body.error.fields.contains { $0.field == "phone" })
            id = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1988, month: 8, day: 8)!, sequence: 3, sex: .female)
            let sexMismatch = try await api.post(
                "/api/v1/members", json: Self.json(id: id, sex: "male", org: f.branchA.code))
            #expect(try sexMismatch.content.decode(APIErrorBody.self).error.fields.map(\.field) == ["sex"])
            #expect(try await Member.query(on: app.db).count() == before)
        }
    }

    @Test(arguments: TestDatabase.all)
    func oneMemberPerIDNumberAcrossTheWholeDatabase(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            // County B tries to register county A's member (same number, lower-case x / spaces tolerated too).
            let api = try await APIClient.signIn(app, "countyb", Fixture.password)
            let res = try await api.post(
                "/api/v1/members", json: Self.json(id: " " + Fixture.idA.lowercased() + " ", org: f.branchB.code))
            #expect(res.status == .unprocessableEntity)
            #expect(try res.content.decode(APIErrorBody.self).error.fields.first?.message.contains("已在花名册中") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func numbersAreEncryptedAtRestAndMaskedOnScreen(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let sql = app.db as! SQLDatabase
            struct Row: Decodable {
                var id_number_enc: String
                var phone_enc: String?
                var id_number_hash: String
            }
            let rows = try await sql.select().columns("id_number_enc", "phone_enc", "id_number_hash").from("members")
                .all(decoding: Row.self)
            #expect(rows.count == 3)
            for r in rows {
                #expect(!r.id_number_enc.contains(Fixture.idA.prefix(10)))
                #expect(!(r.phone_enc ?? "").contains("1390476"))
            }
            #expect(rows.contains { $0.id_number_hash == app.cipher.hash(Fixture.idA) })
            var b = Browser(app)
            try await b.signIn("secretary", Fixture.password)
            let page = try await b.get("/members/\(f.memberA.id!.uuidString)")
            #expect(page.body.string.contains(Masking.idNumber(Fixture.idA)))
            #expect(page.body.string.contains("139****1234"))
            #expect(!page.body.string.contains(Fixture.idA))
            // Revealing shows the number and is audited.
            let revealed = try await b.post(
                "/members/\(f.memberA.id!.uuidString)/reveal", form: ["field": "idNumber", "reason": "核对信息"])
            #expect(revealed.body.string.contains(Fixture.idA))
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.reveal.rawValue).all()
            #expect(audit.count == 1)
            #expect(audit.first?.username == "secretary")
            #expect(audit.first?.summary.contains("核对信息") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func searchByNameAndLastDigitsOfIDOrPhone(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let api = try await APIClient.signIn(app, "city", Fixture.password)
            #expect(try await api.get("/api/v1/members?q=%E5%BB%BA%E5%9B%BD").body.string.contains("张建国"))  // 建国
            let tail = try await api.get("/api/v1/members?q=\(Fixture.idB.suffix(4))")
            #expect(tail.body.string.contains("王海涛"))
            let phone = try await api.get("/api/v1/members?q=5678")
            #expect(phone.body.string.contains("李秀英"))
            #expect(phone.body.string.contains("\"total\":1"))
            let full = try await api.get("/api/v1/members?q=\(Fixture.idA)")
            #expect(full.body.string.contains("\"total\":1"))
            #expect(full.body.string.contains("张建国"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func editingThroughThePageRecordsTheTimelineAndKeepsInputOnErrors(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var b = Browser(app)
            try await b.signIn("secretary", Fixture.password)
            let id = f.memberA.id!.uuidString
            let form = try await b.get("/members/\(id)/edit")
            #expect(form.status == .ok)
            var fields: [String: String] = [
                "name": "张建国", "sex": "male", "ethnicity": "汉族", "idNumber": Fixture.idA,
                "education": "undergraduate", "category": "full", "joinedOn": "2010-07-01",
                "fullOn": "2011-07-01", "orgCode": f.branchA.code, "phone": "13904761234",
                "employer": "赤峰某物流公司 司机",
            ]
            fields["joinedOn"] = "2099-01-01"
            let bad = try await b.post("/members/\(id)/edit", form: fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("入党日期不能晚于今天"))
            #expect(bad.body.string.contains("赤峰某物流公司 司机"))  // what was typed is kept
            fields["joinedOn"] = "2010-07-01"
            let ok = try await b.post("/members/\(id)/edit", form: fields)
            #expect(ok.status == .seeOther)
            let page = try await b.get("/members/\(id)")
            #expect(page.body.string.contains("工作单位及职务：务农 → 赤峰某物流公司 司机"))
            #expect(page.body.string.contains("学历：大学专科 → 大学本科"))
            let events = try await MemberEvent.query(on: app.db).filter(\.$memberID == f.memberA.id!).count()
            #expect(events == 2)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.update.rawValue).count() == 1)
        }
    }
}
