import Foundation

/// One cell from either kind of file: CSV cells are always text; .xlsx cells keep their type.
public enum TableCell: Equatable, Sendable {
    case text(String)
    case number(Double)
    case date(Double)

    init(_ v: XLSXValue) {
        switch v {
        case .text(let s), .error(let s): self = .text(s)
        case .number(let d): self = .number(d)
        case .date(let d): self = .date(d)
        case .bool(let b): self = .text(b ? "是" : "否")
        }
    }

    /// The cell as text (numbers without a trailing `.0`).
    public var text: String {
        switch self {
        case .text(let s): return s
        case .number(let d), .date(let d): return XLSXValue.plain(d)
        }
    }
}

/// Reads the first sheet of an .xlsx, or a CSV in UTF-8/GB18030, row by row with the row number Excel shows.
/// The kind is recognised from the file's first bytes (a ZIP signature), not its name.
public enum TableReader {
    public enum Kind: String, Sendable { case xlsx, csv }

    public static func kind(of path: String) throws -> Kind {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? h.close() }
        let head = [UInt8](try h.read(upToCount: 4) ?? Data())
        return head == [0x50, 0x4B, 0x03, 0x04] ? .xlsx : .csv
    }

    /// Streams every non-empty row; returns the kind and (for CSV) the detected encoding.
    @discardableResult
    public static func rows(path: String, limits: ReadLimits = .standard, _ body: (Int, [TableCell]) throws -> Void)
        throws -> (kind: Kind, encoding: TextEncoding?)
    {
        switch try kind(of: path) {
        case .xlsx:
            let reader = try XLSXReader(path: path, limits: limits)
            try reader.rows(sheet: 0) { n, cells in try body(n, cells.map { $0.map(TableCell.init) ?? .text("") }) }
            return (.xlsx, nil)
        case .csv:
            var file = try TextFileReader(path: path)
            var parser = CSVParser(limits: limits)
            try withoutActuallyEscaping(body) { body in
                let emit: (Int, [String]) throws -> Void = { n, fields in
                    if fields.contains(where: { !$0.isEmpty }) { try body(n, fields.map { .text($0) }) }
                }
                try file.read { try parser.feed($0, emit) }
                try parser.finish(emit)
            }
            return (.csv, file.encoding)
        }
    }
}
