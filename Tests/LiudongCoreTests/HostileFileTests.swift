import Foundation
import Testing

@testable import LiudongCore

/// Files an attacker (or an unlucky export) sends: each must be refused with a reason, never trap or run away.
@Suite("Hostile files: every reader refuses, none traps")
struct HostileFileTests {
    /// Reads every row of a crafted file through the same path the import uses; returns the error, if any.
    static func readAll(_ zip: ZipBuilder, limits: ReadLimits = .standard) throws -> (
        rows: [[TableCell]], error: Error?
    ) {
        let path = try zip.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return readAll(path: path, limits: limits)
    }

    static func readAll(path: String, limits: ReadLimits = .standard) -> (rows: [[TableCell]], error: Error?) {
        var rows: [[TableCell]] = []
        do {
            try TableReader.rows(path: path, limits: limits) { _, cells in rows.append(cells) }
            return (rows, nil)
        } catch {
            return (rows, error)
        }
    }

    @Test func cellReferencesBeyondExcelAreRefusedNotOverflowed() throws {
        for ref in ["AAAAAAAAAAAAAAAA1", "ZZZZZZZ1", "A99999999999999999999", "A1048577"] {
            let zip = ZipBuilder.workbook(
                sheetData: #"<row r="1"><c r="\#(ref)" t="inlineStr"><is><t>x</t></is></c></row>"#)
            let (_, error) = try Self.readAll(zip)
            #expect(error is XLSXReader.Problem, "\(ref): \(String(describing: error))")
        }
        #expect(XLSXReader.reference("AAAAAAAAAAAAAAAA1") == nil)
        #expect(XLSXReader.reference("XFD1048576")! == (16_383, 1_048_576))
    }

    @Test func aCellFarToTheRightIsALimitNotGigabytesOfEmptyCells() throws {
        let zip = ZipBuilder.workbook(sheetData: #"<row r="1"><c r="XFD1"><v>1</v></c></row>"#)
        let (_, error) = try Self.readAll(zip)
        #expect((error as? LimitExceeded)?.description.contains("列数超过上限") == true)
    }

    @Test func rowNumbersOutsideExcelAreRefused() throws {
        let zip = ZipBuilder.workbook(sheetData: #"<row r="99999999999999999999999"><c r="A1"><v>1</v></c></row>"#)
        #expect(try Self.readAll(zip).error is XLSXReader.Problem)
    }

    @Test func numericDatesThatAreNotNumbersNeverReachInt() throws {
        let values = ["1e300", "-1e300", "NaN", "nan", "inf", "-inf", "1.7976931348623157e308", "9e18", "2958466"]
        let cells = values.enumerated().map {
            #"<c r="\#(Character(Unicode.Scalar(65 + $0.offset)!))2" s="1"><v>\#($0.element)</v></c>"#
        }.joined()
        let zip = ZipBuilder.workbook(sheetData: #"<row r="2">\#(cells)</row>"#)
        let (rows, error) = try Self.readAll(zip)
        #expect(error == nil)
        #expect(rows.count == 1)
        for cell in rows.first ?? [] {
            _ = cell.text
            #expect(NationalExportParser.date(cell) == nil)
        }
        for d in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9e18] {
            #expect(XLSXValue.calendarDate(serial: d) == nil)
            _ = XLSXValue.date(d).description
        }
    }

    @Test func sizesThatOverflowOrPointOutsideTheFileAreRefused() throws {
        // An entry whose zip64 extra field is too short for the values it claims to hold.
        var shortExtra = ZipBuilder.workbook(sheetData: "")
        shortExtra.items[0].sizeField = 0xFFFF_FFFF
        shortExtra.items[0].centralExtra = le16(0x0001) + le16(4) + le32(7)
        #expect(try Self.readAll(shortExtra).error is ZipArchive.Problem)

        // A zip64 record whose directory offset plus size overflows, and one with 2^64-1 entries.
        for (count, size, offset) in [
            (UInt64(1), UInt64(100), UInt64.max - 10), (UInt64.max, UInt64(46), UInt64(0)),
            (UInt64(1), UInt64.max, UInt64(5)),
        ] {
            var zip = ZipBuilder.workbook(sheetData: "")
            let file = zip.bytes()
            let recordOffset = UInt64(file.count - 22)  // the record goes where the end record was
            var record = le32(0x0606_4b50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
            record += le64(count) + le64(count) + le64(size) + le64(offset)
            let locator = le32(0x0706_4b50) + le32(0) + le64(recordOffset) + le32(1)
            zip.beforeEnd = record + locator
            let error = try Self.readAll(zip).error
            #expect(
                error is ZipArchive.Problem || error is LimitExceeded,
                "\(count) \(size) \(offset): \(String(describing: error))")
        }

        // A local header offset far past the end of the file.
        var farOffset = ZipBuilder.workbook(sheetData: "")
        farOffset.items[farOffset.items.count - 1].offsetField = 0xFFFF_FFFF
        farOffset.items[farOffset.items.count - 1].centralExtra = le16(0x0001) + le16(8) + le64(UInt64.max)
        #expect(try Self.readAll(farOffset).error is ZipArchive.Problem)

        // A directory that claims 65,535 entries but holds five.
        var manyEntries = ZipBuilder.workbook(sheetData: "")
        manyEntries.entryCountOverride = 0xFFFF
        let many = try Self.readAll(manyEntries).error
        #expect(many is ZipArchive.Problem || many is LimitExceeded)
    }

    /// A kilobyte of spaces and an empty tag: well-formed, compresses a thousandfold.
    static let filler = String(repeating: " ", count: 1020) + "<x/>"

    @Test func aZipBombStopsAtTheFirstLimit() throws {
        // 64 MB of text and tags inside the sheet, honestly declared: refused by the compression ratio once 16 MB came out.
        var honest = ZipBuilder.workbook(sheetData: "")
        honest.items.removeLast()
        honest.addDeflatedRun("xl/worksheets/sheet1.xml", pattern: Self.filler, count: 64 << 20)
        let e1 = try Self.readAll(honest).error
        #expect((e1 as? LimitExceeded)?.description.contains("压缩比") == true, "\(String(describing: e1))")

        // The same bytes declared as 1 kB: refused as soon as the output passes the declared size.
        var lying = ZipBuilder.workbook(sheetData: "")
        lying.items.removeLast()
        lying.addDeflatedRun("xl/worksheets/sheet1.xml", pattern: Self.filler, count: 8 << 20, declaredSize: 1024)
        #expect(try Self.readAll(lying).error is ZipArchive.Problem)

        // A declared size past the per-entry limit is refused before inflating anything.
        var limits = ReadLimits()
        limits.entryBytes = 1 << 20
        var big = ZipBuilder.workbook(sheetData: "")
        big.items.removeLast()
        big.addDeflatedRun("xl/worksheets/sheet1.xml", pattern: Self.filler, count: 2 << 20)
        #expect((try Self.readAll(big, limits: limits).error as? LimitExceeded) != nil)

        // And the total over all entries.
        limits = ReadLimits()
        limits.totalBytes = 600
        let rows = (1...20).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>第\#($0)行</t></is></c></row>"# }
            .joined()
        #expect((try Self.readAll(ZipBuilder.workbook(sheetData: rows), limits: limits).error as? LimitExceeded) != nil)
    }

    @Test func sharedStringsAndCellsHaveLimits() throws {
        var limits = ReadLimits()
        limits.sharedStrings = 3
        let many = "<sst>" + String(repeating: "<si><t>甲</t></si>", count: 10) + "</sst>"
        let zip = ZipBuilder.workbook(sheetData: #"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, sharedStrings: many)
        #expect((try Self.readAll(zip, limits: limits).error as? LimitExceeded) != nil)
        #expect(try Self.readAll(zip).error == nil)

        limits = ReadLimits()
        limits.fieldBytes = 100
        let long = String(repeating: "长", count: 200)
        let inline = ZipBuilder.workbook(
            sheetData: #"<row r="1"><c r="A1" t="inlineStr"><is><t>\#(long)</t></is></c></row>"#)
        #expect((try Self.readAll(inline, limits: limits).error as? LimitExceeded) != nil)
        let shared = ZipBuilder.workbook(
            sheetData: #"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
            sharedStrings: "<sst><si><t>\(long)</t></si></sst>")
        #expect((try Self.readAll(shared, limits: limits).error as? LimitExceeded) != nil)
    }

    @Test func anUnendingTagOrTextIsRefusedByTheScanner() throws {
        var scanner = XMLScanner(maxTokenBytes: 1 << 16)
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 12)
        var threw: Error?
        var events = 0
        do {
            try [UInt8]("<root attr=\"".utf8).withUnsafeBytes { try scanner.feed($0) { _ in events += 1 } }
            for _ in 0..<64 { try chunk.withUnsafeBytes { try scanner.feed($0) { _ in events += 1 } } }
        } catch { threw = error }
        #expect(threw is LimitExceeded)
        #expect(events == 0)
    }

    @Test func theScannerKeepsItsPlaceAcrossChunksInsideLongTokens() throws {
        let text = String(repeating: "文本&amp;", count: 5000)
        let xml =
            "<a k=\"x>y\" j='\">'>\(text)</a><!-- \(String(repeating: "-", count: 3000)) --><![CDATA[\(String(repeating: "]", count: 2000))]]><b/>"
        func events(chunk: Int) throws -> [String] {
            // Text may arrive in pieces; join neighbours so chunking does not matter.
            try XMLScanner.events(xml, chunk: chunk).reduce(into: [String]()) { acc, s in
                if let last = acc.last, !last.hasPrefix("<"), !s.hasPrefix("<") {
                    acc[acc.count - 1] += s
                } else {
                    acc.append(s)
                }
            }
        }
        let whole = try events(chunk: 1 << 20)
        #expect(whole.first == "<a j=\">,k=x>y>")
        #expect(whole.contains(String(repeating: "]", count: 2000)))
        #expect(whole.last == "<b />")
        for size in [1, 2, 3, 5, 64, 1000, 4096] { #expect(try events(chunk: size) == whole, "chunk \(size)") }
        // Bare ampersands stay as they are (and are scanned once, not once per ampersand).
        var scanner = XMLScanner()
        var got = ""
        let amps = "<t>" + String(repeating: "&", count: 50_000) + "&lt;</t>"
        try Array(amps.utf8).withUnsafeBytes { try scanner.feed($0) { if case .text(let t) = $0 { got += t } } }
        #expect(got.count == 50_001 && got.hasSuffix("&&<") && got.allSatisfy { $0 == "&" || $0 == "<" })
    }

    @Test func csvFieldsAndRecordsHaveLimits() throws {
        var limits = ReadLimits()
        limits.fieldBytes = 1000
        limits.columns = 50
        func parse(_ text: String) -> Error? {
            var parser = CSVParser(limits: limits)
            do {
                try Array(text.utf8).withUnsafeBytes { try parser.feed($0) { _, _ in } }
                try parser.finish { _, _ in }
                return nil
            } catch { return error }
        }
        #expect(parse("a,b\n1,2\n") == nil)
        #expect(parse(String(repeating: ",", count: 100) + "\n") is LimitExceeded)
        #expect(parse("\"" + String(repeating: "x", count: 2000) + "\"\n") is LimitExceeded)
        #expect(parse(String(repeating: "y", count: 2000)) is LimitExceeded)
        // The defaults: 1,024 fields and 128 kB per field.
        var parser = CSVParser()
        let commas = [UInt8](repeating: UInt8(ascii: ","), count: 1 << 20)
        #expect(throws: LimitExceeded.self) { try commas.withUnsafeBytes { try parser.feed($0) { _, _ in } } }
    }

    /// Two 100-byte files that trap ZIPFoundation 0.9.20 (in `Data.readStruct(from:at:)` while listing entries, and in
    /// `Archive.readUncompressed`): our reader refuses them with a reason. Why the container is read by our own code.
    @Test func theFilesThatTrapZIPFoundationAreRefused() throws {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            Issue.record("no fixtures")
            return
        }
        for name in ["zip64-local-offset-2^64-1.xlsx", "zip64-sizes-near-2^64.xlsx"] {
            let error = Self.readAll(path: dir.appendingPathComponent("fuzz-regressions/" + name).path).error
            #expect(error is ZipArchive.Problem || error is LimitExceeded, "\(name): \(String(describing: error))")
        }
    }

    @Test func everyCommittedFixtureReadsWithoutTrapping() throws {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            Issue.record("no fixtures")
            return
        }
        for sub in ["", "fuzz-regressions"] {
            let folder = sub.isEmpty ? dir : dir.appendingPathComponent(sub)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            where !name.hasSuffix(".py") {
                var isDir: ObjCBool = false
                let path = folder.appendingPathComponent(name).path
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
                    continue
                }
                var parser = NationalExportParser()
                _ = try? TableReader.rows(path: path) { row, cells in _ = try parser.consume(row: row, cells: cells) }
            }
        }
    }
}
