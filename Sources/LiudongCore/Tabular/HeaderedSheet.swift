import Foundation

/// The columns a tolerant sheet reads: each with the header spellings it is known by, and those a header row must
/// have.
public protocol SheetColumn: CaseIterable, Hashable, Sendable {
    var aliases: [String] { get }
    static var required: [Self] { get }
    /// What the uploader is told when no header row holds the required columns.
    static var noHeaderMessage: String { get }
}

/// A list from .xlsx or CSV, read tolerantly: the header row is wherever it is within the first 30 rows (title rows
/// above it are skipped), headers are matched by several spellings after folding width, spaces and a required-mark
/// `*`, empty rows are skipped, and each data row comes out with its row number for per-row reasons.
public struct HeaderedSheet<Column: SheetColumn> {
    public struct Row: Sendable, Equatable {
        public var row: Int
        public var values: [Column: String]
        public subscript(_ c: Column) -> String? { values[c].flatMap { $0.isEmpty ? nil : $0 } }
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case noHeader, tooManyRows(Int)
        public var description: String {
            switch self {
            case .noHeader: return Column.noHeaderMessage
            case .tooManyRows(let n): return "一次最多导入\(n)行，请分批上传"
            }
        }
    }

    public private(set) var headerRow: Int?
    private var map: [Int: Column] = [:]
    private var before = 0
    private var count = 0
    public let maxRows: Int

    public init(maxRows: Int = 5000) { self.maxRows = maxRows }

    /// Feeds one row; nil for the title rows, the header and empty rows.
    public mutating func consume(row: Int, cells: [TableCell]) throws -> Row? {
        guard headerRow != nil else {
            var found: [Int: Column] = [:]
            for (i, cell) in cells.enumerated() {
                let key = Normalize.key(cell.text).replacingOccurrences(of: "*", with: "")
                if let c = Column.allCases.first(where: { col in col.aliases.contains(key) }),
                    !found.values.contains(c)
                {
                    found[i] = c
                }
            }
            if Set(found.values).isSuperset(of: Column.required) {
                headerRow = row
                map = found
                return nil
            }
            before += 1
            if before >= 30 { throw Problem.noHeader }
            return nil
        }
        var values: [Column: String] = [:]
        for (i, cell) in cells.enumerated() {
            guard let c = map[i] else { continue }
            values[c] = Normalize.cell(cell.text)
        }
        guard values.values.contains(where: { !$0.isEmpty }) else { return nil }
        count += 1
        if count > maxRows { throw Problem.tooManyRows(maxRows) }
        return Row(row: row, values: values)
    }

    public func finish() throws { if headerRow == nil { throw Problem.noHeader } }

    /// Every row of the file at `path` (the first sheet of an .xlsx, or a CSV).
    public static func read(path: String, maxRows: Int = 5000, limits: ReadLimits = .upload) throws -> [Row] {
        var sheet = Self(maxRows: maxRows)
        var rows: [Row] = []
        _ = try TableReader.rows(path: path, limits: limits) { n, cells in
            if let r = try sheet.consume(row: n, cells: cells) { rows.append(r) }
        }
        try sheet.finish()
        return rows
    }
}
