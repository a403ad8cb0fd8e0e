import Foundation

/// One cell as stored in an .xlsx: text (shared, inline or formula string), a number, a date (a number whose
/// format is a date format; the Excel serial is kept), a boolean, or an error such as `#N/A`.
public enum XLSXValue: Equatable, Sendable, CustomStringConvertible {
    case text(String)
    case number(Double)
    case date(Double)
    case bool(Bool)
    case error(String)

    /// The cell as a person reads it: numbers without a trailing `.0`, dates as yyyy-mm-dd.
    public var description: String {
        switch self {
        case .text(let s), .error(let s): return s
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .number(let d): return XLSXValue.plain(d)
        case .date(let d): return XLSXValue.calendarDate(serial: d)?.description ?? XLSXValue.plain(d)
        }
    }

    static func plain(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    /// Excel's 1900 date system (serial 1 = 1900-01-01, with Lotus's phantom 1900-02-29 as serial 60).
    public static func calendarDate(serial: Double) -> CalendarDate? {
        // Checked as a Double first: NaN, infinities and 1e300 must never reach Int(_:).
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        let days = Int(serial.rounded(.down))
        let base = CalendarDate(year: 1899, month: 12, day: 30)!
        return base.adding(days: days < 61 ? days + 1 : days)
    }
}

/// Reads .xlsx workbooks: sheet names in workbook order, then any sheet's rows streamed one at a time
/// (row number as Excel shows it, cells by column index), so memory stays flat in the number of rows.
/// Only the shared-string table is held in memory.
public final class XLSXReader {
    public struct Sheet: Sendable {
        public let name: String
        let path: String
    }

    public enum Problem: Error, CustomStringConvertible {
        case notWorkbook(String)
        public var description: String {
            switch self {
            case .notWorkbook(let m): return "不是有效的Excel（.xlsx）文件：\(m)"
            }
        }
    }

    private let zip: ZipArchive
    private let limits: ReadLimits
    public let sheets: [Sheet]
    private var sharedStrings: [String]?
    private var dateStyles: Set<Int>?

    public init(path: String, limits: ReadLimits = .standard) throws {
        self.limits = limits
        zip = try ZipArchive(path: path, limits: limits)
        guard let workbook = try zip.data("xl/workbook.xml") else { throw Problem.notWorkbook("缺少 xl/workbook.xml") }
        var targets: [String: String] = [:]
        if let rels = try zip.data("xl/_rels/workbook.xml.rels") {
            try Self.scan(rels) {
                if case .start("Relationship", let a, _) = $0, let id = a["Id"], let t = a["Target"] { targets[id] = t }
            }
        }
        var found: [Sheet] = []
        try Self.scan(workbook) {
            guard case .start("sheet", let a, _) = $0, let name = a["name"] else { return }
            let target = a["id"].flatMap { targets[$0] } ?? "worksheets/sheet\(found.count + 1).xml"
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            found.append(Sheet(name: name, path: path))
        }
        sheets = found
    }

    private static func scan(_ bytes: [UInt8], _ handle: (XMLScanner.Event) throws -> Void) throws {
        var scanner = XMLScanner(maxTokenBytes: max(bytes.count, 1))
        try bytes.withUnsafeBytes { try scanner.feed($0, handle) }
    }

    private func loadSharedStrings() throws -> [String] {
        if let s = sharedStrings { return s }
        var strings: [String] = []
        if let entry = zip.entry("xl/sharedStrings.xml") {
            var scanner = XMLScanner(maxTokenBytes: limits.xmlTokenBytes)
            var current = "", inText = false, inPhonetic = false
            var total = 0
            let limits = self.limits
            func add(_ s: String) throws {
                total += s.utf8.count
                guard strings.count < limits.sharedStrings, total <= limits.sharedStringBytes else {
                    throw LimitExceeded(
                        "共享字符串超过上限（\(limits.sharedStrings)个或\(LimitExceeded.bytes(limits.sharedStringBytes))），已拒绝")
                }
                strings.append(s)
            }
            try zip.read(entry) { chunk in
                try scanner.feed(chunk) { event in
                    switch event {
                    case .start("si", _, let closed):
                        current = ""
                        if closed { try add("") }
                    case .start("rPh", _, _): inPhonetic = true
                    case .end("rPh"): inPhonetic = false
                    case .start("t", _, _): inText = !inPhonetic
                    case .end("t"): inText = false
                    case .text(let t) where inText:
                        current += t
                        guard current.utf8.count <= limits.fieldBytes else { throw Self.fieldTooLong(limits) }
                    case .end("si"): try add(current)
                    default: break
                    }
                }
            }
        }
        sharedStrings = strings
        return strings
    }

