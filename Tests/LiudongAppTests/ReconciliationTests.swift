import Fluent
import Foundation
import Glibc
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("National import, reconciliation, queue and archive")
struct ReconciliationTests {
    static let newcomer = IDNumber.make(
        division: "150422", birth: CalendarDate(year: 1992, month: 4, day: 4)!, sequence: 55, sex: .male)
    static let zhao = IDNumber.make(
        division: "150422", birth: CalendarDate(year: 1980, month: 8, day: 8)!, sequence: 66, sex: .male)
    static let qian = IDNumber.make(
        division: "150422", birth: CalendarDate(year: 1975, month: 5, day: 5)!, sequence: 77, sex: .female)

    /// The text in GB18030, through glibc's iconv.
    static func gb18030(_ text: String) throws -> Data {
        let cd = iconv_open("GB18030", "UTF-8")
        defer { iconv_close(cd) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 2 + 16)
        var inLeft = input.count, outLeft = output.count
        try input.withUnsafeMutableBufferPointer { i in
            try output.withUnsafeMutableBufferPointer { o in
                var ip: UnsafeMutablePointer<CChar>? = i.baseAddress, op: UnsafeMutablePointer<CChar>? = o.baseAddress
                if iconv(cd, &ip, &inLeft, &op, &outLeft) == -1 {
                    throw CocoaError(.fileWriteInapplicableStringEncoding)
                }
            }
        }
        let bytes = output[0..<(output.count - outLeft)].map { UInt8(bitPattern: $0) }
        #expect(TextEncoding.detect(bytes) == .gb18030)
        return Data(bytes)
    }

    static func write(_ text: String, encoding: String.Encoding = .utf8) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The national export of county A for the quarter, with every kind of row the importer must handle.
    static func nationalCSV(_ f: Fixture) -> String {
        let badCheck =
            String(Fixture.idA.dropLast())
            + (Fixture.idA.last == "9"
                ? "0" : Fixture.idA.last == "X" ? "1" : String(Int(String(Fixture.idA.last!))! + 1))
        return """
            巴林左旗党员信息导出
            序号,姓名,公民身份号码,所在党支部,手机号码,是否流动,是否失联,入党日期
            1,张建国,\(Fixture.idA),东城村党支部,13904769999,是,否,2010-07-01
            2,李秀英,\(Fixture.idA2),西城村党支部,13904765678,否,否,2010/7/1
            3,赵六,\(zhao),东城村党支部,,是,否,20100701
            4,新人,\(newcomer),林东镇东城村党支部,,否,否,2010年7月1日
            5,甲,1.50422E+17,东城村党支部,,否,否,2010-07-01
            6,乙,\(badCheck),东城村党支部,,否,否,2010-07-01
            7,张建国,\(Fixture.idA),东城村党支部,13904769999,是,否,2010-07-01
            8,丙,\(IDNumber.make(division: "150422", birth: CalendarDate(year: 1990, month: 1, day: 1)!, sequence: 88, sex: .male)),不存在的党支部,,否,否,2010-07-01
            9,王海涛,\(Fixture.idB),长青社区党支部,15004769999,是,否,2010-07-01

            """
    }

