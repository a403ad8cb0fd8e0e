// libFuzzer target over the readers an upload goes through: TableReader (.xlsx by its ZIP signature, else CSV in
// UTF-8/GB18030) feeding the national-export parser, the pairing-list reader and the dues-book reader (months, ranges, fen), row by row, and the scan check (ScanKind). Built by `make fuzz` with `swiftc -sanitize=fuzzer`
// from LiudongCore's own sources (no package needed). A crash, a trap or a leak here is a bug to fix and a
// regression fixture to commit under Tests/LiudongCoreTests/Fixtures/fuzz-regressions/.
import Foundation

private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("liudong-fuzz-\(getpid())").path
private var made = false

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    if !made {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        made = true
    }
    let path = directory + "/input"
    let bytes = Data(bytes: data, count: size)
    // The scan check behind every agreement upload (PDF/JPEG/PNG by their bytes).
    _ = ScanKind.sniff(UnsafeBufferPointer(start: data, count: size))
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return 0 }
    // Small limits so each input stays fast; the code paths are the same as the defaults'.
    var limits = ReadLimits()
    limits.entryBytes = 8 << 20
    limits.totalBytes = 16 << 20
    limits.ratioFloorBytes = 1 << 20
    limits.sharedStrings = 100_000
    limits.sharedStringBytes = 8 << 20
    limits.xmlTokenBytes = 256 << 10
    var parser = NationalExportParser(today: CalendarDate(year: 2026, month: 11, day: 30)!)
    var inflow = NationalExportParser(today: CalendarDate(year: 2026, month: 11, day: 30)!, required: [.name, .idNumber])
    var pairings = PairingSheet(maxRows: 1000)
    var dues = DuesBookSheet(maxRows: 1000)
    let today = CalendarDate(year: 2026, month: 11, day: 30)!
    _ = try? TableReader.rows(path: path, limits: limits) { row, cells in
        _ = try? inflow.consume(row: row, cells: cells)
        if let r = try? pairings.consume(row: row, cells: cells) { _ = PairingSheet.side(r[.side]) }
        // A dues book's rows: months, ranges, amounts in fen, dates.
        if let r = try? dues.consume(row: row, cells: cells) { _ = DuesBook.line(r, today: today) }
        if case .rejected(let r)? = try parser.consume(row: row, cells: cells) { _ = r.reason.count }
        for cell in cells {
            _ = cell.text
            _ = NationalExportParser.date(cell)
            _ = DuesBook.range(cell.text)
            _ = Fen.parse(cell.text)
        }
    }
    try? parser.finish()
    return 0
}
