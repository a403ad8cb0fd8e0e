import CXlsxWriter
import Foundation

/// Writes ledger sheets to .xlsx with libxlsxwriter in constant-memory mode: rows go to disk as they come.
public final class LedgerXLSXWriter {
    public enum Problem: Error, CustomStringConvertible {
        case cannotCreate(String), writeFailed(String)
        public var description: String {
            switch self {
            case .cannotCreate(let p): return "cannot create \(p)"
            case .writeFailed(let m): return "xlsx write failed: \(m)"
            }
        }
    }

    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private let titleFormat, headerFormat, textFormat, dateFormat, monthFormat, numberFormat,
        subtotalFormat: UnsafeMutablePointer<lxw_format>
    private var sheet: UnsafeMutablePointer<lxw_worksheet>?
    private var row: UInt32 = 0
    private var closed = false
    /// Sheet names taken, folded the way Excel compares them (case-insensitively); “汇总” is kept for the summary.
    private var sheetNames: Set<String> = [summarySheet.lowercased()]
    static let summarySheet = "汇总"

    public init(path: String) throws {
        var options = lxw_workbook_options()
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        guard let wb = workbook_new_opt(path, &options) else { throw Problem.cannotCreate(path) }
        workbook = wb
        func format(_ configure: (UnsafeMutablePointer<lxw_format>) -> Void) -> UnsafeMutablePointer<lxw_format> {
            let f = workbook_add_format(wb)!
            format_set_font_name(f, "宋体")
            configure(f)
            return f
        }
        titleFormat = format {
            format_set_bold($0)
            format_set_font_size($0, 16)
            format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue))
        }
        headerFormat = format {
            format_set_bold($0)
            format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bg_color($0, 0xF2DCDB)
            format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue))
            format_set_text_wrap($0)
        }
        textFormat = format {
            format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_num_format($0, "@")
        }
        dateFormat = format {
            format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_num_format($0, "yyyy-mm-dd")
        }
        monthFormat = format {
            format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_num_format($0, "yyyy.mm")
        }
        numberFormat = format { format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue)) }
        subtotalFormat = format {
            format_set_bold($0)
            format_set_border($0, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bg_color($0, 0xF5F5F5)
        }
    }

    deinit { if !closed { workbook_close(workbook) } }

    /// A sheet name Excel accepts and no other sheet of this book has: without `[]:*?/\` and control characters, not
    /// starting or ending with an apostrophe, at most 31 characters, not “History”, unique ignoring case (“(2)”, “(3)”…).
    func uniqueSheetName(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView(
            raw.unicodeScalars.filter {
                !"[]:*?/\\".unicodeScalars.contains($0) && $0.value >= 0x20 && $0.value != 0x7F
            })
        while scalars.first == "'" { scalars.removeFirst() }
        var base = String(String.UnicodeScalarView(scalars.prefix(31)))
        while base.hasSuffix("'") { base.removeLast() }
        if base.trimmingCharacters(in: .whitespaces).isEmpty || base.lowercased() == "history" { base = "Sheet" }
        var name = base
        var n = 2
        while sheetNames.contains(name.lowercased()) {
            let suffix = "(\(n))"
            name = String(String.UnicodeScalarView(base.unicodeScalars.prefix(31 - suffix.count))) + suffix
            n += 1
        }
        sheetNames.insert(name.lowercased())
        return name
    }

    /// Starts a sheet: title row merged over every column, a bold header row frozen below it, column widths.
    public func beginSheet(name rawName: String, title: String) throws {
        let name = uniqueSheetName(rawName)
        guard let ws = workbook_add_worksheet(workbook, name) else { throw Problem.writeFailed("worksheet \(name)") }
        sheet = ws
        row = 0
        for c in LedgerColumn.allCases {
            worksheet_set_column(ws, UInt16(c.rawValue), UInt16(c.rawValue), c.width, nil)
        }
        worksheet_set_row(ws, 0, 30, nil)
        worksheet_merge_range(ws, 0, 0, 0, UInt16(LedgerColumn.allCases.count - 1), title, titleFormat)
        worksheet_set_row(ws, 1, 30, nil)
        for c in LedgerColumn.allCases { worksheet_write_string(ws, 1, UInt16(c.rawValue), c.title, headerFormat) }
        worksheet_freeze_panes(ws, 2, 0)
        row = 2
    }

    /// Writes one ledger line: the serial as a number, dates as date cells, the ID number and phone as text.
    public func write(_ r: LedgerRow, serial: Int) throws {
        guard let ws = sheet else { throw Problem.writeFailed("no sheet") }
        for c in LedgerColumn.allCases {
            let col = UInt16(c.rawValue)
            if c == .serial {
                worksheet_write_number(ws, row, col, Double(serial), numberFormat)
            } else if let d = r.date(c) {
                var dt = lxw_datetime(
                    year: Int32(d.year), month: Int32(d.month), day: Int32(d.day), hour: 0, min: 0, sec: 0)
                worksheet_write_datetime(ws, row, col, &dt, c == .birthMonth ? monthFormat : dateFormat)
            } else {
                let text = r.text(c, serial: serial)
                if text.isEmpty {
                    worksheet_write_blank(ws, row, col, textFormat)
                } else {
                    worksheet_write_string(ws, row, col, text, textFormat)
                }
            }
        }
        row += 1
    }

    /// A bold line such as “小计：12人” under a branch.
    public func writeSubtotal(label: String, count: Int) {
        guard let ws = sheet else { return }
        worksheet_write_string(ws, row, 0, "", subtotalFormat)
        worksheet_write_string(ws, row, 1, label, subtotalFormat)
        worksheet_write_number(ws, row, 2, Double(count), subtotalFormat)
        row += 1
    }

    /// A plain two-column table (the summary sheet of a committee book).
    public func writeSummary(title: String, header: [String], rows: [[String]], total: [String]) throws {
        guard let ws = workbook_add_worksheet(workbook, Self.summarySheet) else { throw Problem.writeFailed("summary") }
        sheet = ws
        worksheet_set_column(ws, 0, 0, 8, nil)
        worksheet_set_column(ws, 1, 1, 30, nil)
        worksheet_set_column(ws, 2, UInt16(max(2, header.count - 1)), 12, nil)
        worksheet_merge_range(ws, 0, 0, 0, UInt16(header.count - 1), title, titleFormat)
        for (i, h) in header.enumerated() { worksheet_write_string(ws, 1, UInt16(i), h, headerFormat) }
        worksheet_freeze_panes(ws, 2, 0)
        var r: UInt32 = 2
        for line in rows + [total] {
            for (i, cell) in line.enumerated() {
                if let n = Double(cell), i != 1 {
                    worksheet_write_number(ws, r, UInt16(i), n, line == total ? subtotalFormat : numberFormat)
                } else {
                    worksheet_write_string(ws, r, UInt16(i), cell, line == total ? subtotalFormat : textFormat)
                }
            }
            r += 1
        }
    }

    /// A plain sheet of text cells under a title and a frozen bold header (rejected import rows, reconciliation lists);
    /// columns in `numberColumns` are written as numbers.
    public func writeTable(
        sheet rawName: String, title: String, header: [String], rows: [[String]], numberColumns: Set<Int> = [],
        widths: [Double] = []
    ) throws {
        let name = uniqueSheetName(rawName)
        guard let ws = workbook_add_worksheet(workbook, name) else { throw Problem.writeFailed("sheet \(name)") }
        sheet = ws
        for i in header.indices {
            worksheet_set_column(ws, UInt16(i), UInt16(i), i < widths.count ? widths[i] : 16, nil)
        }
        worksheet_set_row(ws, 0, 30, nil)
        worksheet_merge_range(ws, 0, 0, 0, UInt16(max(1, header.count) - 1), title, titleFormat)
        for (i, h) in header.enumerated() { worksheet_write_string(ws, 1, UInt16(i), h, headerFormat) }
        worksheet_freeze_panes(ws, 2, 0)
        var r: UInt32 = 2
        for line in rows {
            for (i, cell) in line.enumerated() {
                if numberColumns.contains(i), let n = Double(cell) {
                    worksheet_write_number(ws, r, UInt16(i), n, numberFormat)
                } else if cell.isEmpty {
                    worksheet_write_blank(ws, r, UInt16(i), textFormat)
                } else {
                    worksheet_write_string(ws, r, UInt16(i), cell, textFormat)
                }
            }
            r += 1
        }
    }

    public func close() throws {
        guard !closed else { return }
        closed = true
        let err = workbook_close(workbook)
        guard err == LXW_NO_ERROR else { throw Problem.writeFailed(String(cString: lxw_strerror(err))) }
    }
}