    /// Three-sided fixture: 张建国 and 李秀英 flow to the external inflow organization, 王海涛 flows with no inflow org;
    /// 赵六 and 钱七 stay home (钱七 is missing from the national export).
    static func setUp(_ app: Application, _ f: Fixture) async throws {
        for (name, id, branch, reviewer, inflow) in [
            ("张建国", Fixture.idA, f.branchA, "secretary", "X110105"),
            ("李秀英", Fixture.idA2, f.branchA2, "committee", "X110105"),
            ("王海涛", Fixture.idB, f.branchB, "secretaryb", nil),
        ] as [(String, String, Organization, String, String?)] {
            _ = try await SelfReportTests.post(
                app,
                SelfReportTests.outflowJSON(
                    org: branch.code, name: name, id: id, phone: name == "李秀英" ? "13904765678" : "13904761234",
                    inflow: inflow))
            let r = try #require(try await SelfReport.query(on: app.db).filter(\.$name == name).first())
            try await ReviewActions.confirm(
                r, by: try await Fixture.user(app, reviewer), gate: app.writeGate, cipher: app.cipher, on: app.db)
        }
        let admin = try await Fixture.user(app, "admin")
        for (name, id, branch) in [("赵六", zhao, f.branchA), ("钱七", qian, f.branchA2)] {
            _ = try await MemberService.create(
                MemberForm(
                    name: name, sex: try IDNumber.parse(id).get().sex.rawValue, ethnicity: "汉族",
                    birthDate: try IDNumber.parse(id).get().birthDate.description, idNumber: id,
                    education: "college", category: "full", joinedOn: "2010-07-01", fullOn: "2011-07-01",
                    orgCode: branch.code,
                    phone: "13904760001", household: "", residence: "", employer: "", isMigrantWorker: "0"),
                by: admin, cipher: app.cipher, on: app.db)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theNationalImportDryRunsRejectsRowByRowAppliesOnceAndReimportsAsUnchanged(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let path = try Self.write(Self.nationalCSV(f))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let county = try await Fixture.user(app, "county")
            func run(_ apply: Bool) async throws -> NationalImportService.Summary {
                try await NationalImportService.run(
                    path: path, fileName: "n.csv", quarter: AppClock.quarter, scopePath: county.scopePath,
                    scopeCode: county.scopeCode,
                    username: "county", apply: apply, cipher: app.cipher, gate: app.writeGate, on: app.db)
            }
            let dry = try await run(false)
            #expect(dry.rows == 9 && dry.new == 4 && dry.updated == 0 && dry.unchanged == 0)
            let reasons = Dictionary(uniqueKeysWithValues: dry.rejected.map { ($0.row, $0.reason) })
            #expect(reasons.keys.sorted() == [7, 8, 9, 10, 11])
            #expect(reasons[7]?.contains("科学计数法") == true)
            #expect(reasons[8] == "公民身份号码校验位不正确，请核对")
            #expect(reasons[9] == "公民身份号码与第3行重复")
            #expect(reasons[10]?.contains("“不存在的党支部”在本系统中找不到") == true)
            // another county's branch: outside this account's scope
            #expect(reasons[11]?.contains("“长青社区党支部”") == true)
            #expect(dry.contractJSON.hasPrefix(#"{"new":4,"rejected":[{"reason":"#))
            let sql = app.db as! SQLDatabase
            struct N: Decodable { var n: Int }
            func stored() async throws -> Int {
                try await sql.raw("SELECT COUNT(*) AS n FROM national_records").first(decoding: N.self)?.n ?? -1
            }
            #expect(try await stored() == 0)  // a dry run writes nothing
            let applied = try await run(true)
            #expect(applied.new == 4 && applied.rejected.count == 5)
            #expect(try await stored() == 4)
            let again = try await run(true)
            #expect(again.new == 0 && again.updated == 0 && again.unchanged == 4)
            #expect(try await stored() == 4)
            // The rejected rows download as a workbook our own reader can open.
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("rej-\(UUID().uuidString).xlsx")
                .path
            defer { try? FileManager.default.removeItem(atPath: out) }
            try NationalImportService.writeRejected(dry.rejected, title: "未导入", to: out)
            var cells: [[XLSXValue?]] = []
            try XLSXReader(path: out).rows { cells.append($1) }
            #expect(cells.count == 2 + 5 && cells[2][0] == .number(7))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCountyUploadsTheExportSeesTheDryRunAppliesItAndASecretaryMayNot(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            try await county.get("/imports")
            // GB18030 on the wire, detected without being asked.
            let data = try Self.gb18030(Self.nationalCSV(f))
            let posted = try await county.upload(
                "/imports", form: ["kind": "national", "quarter": AppClock.quarter.description],
                file: ("file", "全国导出.csv", data))
            #expect(posted.status == .seeOther)
            let jobPath = try #require(posted.headers.first(name: .location))
            var page = ""
            try await eventually {
                page = try await county.get(jobPath).body.string
                return page.contains("试导入结果")
            }
            #expect(page.contains("试导入结果（尚未写入）"))
            #expect(page.contains("公民身份号码校验位不正确，请核对") && page.contains("科学计数法"))
            let rejected = try await county.get(jobPath + "/rejected.xlsx")
            #expect(rejected.status == .ok)
            #expect(try await county.post(jobPath + "/apply", form: [:]).status == .seeOther)
            try await eventually {
                page = try await county.get(jobPath).body.string
                return page.contains("已导入")
            }
            #expect(page.contains("已导入"))
            struct N: Decodable { var n: Int }
            #expect(
                try await (app.db as! SQLDatabase).raw("SELECT COUNT(*) AS n FROM national_records").first(
                    decoding: N.self)?.n == 4)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.import.rawValue).count() == 1)
            // Another account cannot see the job; a branch secretary cannot import the national export.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get(jobPath).status == .notFound)
            try await secretary.get("/imports")
            #expect(
                try await secretary.upload(
                    "/imports", form: ["kind": "national", "quarter": AppClock.quarter.description],
                    file: ("file", "n.csv", data)
                ).status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func reconciliationSortsEveryDifferenceIntoItsCategoryAndTheQueueAndArchiveKeepScopes(db: TestDatabase) async throws
    {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.setUp(app, f)
            let county = try await Fixture.user(app, "county")
            let path = try Self.write(Self.nationalCSV(f))
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try await NationalImportService.run(
                path: path, fileName: "n.csv", quarter: AppClock.quarter, scopePath: county.scopePath,
                scopeCode: county.scopeCode,
                username: "county", apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
            // Nobody can sign a pair off before the quarter's reconciliation has run over it.
            var early = Browser(app)
            try await early.signIn("county", Fixture.password)
            try await early.get("/reconcile/150422")
            _ = try await early.post(
                "/reconcile/signoffs",
                form: [
                    "quarter": AppClock.quarter.description, "county": "\(f.countyA.id!)",
                    "inflow": "\(f.external.id!)", "side": "outflow",
                ])
            struct Count: Decodable { var n: Int }
            #expect(
                try await (app.db as! SQLDatabase).raw("SELECT COUNT(*) AS n FROM reconciliation_signoffs").first(
                    decoding: Count.self)?.n == 0)
            // The inflow side hands in its list: 张建国 and 赵六 (who never reported leaving), not 李秀英.
            let inflowList = try Self.write("姓名,公民身份号码,手机号码\n张建国,\(Fixture.idA),13904761234\n赵六,\(Self.zhao),\n")
            defer { try? FileManager.default.removeItem(atPath: inflowList) }
            let upload = try await InflowLedgerService.upload(
                path: inflowList, org: f.external, quarter: AppClock.quarter, username: "inflow", apply: true,
                cipher: app.cipher, gate: app.writeGate, on: app.db)
            #expect(upload.new == 2 && upload.rejected.isEmpty)

            let report = try await ReconcileService.run(
                quarter: AppClock.quarter, scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            let c = report.counts
            #expect(c["matched"] == 1)  // 王海涛: no inflow organization, county B not in the national export
            #expect(c["fieldConflict"] == 1)  // 张建国: phone differs from the national export
            #expect(c["oursNotInflow"] == 1)  // 李秀英: the inflow side did not list her
            #expect(c["oursNotNationalFlag"] == 1)  // 李秀英: national says 是否流动 否
            #expect(c["inflowNotOurs"] == 1)  // 赵六: listed by the inflow side, not flowing in ours
            #expect(c["nationalFlagNotOurs"] == 1)  // 赵六: national says 是否流动 是
            #expect(c["nationalNotOurs"] == 1)  // 新人
            #expect(c["oursNotNational"] == 1)  // 钱七
            #expect(c["lostDisagreement"] == 0)
            let byCategory = Dictionary(grouping: report.items, by: \.category)
            #expect(byCategory["fieldConflict"]?.first?.name == "张建国")
            #expect(byCategory["fieldConflict"]?.first?.ours["conflicts"] == "phone")
            #expect(byCategory["oursNotInflow"]?.first?.name == "李秀英")
            #expect(byCategory["inflowNotOurs"]?.first?.name == "赵六")
            #expect(byCategory["oursNotNational"]?.first?.name == "钱七")
            #expect(byCategory["nationalNotOurs"]?.first?.idTail == String(Self.newcomer.suffix(4)))
            let json = try JSONSerialization.jsonObject(with: report.json) as? [String: Any]
            #expect(Set(json?.keys.map { $0 } ?? []) == ["quarter", "scope", "counts", "items"])
            let first = (json?["items"] as? [[String: Any]])?.first
            #expect(Set(first?.keys.map { $0 } ?? []) == ["category", "idTail", "name", "ours", "inflow", "national"])
            // Running again changes nothing in the queue.
            _ = try await ReconcileService.run(
                quarter: AppClock.quarter, scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            struct N: Decodable { var n: Int }
            let sql = app.db as! SQLDatabase
            #expect(
                try await sql.raw("SELECT COUNT(*) AS n FROM reconciliation_items WHERE status = 'open'").first(
                    decoding: N.self)?.n == 7)

            // Scope: county B sees none of county A's items, cannot resolve them, cannot open their archives.
            var countyB = Browser(app)
            try await countyB.signIn("countyb", Fixture.password)
            let responseB = try await countyB.get("/reconcile/150402")
            #expect(responseB.status == .ok)
            let pageB = responseB.body.string
            #expect(!pageB.contains("张建国") && !pageB.contains("李秀英"))
            struct I: Decodable { var id: Int }
            let itemA = try #require(
                try await sql.raw("SELECT id FROM reconciliation_items WHERE category = 'fieldConflict'").first(
                    decoding: I.self)
            ).id
            #expect(try await countyB.post("/reconcile/items/\(itemA)", form: ["action": "fix"]).status == .notFound)
            #expect(try await countyB.get("/members/\(f.memberA.id!)/archive").status == .notFound)
            #expect(try await countyB.get("/reconcile/150422").status == .notFound)

            // County A works its queue: accept the national phone, fix or explain the rest.
            var countyA = Browser(app)
            try await countyA.signIn("county", Fixture.password)
            let imports = try await countyA.get("/imports")
            #expect(imports.status == .ok && imports.body.string.contains("全国党员管理信息系统导出"))
            // The sample holds full ID numbers: a GET only points to the form; a POST with a reason downloads it, audited.
            #expect(try await countyA.get("/imports/sample.xlsx").status == .seeOther)
            #expect(try await countyA.post("/imports/sample.xlsx", form: [:]).status == .unprocessableEntity)
            let sample = try await countyA.post("/imports/sample.xlsx", form: ["reason": "试导入演练"])
            #expect(
                sample.status == .ok
                    && sample.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(
                try await AuditEntry.query(on: app.db).filter(
                    \.$summary, .contains(inverse: false, .anywhere), "事由：试导入演练"
                ).count() == 1)
            let pageA = try await countyA.get("/reconcile/150422").body.string
            #expect(pageA.contains("张建国") && pageA.contains("信息不一致"), "\(pageA.prefix(3000))")
            #expect(try await countyA.post("/reconcile/items/\(itemA)", form: ["action": "accept"]).status == .seeOther)
            let phone = try await Member.find(f.memberA.id!, on: app.db)?.phoneTail
            #expect(phone == "9999")
            // The item is resolved now: a second action (a double click, a second tab) changes nothing and says so.
            let again = try await countyA.post(
                "/reconcile/items/\(itemA)", form: ["action": "explain", "note": "再说明一次"])
            #expect(again.status == .seeOther)
            #expect(try await countyA.get("/reconcile/150422").body.string.contains("该差异已处理"))
            struct Resolution: Decodable { var resolution: String?, note: String? }
            let stored = try await sql.raw(
                "SELECT resolution, note FROM reconciliation_items WHERE id = \(bind: itemA)"
            ).first(decoding: Resolution.self)
            #expect(stored?.resolution == "accepted" && stored?.note == nil)
            // “Ours, not on the inflow list” is the inflow organization's to answer: the county may see it, not close it.
            let notInflow = try #require(
                try await sql.raw("SELECT id FROM reconciliation_items WHERE category = 'oursNotInflow'").first(
                    decoding: I.self)
            ).id
            #expect(
                try await countyA.post(
                    "/reconcile/items/\(notInflow)", form: ["action": "explain", "note": "县里替流入地说明"]
                ).status == .forbidden)
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            try await inflow.get("/reconcile/X110105")
            let explainWithout = try await inflow.post(
                "/reconcile/items/\(notInflow)", form: ["action": "explain", "note": ""])
            #expect(
                explainWithout.status == .unprocessableEntity || explainWithout.status == .badRequest
                    || explainWithout.body.string.contains("请填写说明"))
            // Nor may the inflow side take “accept” on a roster member's record.
            #expect(
                try await inflow.post("/reconcile/items/\(notInflow)", form: ["action": "accept"]).status != .seeOther)
            struct Open: Decodable {
                var id: Int
                var county_id: Int?
                var inflow_org_id: Int?
                var assignee_org_id: Int
            }
            for item in try await sql.raw(
                "SELECT id, county_id, inflow_org_id, assignee_org_id FROM reconciliation_items WHERE status = 'open'"
            ).all(decoding: Open.self) {
                if item.assignee_org_id == f.external.id {
                    _ = try await inflow.post(
                        "/reconcile/items/\(item.id)", form: ["action": "explain", "note": "已与本人核实"])
                } else {
                    _ = try await countyA.post(
                        "/reconcile/items/\(item.id)", form: ["action": "explain", "note": "已与本人核实"])
                }
            }
            // The archive shows both sides, for the county and for the inflow organization the member reports to.
            let archive = try await countyA.get("/members/\(f.memberA.id!)/archive").body.string
            #expect(archive.contains("全国党员管理信息系统导出") && archive.contains("流入党员名单中有此人") && archive.contains("采纳对方"))
            #expect(try await inflow.get("/members/\(f.memberA.id!)/archive").status == .ok)
            let inflowImports = try await inflow.get("/imports")
            #expect(inflowImports.status == .ok && inflowImports.body.string.contains("确认以上名单"))
            #expect(try await inflow.get("/reconcile").status == .seeOther)
            let inflowQueue = try await inflow.get("/reconcile/X110105")
            #expect(inflowQueue.status == .ok && inflowQueue.body.string.contains("对账确认"))
            // Both sides sign the pair off; every pair signed freezes the quarter's ledger.
            let sign = [
                "quarter": AppClock.quarter.description, "county": "\(f.countyA.id!)", "inflow": "\(f.external.id!)",
            ]
            _ = try await countyA.post("/reconcile/signoffs", form: sign.merging(["side": "outflow"]) { a, _ in a })
            #expect(try await LedgerSnapshot.closed(on: app.db).isEmpty)
            #expect(
                try await countyB.post("/reconcile/signoffs", form: sign.merging(["side": "outflow"]) { a, _ in a })
                    .status == .forbidden)
            _ = try await inflow.post("/reconcile/signoffs", form: sign.merging(["side": "inflow"]) { a, _ in a })
            #expect(try await LedgerSnapshot.closed(on: app.db) == [AppClock.quarter])
            // The city's dashboard shows each county's progress.
            var city = Browser(app)
            try await city.signIn("city", Fixture.password)
            let home = try await city.get("/").body.string
            #expect(
                home.contains("对账进度")
                    && home.contains(
                        "<td>巴林左旗</td><td class=\"num\">7</td><td class=\"num\">7</td><td class=\"num\">100%</td><td class=\"num\">1</td><td class=\"num\">1</td>"
                    ), "\(home)")
        }
    }
}
