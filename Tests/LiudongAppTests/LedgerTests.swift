import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// openpyxl reads the exported workbook as a second, independent reader (Debian python3-openpyxl; `.ci/run` installs it).
/// The first Python that has it: the one on PATH (may be a pyenv build without Debian's packages), else Debian's own.
let openpyxlPython: [String]? = {
    for candidate in [["/usr/bin/env", "python3"], ["/usr/bin/python3"]] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: candidate[0])
        p.arguments = Array(candidate.dropFirst()) + ["-c", "import openpyxl"]
        p.standardError = Pipe()
        guard (try? p.run()) != nil else { continue }
        p.waitUntilExit()
        if p.terminationStatus == 0 { return candidate }
    }
    return nil
}()
let openpyxlPresent = openpyxlPython != nil

@Suite("Ledgers and exports")
struct LedgerTests {
    /// Flows for 张建国 (branch A), 李秀英 (branch A2) and 王海涛 (county B), through reports and review.
    static func flows(_ app: Application, _ f: Fixture) async throws {
        let people = [
            ("张建国", Fixture.idA, f.branchA, "secretary"), ("李秀英", Fixture.idA2, f.branchA2, "committee"),
            ("王海涛", Fixture.idB, f.branchB, "secretaryb"),
        ]
        for (name, id, branch, reviewer) in people {
            _ = try await SelfReportTests.post(
                app, SelfReportTests.outflowJSON(org: branch.code, name: name, id: id, phone: "13904760000"))
            let r = try #require(try await SelfReport.query(on: app.db).filter(\.$name == name).first())
            try await ReviewActions.confirm(
                r, by: try await Fixture.user(app, reviewer), gate: app.writeGate, cipher: app.cipher, on: app.db)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theCommitteeBookListsBranchesInOrderWithSubtotalsAndScopesHold(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flows(app, f)
            var committee = Browser(app)
            try await committee.signIn("committee", Fixture.password)
            let book = try await committee.get("/ledger/\(f.committeeA.code)")
            #expect(book.status == .ok)
            let html = book.body.string
            let header = LedgerColumn.allCases.map { "<th>\($0.title)</th>" }.joined()
            #expect(html.contains(header))
            let first = try #require(html.range(of: "东城村党支部</h2>")),
                second = try #require(html.range(of: "西城村党支部</h2>"))
            #expect(first.lowerBound < second.lowerBound)
            #expect(html.components(separatedBy: "小计：1人").count == 3)
            #expect(html.contains(Masking.idNumber(Fixture.idA)))
            #expect(!html.contains("王海涛"))
            // Scope: another county's ledger and export are not found; a secretary may not unmask.
            #expect(try await committee.get("/ledger/\(f.countyB.code)").status == .notFound)
            #expect(try await committee.get("/ledger/\(f.countyB.code)/export?format=csv").status == .notFound)
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let table = try await secretary.get("/ledger/\(f.branchA.code)")
            #expect(table.body.string.contains("张建国"))
            #expect(!table.body.string.contains("李秀英"))
            try await secretary.get("/ledger/\(f.branchA.code)")
            #expect(
                try await secretary.post("/ledger/\(f.branchA.code)/export", form: ["format": "csv", "reason": "上报"])
                    .status == .forbidden)
            #expect(try await secretary.get("/ledger/\(f.branchA2.code)").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theCountyDatabaseFiltersAndPages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flows(app, f)
            var county = Browser(app)
            try await county.signIn("city", Fixture.password)
            let all = try await county.get("/ledger/150400")
            #expect(all.body.string.contains("共 3 人"))
            let named = try await county.get("/ledger/150400?q=%E6%9D%8E")  // 李
            #expect(named.body.string.contains("共 1 人"))
            let beijing = try await county.get("/ledger/150400?province=110000")
            #expect(beijing.body.string.contains("共 3 人"))
            let hebei = try await county.get("/ledger/150400?province=130000")
            #expect(hebei.body.string.contains("共 0 人"))
            let reason = try await county.get("/ledger/150400?reason=5")
            #expect(reason.body.string.contains("共 0 人"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func exportsOpenWithTheRightCellsAndUnmaskingIsAudited(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flows(app, f)
            var city = Browser(app)
            try await city.signIn("city", Fixture.password)
            let csv = try await city.get("/ledger/\(f.committeeA.code)/export?format=csv")
            #expect(csv.status == .ok)
            let bytes = Array(csv.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines[0].hasSuffix("流动党员信息台账（\(AppClock.quarter.chinese)）"))
            #expect(lines[1] == LedgerColumn.allCases.map(\.title).joined(separator: ","))
            #expect(
                lines[2].hasPrefix("1,张建国,男,汉族,1985.03,大学专科,\(Masking.idNumber(Fixture.idA)),2010-07-01,正式党员,东城村党支部,"))
            #expect(lines[2].contains("北京市/北京市/朝阳区"))
            #expect(!text.contains(Fixture.idA))

            try await city.get("/ledger/150400")
            let full = try await city.post(
                "/ledger/\(f.committeeA.code)/export", form: ["format": "xlsx", "reason": "上报组织部"])
            #expect(full.status == .ok)
            #expect(full.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let entries = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.export.rawValue).all()
            #expect(entries.count == 2)
            #expect(entries.contains { $0.summary.contains("含完整身份证号，事由：上报组织部") })
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(UUID().uuidString).xlsx")
                .path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(full.body.readableBytesView).write(to: URL(fileURLWithPath: path))
            // First reader: the project's own (the one imports use), cell by cell with types.
            let reader = try XLSXReader(path: path)
            #expect(reader.sheets.map(\.name) == ["东城村党支部", "西城村党支部", "汇总"])
            var rows: [Int: [XLSXValue?]] = [:]
            try reader.rows(sheet: 0) { rows[$0] = $1 }
            #expect(rows[1]?.first??.description.hasSuffix("流动党员信息台账（\(AppClock.quarter.chinese)）") == true)
            #expect(rows[2]?.compactMap { $0?.description } == LedgerColumn.allCases.map(\.title))
            let line = try #require(rows[3])
            #expect(line[0] == .number(1))
            #expect(line[1] == .text("张建国"))
            #expect(line[6] == .text(Fixture.idA))
            guard case .date(let born)? = line[4], case .date(let joined)? = line[7] else {
                Issue.record("dates are not date cells: \(line)")
                return
            }
            #expect(XLSXValue.calendarDate(serial: born).map { [$0.year, $0.month] } == [1985, 3])
            #expect(XLSXValue.calendarDate(serial: joined) == CalendarDate(year: 2010, month: 7, day: 1))
            #expect(rows[4]?[1] == .text("小计（人）") && rows[4]?[2] == .number(1))
            var summary: [[XLSXValue?]] = []
            try reader.rows(sheet: 2) { summary.append($1) }
            #expect(summary.last.map { Array($0.dropFirst()) } == [.text("合计"), .number(2)])
            guard openpyxlPresent else {
                #expect(
                    ProcessInfo.processInfo.environment["LIUDONG_CI"] != "1", "CI must check the workbook with openpyxl"
                )
                return
            }
            let script = """
                import openpyxl, datetime, sys
                wb = openpyxl.load_workbook(sys.argv[1])
                assert wb.sheetnames == ["东城村党支部", "西城村党支部", "汇总"], wb.sheetnames
                ws = wb["东城村党支部"]
                assert ws["A1"].value.endswith("流动党员信息台账（\(AppClock.quarter.chinese)）"), ws["A1"].value
                assert ws.freeze_panes == "A3", ws.freeze_panes
                assert ws["A2"].value == "序号" and ws["A2"].font.b
                row = [c.value for c in ws[3]]
                assert row[0] == 1 and row[1] == "张建国", row
                assert ws["G3"].data_type == "s" and row[6] == "\(Fixture.idA)", row[6]
                assert isinstance(row[4], datetime.datetime) and row[4].year == 1985 and row[4].month == 3, row[4]
                assert isinstance(row[7], datetime.datetime) and row[7].date() == datetime.date(2010, 7, 1), row[7]
                assert ws["B4"].value == "小计（人）" and ws["C4"].value == 1
                s = wb["汇总"]
                assert [c.value for c in s[s.max_row]] == [None, "合计", 2], [c.value for c in s[s.max_row]]
                print("openpyxl ok")
                """
            let p = Process()
            let python = openpyxlPython ?? ["/usr/bin/env", "python3"]
            p.executableURL = URL(fileURLWithPath: python[0])
            p.arguments = Array(python.dropFirst()) + ["-c", script, path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(output)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func pagesWriteNoSessionForTokensAndNoSessionUpdateWhenNothingChanged(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let sql = app.db as! SQLDatabase
            struct N: Decodable { var n: Int }
            func sessions() async throws -> Int {
                try await sql.raw("SELECT COUNT(*) AS n FROM _fluent_sessions").first(decoding: N.self)?.n ?? -1
            }
            let api = try await APIClient.signIn(app, "secretary", Fixture.password)
            let before = try await sessions()
            let page = try await api.get("/ledger/\(f.branchA.code)")
            #expect(page.status == .ok && page.headers[.setCookie].isEmpty)
            #expect(try await sessions() == before)
            // A plain page view leaves the browser's session as it was (so SkipUnchangedSessions has nothing to write).
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            try await browser.get("/ledger/\(f.branchA.code)")
            struct D: Decodable { var data: String }
            let stored = try await sql.raw("SELECT data FROM _fluent_sessions").all(decoding: D.self).map(\.data)
            try await browser.get("/ledger/\(f.branchA.code)")
            try await browser.get("/")
            #expect(try await sql.raw("SELECT data FROM _fluent_sessions").all(decoding: D.self).map(\.data) == stored)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aClosedQuarterStaysAsItWasAndTheChangePageShowsTheDifference(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.flows(app, f)
            let last = try #require(AppClock.quarter.previous)
            let frozen = try await LedgerSnapshot.close(last, by: "test", gate: app.writeGate, on: app.db)
            #expect(frozen == 3)
            await #expect(throws: AppError.self) {
                _ = try await LedgerSnapshot.close(last, by: "test", gate: app.writeGate, on: app.db)
            }
            await #expect(throws: AppError.self) {
                _ = try await LedgerSnapshot.close(
                    AppClock.quarter.next ?? AppClock.quarter, by: "test", gate: app.writeGate, on: app.db)
            }
            // 张建国 comes home after the quarter was frozen.
            _ = try await SelfReportTests.post(
                app, #"{"kind":"return","orgCode":"\#(f.branchA.code)","name":"张建国","idNumber":"\#(Fixture.idA)"}"#)
            let back = try #require(try await SelfReport.query(on: app.db).filter(\.$kind == .return).first())
            try await ReviewActions.confirm(
                back, by: try await Fixture.user(app, "secretary"), gate: app.writeGate, cipher: app.cipher, on: app.db)

            var city = Browser(app)
            try await city.signIn("city", Fixture.password)
            #expect(try await city.get("/ledger/150400").body.string.contains("共 2 人"))
            let past = try await city.get("/ledger/150400?quarter=\(last)")
            #expect(past.body.string.contains("共 3 人"))
            #expect(past.body.string.contains("张建国"))
            #expect(try await city.get("/ledger/150400?quarter=2001Q1").status == .badRequest)
            let changes = try await city.get("/ledger/150400/changes?from=\(last)&to=\(AppClock.quarter)")
            #expect(changes.body.string.contains("减少 1 人"))
            #expect(changes.body.string.contains("<td>减少</td><td>张建国</td>"))
            let csv = try await city.get("/ledger/\(f.branchA.code)/export?format=csv&quarter=\(last)")
            #expect(String(decoding: csv.body.readableBytesView, as: UTF8.self).contains("张建国"))
        }
    }
}
