import Foundation
import Testing

@testable import LiudongCore

/// The messy national exports under Fixtures/ (built by Fixtures/make_fixtures.py), read row by row.
@Suite("National export parsing")
struct NationalExportTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 29)!

    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")).path
    }

    static func parse(_ name: String) throws -> (
        records: [Int: NationalRecord], rejected: [Int: String], header: Int?, kind: TableReader.Kind,
        encoding: TextEncoding?
    ) {
        var parser = NationalExportParser(today: today)
        var records: [Int: NationalRecord] = [:], rejected: [Int: String] = [:]
        let info = try TableReader.rows(path: try fixture(name)) { row, cells in
            switch try parser.consume(row: row, cells: cells) {
            case .record(let r)?: records[row] = r
            case .rejected(let r)?: rejected[row] = r.reason
            case nil: break
            }
        }
        try parser.finish()
        return (records, rejected, parser.headerRow, info.kind, info.encoding)
    }

    @Test func aGB18030CSVWithATitleFullWidthHeadersAndMixedDates() throws {
        let r = try Self.parse("national-gb18030.csv")
        #expect(r.kind == .csv && r.encoding == .gb18030)
        #expect(r.header == 3)
        #expect(r.rejected.isEmpty, "\(r.rejected)")
        #expect(r.records.keys.sorted() == [4, 5, 6])
        let zhao = try #require(r.records[4])
        #expect(zhao.name == "赵丽" && zhao.idNumber == "150422198805121010" && zhao.sex == .female)
        #expect(zhao.birthDate == CalendarDate(year: 1988, month: 5, day: 12))
        #expect(zhao.joinedOn == CalendarDate(year: 2010, month: 7, day: 1))
        #expect(zhao.fullOn == CalendarDate(year: 2011, month: 7, day: 1))
        #expect(zhao.isMobile && !zhao.isLost && zhao.phone == "13904761111" && zhao.education == "undergraduate")
        let qian = try #require(r.records[5])
        #expect(qian.name == "钱军")  // full-width space inside the name removed
        #expect(qian.idNumber == "15042219760203238X")  // spaces removed, lower-case x upper-cased
        #expect(qian.phone == "13904762222")  // full-width digits folded
        #expect(qian.birthDate == CalendarDate(year: 1976, month: 2, day: 3))
        #expect(qian.joinedOn == CalendarDate(year: 1999, month: 7, day: 1))
        #expect(qian.fullOn == CalendarDate(year: 2000, month: 7, day: 1))
        #expect(qian.branchName == "林东镇东城村党支部" && qian.education == "college" && qian.ethnicity == "蒙古族")
        let sun = try #require(r.records[6])
        #expect(
            sun.name == "孙悦" && sun.branchName == "西城村党支部" && sun.phone == nil && sun.isLost
                && sun.education == "postgraduate")
    }

    @Test func anXLSXWithTitleRowsSerialDatesAScientificIDABadCheckDigitAndADuplicate() throws {
        let r = try Self.parse("national-title-serial.xlsx")
        #expect(r.kind == .xlsx && r.header == 3)
        #expect(r.records.keys.sorted() == [4, 8])
        let li = try #require(r.records[4])
        #expect(li.idNumber == "150422198506104376" && li.birthDate == CalendarDate(year: 1985, month: 6, day: 10))
        #expect(
            li.joinedOn == CalendarDate(year: 2008, month: 7, day: 1) && li.isMobile && li.employer == "北京某建筑公司 项目经理")
        #expect(r.rejected[5]?.contains("科学计数法") == true)
        #expect(r.rejected[6] == "公民身份号码校验位不正确，请核对")
        #expect(r.rejected[7] == "公民身份号码与第4行重复")
        // Row 8 parses (dates from plain serial numbers); its unknown branch is the app's to reject.
        let zheng = try #require(r.records[8])
        #expect(
            zheng.birthDate == CalendarDate(year: 1999, month: 3, day: 15)
                && zheng.joinedOn == CalendarDate(year: 2025, month: 7, day: 1))
        #expect(zheng.branchName == "不存在的党支部" && zheng.category == "probationary")
    }

    @Test func aUTF8CSVWithEveryDateSpellingAndEveryRejection() throws {
        let r = try Self.parse("national-utf8-bom.csv")
        #expect(r.encoding == .utf8 && r.header == 1)
        #expect(r.rejected[2]?.contains("科学计数法") == true)
        #expect(r.rejected[3] == "公民身份号码校验位不正确，请核对")
        #expect(r.records[4]?.joinedOn == CalendarDate(year: 2001, month: 7, day: 1))
        #expect(r.rejected[5] == "公民身份号码与第4行重复")
        #expect(r.records[6]?.birthDate == CalendarDate(year: 1993, month: 9, day: 9))
        #expect(r.records[6]?.joinedOn == CalendarDate(year: 2001, month: 7, day: 1))
        #expect(r.records[7]?.joinedOn == CalendarDate(year: 2001, month: 7, day: 1))  // 37073 as an Excel serial
        #expect(r.rejected[8] == "入党日期“七月一日”无法识别，应为日期，如2001-07-01")
        #expect(r.records.count + r.rejected.count == 7)
    }

    @Test func datesInEverySpelling() {
        let july = CalendarDate(year: 2001, month: 7, day: 1)
        for s in [
            "2001-07-01", "2001/7/1", "2001.07.01", "2001.07", "20010701", "2001年7月1日", "2001年7月", "２００１－０７－０１",
            "2001-07-01 00:00:00",
        ] {
            #expect(NationalExportParser.date(.text(s)) == july, "\(s)")
        }
        #expect(NationalExportParser.date(.date(37073)) == july)
        #expect(NationalExportParser.date(.number(37073)) == july)
        #expect(NationalExportParser.date(.number(20010701)) == july)
        #expect(NationalExportParser.date(.text("2001-13-01")) == nil)
    }

    @Test func csvQuotingAndEncodingDetection() throws {
        var parser = CSVParser()
        var rows: [(Int, [String])] = []
        let text = "a,\"b,1\",\"say \"\"hi\"\"\"\r\n\r\n\"multi\nline\",x\nlast,row"
        try Array(text.utf8).withUnsafeBytes { try parser.feed($0) { rows.append(($0, $1)) } }
        try parser.finish { rows.append(($0, $1)) }
        #expect(rows.map(\.0) == [1, 3, 4])
        #expect(rows[0].1 == ["a", "b,1", "say \"hi\""])
        #expect(rows[1].1 == ["multi\nline", "x"])
        #expect(rows[2].1 == ["last", "row"])
        #expect(TextEncoding.detect(Array("姓名".utf8)) == .utf8)
        #expect(TextEncoding.detect(Array("姓名".utf8).dropLast()) == .utf8)  // cut off mid-character
        #expect(TextEncoding.detect([0xD0, 0xD5, 0xC3, 0xFB]) == .gb18030)  // 姓名 in GBK
        // A GB18030 character split across chunks decodes whole.
        let decoder = try GB18030Decoder()
        let gbk: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB]
        var out: [UInt8] = []
        for b in gbk { out += try [b].withUnsafeBytes { try decoder.decode($0) } }
        try decoder.finish()
        #expect(String(decoding: out, as: UTF8.self) == "姓名")
    }
}
