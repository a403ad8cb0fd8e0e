import Foundation
import Testing

@testable import LiudongCore

@Suite("Ledger CSV: no cell runs as a formula")
struct CSVInjectionTests {
    @Test func formulaLeadsGetAQuoteAndOurOwnIDTabStays() throws {
        for (raw, expected) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+86 138", "'+86 138"), ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"), ("\t=1+1", "'\t=1+1"), ("\r=1", "'\r=1"), ("北京市朝阳区", "北京市朝阳区"),
            ("\t150422198001010011", "\t150422198001010011"), ("\t1504221980010100X", "\t1504221980010100X"), ("", ""),
        ] {
            #expect(LedgerCSVWriter.neutralize(raw) == expected, "\(raw)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inj-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try LedgerCSVWriter(path: path)
        var row = XLSXReaderTests.row(1)
        row.addressEmployer = "=cmd|' /C calc'!A0"
        row.idNumber = "150422198001010011"
        w.write(row, serial: 1)
        w.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("'=cmd|' /C calc'!A0"))
        #expect(!text.contains(",=cmd"))
        #expect(text.contains("\t150422198001010011"))
    }
}

@Suite("Ledger .xlsx: sheet names from branch names")
struct SheetNameTests {
    @Test func anyBranchNamesMakeABookWithDistinctSheets() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let book = try LedgerXLSXWriter(path: path)
        let names = [
            "汇总", "东城村党支部", "东城村党支部", "东城/村党支部", "东城:村党支部", "ABC", "abc", "History", "'引号'", "",
            String(repeating: "长", count: 40), String(repeating: "长", count: 40) + "乙", "tab\there",
        ]
        for n in names {
            try book.beginSheet(name: n, title: n)
            try book.write(XLSXReaderTests.row(1), serial: 1)
        }
        try book.writeSummary(
            title: "汇总", header: ["序号", "党支部", "人数"], rows: [["1", "东城村党支部", "1"]], total: ["", "合计", "1"])
        try book.close()
        let sheets = try XLSXReader(path: path).sheets.map(\.name)
        #expect(sheets.count == names.count + 1)
        #expect(Set(sheets.map { $0.lowercased() }).count == sheets.count)
        #expect(sheets.last == "汇总" && sheets.first == "汇总(2)")
        #expect(
            sheets.allSatisfy {
                $0.unicodeScalars.count <= 31 && !$0.hasPrefix("'") && !$0.contains("/") && $0.lowercased() != "history"
            })
    }
}