/// Writes ledger lines as CSV: UTF-8 with a BOM (so Excel and WPS read the Chinese), CRLF, quoted where needed.
public final class LedgerCSVWriter {
    private let handle: FileHandle
    private var buffer = Data()

    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF])),
            let h = FileHandle(forWritingAtPath: path)
        else { throw LedgerXLSXWriter.Problem.cannotCreate(path) }
        handle = h
        handle.seekToEndOfFile()
    }

    public func line(_ cells: [String]) {
        buffer.append(
            contentsOf: Array((cells.map { Self.quote(Self.neutralize($0)) }.joined(separator: ",") + "\r\n").utf8))
        if buffer.count > 64 * 1024 { flush() }
    }

    public func header() { line(LedgerColumn.allCases.map(\.title)) }

    public func write(_ r: LedgerRow, serial: Int) {
        // Excel turns a bare 18-digit number into 1.50422E+17 and loses digits; a leading tab keeps it text
        // (masked numbers contain * and need nothing).
        line(
            LedgerColumn.allCases.map { c in
                let t = r.text(c, serial: serial)
                return (c == .idNumber || c == .phone) && !t.isEmpty && t.allSatisfy({ $0.isNumber || $0 == "X" })
                    ? "\t" + t : t
            })
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        flush()
        handle.closeFile()
    }

    /// CSV injection (OWASP): a cell a spreadsheet would run as a formula (`= + - @`, or a tab or carriage return
    /// before one) gets a leading `'`, so Excel and WPS show it as text. Our own tab before a bare ID or phone
    /// number stays: digits are no formula.
    static func neutralize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        if first == "\t", s.unicodeScalars.dropFirst().allSatisfy({ ("0"..."9").contains($0) || $0 == "X" }),
            s.unicodeScalars.count > 1
        {
            return s
        }
        return "'" + s
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
