import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("党费: a branch's existing dues book imported — dry run with per-row reasons, then all or nothing")
struct DuesImportTests {
    static let month = YearMonth(containing: AppClock.today)

    @Test(arguments: TestDatabase.all)
    func aBookIsCheckedRowByRowAndAppliedWhole(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            try await DuesTests.base(app, f, base: "4000", from: Self.month.adding(-5))
            let m1 = Self.month.adding(-1)
            let m3 = Self.month.adding(-3)
            let today = AppClock.today
            let csv = """
                某村党支部党费收缴登记簿
                姓名,公民身份号码,月份,金额（元）,缴纳日期,缴至,收据编号
                张建国,\(Fixture.idA),\(m1),40.00,\(today),,SJ-001
                张建国,\(Fixture.idA),\(m1),40,\(today),,SJ-002
                张建国,\(Fixture.idA),\(m3)至\(m3.next),80,\(today),望京街道党工委,
                李四,\(Fixture.idA),\(Self.month.adding(-4)),40,\(today),,
                王海涛,\(Fixture.idB),\(m1),40,\(today),,
                张建国,\(Fixture.idA),\(Self.month.adding(-4)),39.99,\(today),,
                张建国,\(Fixture.idA),\(Self.month.adding(-5)),4O,\(today),,
                张建国,\(Fixture.idA),\(Self.month.adding(-5)),40,\(today),某某公司,
                """
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            _ = try await secretary.get("/dues/import")
            let dry = try await secretary.upload(
                "/dues/import", form: ["org": f.branchA.code], file: ("file", "book.csv", Data(csv.utf8)))
            let html = dry.body.string
            #expect(html.contains("可导入 <strong>2</strong> 行，不能导入 <strong>6</strong> 行"), "\(html.prefix(3000))")
            for reason in [
                "同一月份不能重复交纳", "姓名与花名册不符（花名册为张建国）", "身份证号不在您管理范围内的花名册中",
                "金额少于这几个月应交的40.00元", "金额应为元，最多两位小数", "缴至“某某公司”不是该党员所在党支部",
            ] {
                #expect(html.contains(reason), "\(reason)")
            }
            // The dry run wrote nothing.
            #expect(try await DuesPayment.query(on: app.db).count() == 0)
            let record = try #require(try await DuesImportRecord.query(on: app.db).first())
            #expect(!record.rows.contains(Fixture.idA))
            // Another account may not apply it; the uploader does, once.
            var committee = Browser(app)
            try await committee.signIn("committee", Fixture.password)
            _ = try await committee.get("/dues")
            #expect(
                try await committee.post("/dues/import/\(record.id!.uuidString)/apply", form: [:]).status == .notFound)
            _ = try await secretary.post("/dues/import/\(record.id!.uuidString)/apply", form: [:])
            let payments = try await DuesPayment.query(on: app.db).sort(\.$fromMonth).all()
            #expect(payments.count == 2)
            #expect(payments.map(\.paidToKind) == [.inflow, .home] && payments[1].receipt == "SJ-001")
            _ = try await secretary.post("/dues/import/\(record.id!.uuidString)/apply", form: [:])
            #expect(try await DuesPayment.query(on: app.db).count() == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aBookThatNoLongerPassesWritesNothing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await DuesTests.base(app, f, base: "4000", from: Self.month.adding(-3))
            let csv = """
                公民身份号码,起始月份,截止月份,金额,缴纳日期
                \(Fixture.idA),\(Self.month.adding(-3)),\(Self.month.adding(-2)),80,\(AppClock.today)
                \(Fixture.idA),\(Self.month.adding(-1)),,40,\(AppClock.today)
                """
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            _ = try await secretary.get("/dues/import")
            let dry = try await secretary.upload(
                "/dues/import", form: ["org": f.branchA.code], file: ("file", "book.xlsx", Data(csv.utf8)))
            #expect(dry.body.string.contains("可导入 <strong>2</strong> 行"))
            // Meanwhile the member pays last month by hand: the import, applied, writes neither row.
            let api = try await APIClient.signIn(app, "secretary", Fixture.password)
            let paid = try await api.post(
                "/api/v1/dues/payments",
                json: DuesTests.payment(f.memberA, from: Self.month.adding(-1), fen: 4000, paidTo: f.branchA.code))
            #expect(paid.status == .created)
            let record = try #require(try await DuesImportRecord.query(on: app.db).first())
            _ = try await secretary.post("/dues/import/\(record.id!.uuidString)/apply", form: [:])
            #expect(try await DuesPayment.query(on: app.db).count() == 1)
            #expect(try await DuesImportRecord.find(record.id, on: app.db)?.appliedAt == nil)
            // A file that is not a table, and one without the columns, are named as such.
            let junk = try await secretary.upload(
                "/dues/import", form: ["org": f.branchA.code], file: ("file", "x.xlsx", Data("PK\u{3}\u{4}junk".utf8)))
            #expect(junk.body.string.contains("error-box"))
            let headless = try await secretary.upload(
                "/dues/import", form: ["org": f.branchA.code], file: ("file", "x.csv", Data("a,b\n1,2\n".utf8)))
            #expect(headless.body.string.contains("前30行中没有找到表头"))
        }
    }
}
