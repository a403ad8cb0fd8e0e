import Foundation
import Testing

@testable import LiudongCore

@Suite("Reading spreadsheets: ZIP, XML, .xlsx")
struct XLSXReaderTests {
    static func row(_ i: Int) -> LedgerRow {
        LedgerRow(
            name: "党员\(i) & <测试>", sex: "男", ethnicity: "蒙古族",
            birthDate: CalendarDate(year: 1980 + i % 20, month: 1 + i % 12, day: 1 + i % 28),
            education: "大学本科", idNumber: "150422198001010\(String(format: "%03d", i % 1000))",
            joinedOn: CalendarDate(year: 2000, month: 7, day: 1),
            category: "正式党员", branch: "东城村党支部", branchCode: "1504220101",
            leftOn: CalendarDate(year: 2026, month: 3, day: 1),
            destination: "北京市/北京市/朝阳区", addressEmployer: "某公司", reason: "务工经商", phone: "139****0000", inflowOrg: "",
            arrived: i % 2 == 0, lastContact: CalendarDate(year: 2026, month: 10, day: 1), status: "在外")
    }

    @Test func aWrittenLedgerReadsBackCellByCellAcrossManyChunks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString).xlsx")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LedgerXLSXWriter(path: path)
        try writer.beginSheet(name: "东城村党支部", title: "东城村党支部流动党员信息台账（2026年第四季度）")
        for i in 1...5000 { try writer.write(Self.row(i), serial: i) }
        try writer.close()
        let reader = try XLSXReader(path: path)
        #expect(reader.sheets.map(\.name) == ["东城村党支部"])
        var count = 0, last = 0
        try reader.rows { number, cells in
            count += 1
            #expect(number > last)
            last = number
            guard number >= 3 else { return }
            let i = number - 2
            #expect(cells[0] == .number(Double(i)))
            #expect(cells[1] == .text("党员\(i) & <测试>"))
            #expect(cells[6] == .text(Self.row(i).idNumber))
            // 出生年月 is a month: the writer stores the first of that month.
            if case .date(let serial)? = cells[4] {
                #expect(
                    XLSXValue.calendarDate(serial: serial)
                        == CalendarDate(year: Self.row(i).birthDate!.year, month: Self.row(i).birthDate!.month, day: 1))
            } else {
                Issue.record("row \(number): birth date is \(String(describing: cells[4]))")
            }
        }
        #expect(count == 5002)
        #expect(last == 5002)
    }

    @Test func theScannerGivesTheSameEventsWhateverTheChunking() throws {
        let xml =
            #"<?xml version="1.0"?><!-- note --><x:root a="1 &amp; 2" b='>'><c r="A1" t="s"><v>0</v></c><t>甲&lt;乙&#x4E19;&#19969;</t><e/><![CDATA[<raw>]]></x:root>"#
        func events(chunk: Int) throws -> [String] { try XMLScanner.events(xml, chunk: chunk) }
        let whole = try events(chunk: 1 << 20)
        #expect(
            whole
                == [
                    "<root a=1 & 2,b=>>", "<c r=A1,t=s>", "<v >", "0", "</v>", "</c>", "<t >", "甲<乙丙丁", "</t>", "<e /",
                    "<raw>", "</root>",
                ].map {
                    $0 == "<e /" ? "<e />" : $0
                })
        #expect(try events(chunk: 1) == whole)
        #expect(try events(chunk: 7) == whole)
    }

    @Test func excelSerialsAndReferences() {
        #expect(XLSXValue.calendarDate(serial: 1) == CalendarDate(year: 1900, month: 1, day: 1))
        #expect(XLSXValue.calendarDate(serial: 61) == CalendarDate(year: 1900, month: 3, day: 1))
        #expect(XLSXValue.calendarDate(serial: 37073) == CalendarDate(year: 2001, month: 7, day: 1))
        #expect(XLSXReader.reference("A1")! == (0, 1))
        #expect(XLSXReader.reference("BC12")! == (54, 12))
        #expect(XLSXReader.isDateFormat("yyyy-mm-dd"))
        #expect(XLSXReader.isDateFormat("yyyy\"年\"m\"月\"d\"日\""))
        #expect(!XLSXReader.isDateFormat("0.00"))
        #expect(!XLSXReader.isDateFormat("[Red]0"))
    }

    @Test func notAWorkbookIsAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("姓名,性别\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ZipArchive.Problem.self) { _ = try XLSXReader(path: path) }
    }
}
