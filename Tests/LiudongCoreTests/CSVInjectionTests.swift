import Foundation
@testable import LiudongCore
import Testing

@Suite("Ledger CSV: no cell runs as a formula")
struct CSVInjectionTests {
    @Test func formulaLeadsGetAQuoteAndOurOwnIDTabStays() throws {
        for (raw, expected) in [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+86 138", "'+86 138"), ("-2+3", "'-2+3"),
                                ("@SUM(A1)", "'@SUM(A1)"), ("\t=1+1", "'\t=1+1"), ("\r=1", "'\r=1"), ("北京市朝阳区", "北京市朝阳区"),
                                ("\t150422198001010011", "\t150422198001010011"), ("\t1504221980010100X", "\t1504221980010100X"), ("", "")] {
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