    /// Style indexes whose number format shows a date.
    private func loadDateStyles() throws -> Set<Int> {
        if let s = dateStyles { return s }
        var custom: [Int: String] = [:]
        var xfFormats: [Int] = []
        if let styles = try zip.data("xl/styles.xml") {
            var inCellXfs = false
            try Self.scan(styles) { event in
                switch event {
                case .start("numFmt", let a, _):
                    if let id = a["numFmtId"].flatMap(Int.init), let code = a["formatCode"] { custom[id] = code }
                case .start("cellXfs", _, _): inCellXfs = true
                case .end("cellXfs"): inCellXfs = false
                case .start("xf", let a, _) where inCellXfs: xfFormats.append(a["numFmtId"].flatMap(Int.init) ?? 0)
                default: break
                }
            }
        }
        var result = Set<Int>()
        for (index, id) in xfFormats.enumerated() {
            if (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
                || custom[id].map(Self.isDateFormat) == true
            {
                result.insert(index)
            }
        }
        dateStyles = result
        return result
    }

    /// A format code shows a date when, outside quotes, brackets and escapes, it uses y, m, d, h or s.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        for c in code {
            if escaped {
                escaped = false
                continue
            }
            switch c {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S", "年", "月", "日":
                if !inQuote && !inBracket { return true }
            default: break
            }
        }
        return false
    }

    /// Excel's own bounds: columns A…XFD, rows 1…1,048,576.
    static let maxColumn = 16_384, maxRow = 1_048_576

    /// "BC12" → column index 54 (0-based) and row 12; nil for anything outside Excel's bounds (so no arithmetic
    /// on a reference can overflow).
    static func reference(_ ref: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, sawLetter = false
        for u in ref.utf8 {
            if u >= 65 && u <= 90 {
                column = column * 26 + Int(u - 64)
                sawLetter = true
            } else if u >= 97 && u <= 122 {
                column = column * 26 + Int(u - 96)
                sawLetter = true
            } else if u >= 48 && u <= 57 {
                row = row * 10 + Int(u - 48)
            } else if u != 36 {
                return nil
            }
            guard column <= maxColumn, row <= maxRow else { return nil }
        }
        return sawLetter ? (column - 1, row) : nil
    }

    static func fieldTooLong(_ limits: ReadLimits) -> LimitExceeded {
        LimitExceeded("有单元格内容超过\(LimitExceeded.bytes(limits.fieldBytes))，已拒绝")
    }

    /// Streams the rows of sheet `index`: `body(rowNumber, cells)` with cells indexed by column (nil where empty).
    /// Rows with no cells are skipped; row numbers are those Excel shows.
    public func rows(sheet index: Int = 0, _ body: (Int, [XLSXValue?]) throws -> Void) throws {
        guard sheets.indices.contains(index), let entry = zip.entry(sheets[index].path) else {
            throw Problem.notWorkbook("找不到第\(index + 1)个工作表")
        }
        let shared = try loadSharedStrings()
        let dates = try loadDateStyles()
        var scanner = XMLScanner(maxTokenBytes: limits.xmlTokenBytes)
        let limits = self.limits
        var cells: [XLSXValue?] = []
        var rowNumber = 0
        var column = 0, type = "n", style = 0
        var value = "", inValue = false, inInline = false
        try zip.read(entry) { chunk in
            try scanner.feed(chunk) { event in
                switch event {
                case .start("row", let a, let closed):
                    if let r = a["r"] {
                        guard let n = Int(r), (1...Self.maxRow).contains(n) else {
                            throw Problem.notWorkbook("行号“\(r.prefix(20))”无效")
                        }
                        rowNumber = n
                    } else {
                        rowNumber += 1
                    }
                    cells.removeAll(keepingCapacity: true)
                    _ = closed
                case .end("row"):
                    if cells.contains(where: { $0 != nil }) { try body(rowNumber, cells) }
                case .start("c", let a, let closed):
                    if let r = a["r"] {
                        guard let ref = Self.reference(r) else { throw Problem.notWorkbook("单元格引用“\(r.prefix(20))”无效") }
                        column = ref.column
                    } else {
                        column = cells.count
                    }
                    guard column < limits.columns else {
                        throw LimitExceeded("第\(rowNumber)行的列数超过上限（\(limits.columns)列），已拒绝")
                    }
                    type = a["t"] ?? "n"
                    style = a["s"].flatMap(Int.init) ?? 0
                    value = ""
                    if closed { column = -1 }
                case .start("v", _, _): inValue = true
                case .end("v"): inValue = false
                case .start("is", _, _): inInline = true
                case .end("is"): inInline = false
                case .start("t", _, _) where inInline: inValue = true
                case .end("t") where inInline: inValue = false
                case .text(let t) where inValue:
                    value += t
                    guard value.utf8.count <= limits.fieldBytes else { throw Self.fieldTooLong(limits) }
                case .end("c"):
                    guard column >= 0 else { break }
                    let cell: XLSXValue?
                    switch type {
                    case "s": cell = Int(value).flatMap { shared.indices.contains($0) ? .text(shared[$0]) : nil }
                    case "inlineStr", "str": cell = .text(value)
                    case "b": cell = .bool(value == "1")
                    case "e": cell = .error(value)
                    default:
                        if value.isEmpty {
                            cell = nil
                        } else if let d = Double(value) {
                            cell = dates.contains(style) ? .date(d) : .number(d)
                        } else {
                            cell = .text(value)
                        }
                    }
                    if column >= cells.count {
                        cells.append(contentsOf: repeatElement(nil, count: column - cells.count + 1))
                    }
                    cells[column] = cell
                default: break
                }
            }
        }
    }
}
