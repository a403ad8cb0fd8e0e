/// A pairing list (结对名单) from .xlsx or CSV, read tolerantly: the header row is wherever it is within the first 30
/// rows (title rows above it are skipped), headers are matched by several spellings after folding width and spaces,
/// empty rows are skipped, and each data row comes out with its row number for per-row reasons.
public struct PairingSheet {
    public enum Column: String, CaseIterable, Sendable {
        case idNumber, memberName, side, cadreName, cadrePost, cadrePhone, cadreOrg, account

        public var aliases: [String] {
            switch self {
            case .idNumber: return ["公民身份号码", "身份证号", "身份证号码", "党员身份证号"]
            case .memberName: return ["姓名", "党员姓名", "流动党员"]
            case .side: return ["结对方", "结对类型", "一方", "所属方", "流出地/流入地"]
            case .cadreName: return ["结对人", "结对人姓名", "结对干部", "联系人"]
            case .cadrePost: return ["职务", "结对人职务"]
            case .cadrePhone: return ["电话", "联系电话", "结对人电话", "手机号码", "结对人手机"]
            case .cadreOrg: return ["结对人所在党组织代码", "党组织代码", "组织代码", "结对人党组织代码"]
            case .account: return ["账号", "结对人账号", "系统账号"]
            }
        }
        /// Columns a header row must have.
        public static let required: [Column] = [.idNumber, .cadreName, .cadrePhone]
    }

    public struct Row: Sendable, Equatable {
        public var row: Int
        public var values: [Column: String]
        public subscript(_ c: Column) -> String? { values[c].flatMap { $0.isEmpty ? nil : $0 } }
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case noHeader, tooManyRows(Int)
        public var description: String {
            switch self {
            case .noHeader: return "前30行中没有找到表头：至少应有“公民身份号码”“结对人”“联系电话”三列"
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

    /// `流出地`/`outflow` → "outflow", `流入地`/`inflow` → "inflow"; empty means the outflow side.
    public static func side(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return "outflow" }
        let t = Normalize.key(raw).lowercased()
        if ["流出地", "流出", "outflow", "流出方", "家乡"].contains(t) { return "outflow" }
        if ["流入地", "流入", "inflow", "流入方"].contains(t) { return "inflow" }
        return nil
    }
}
