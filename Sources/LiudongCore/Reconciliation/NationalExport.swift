import Foundation

/// The columns of the national party-member system's export (全国党员管理信息系统), found by their Chinese header.
public enum NationalColumn: String, CaseIterable, Sendable {
    case name = "姓名", sex = "性别", idNumber = "公民身份号码", ethnicity = "民族", birthDate = "出生日期", education = "学历"
    case category = "人员类别", branch = "所在党支部", phone = "手机号码", joinedOn = "入党日期", fullOn = "转正日期"
    case residence = "现居住地", household = "户籍所在地", isMobile = "是否流动", isLost = "是否失联", employer = "工作单位及职务"

    /// Header spellings accepted for the column (compared after folding width and removing every space).
    public var aliases: [String] {
        switch self {
        case .idNumber: return ["公民身份号码", "身份证号码", "身份证号", "公民身份证号码"]
        case .branch: return ["所在党支部", "所在党组织", "所在支部", "流出地党组织", "原所在党组织", "原所在党支部"]
        case .phone: return ["手机号码", "手机号", "联系电话", "联系方式"]
        case .birthDate: return ["出生日期", "出生年月"]
        case .joinedOn: return ["入党日期", "入党时间"]
        case .fullOn: return ["转正日期", "转正时间"]
        case .category: return ["人员类别", "党员类别"]
        case .employer: return ["工作单位及职务", "工作单位", "工作单位及职务（岗位）"]
        case .residence: return ["现居住地", "现住址", "现居住地址"]
        case .household: return ["户籍所在地", "户籍地"]
        default: return [rawValue]
        }
    }

    public static let required: [NationalColumn] = [.name, .idNumber, .branch]
}

/// One row of the national export, cleaned. Dates and flags parsed; the branch still as written (the app matches it).
public struct NationalRecord: Sendable, Equatable {
    public var row: Int
    public var name: String
    public var sex: Sex
    public var idNumber: String
    public var ethnicity: String
    public var birthDate: CalendarDate
    public var education: String
    public var category: String
    public var branchName: String
    public var phone: String?
    public var joinedOn: CalendarDate?
    public var fullOn: CalendarDate?
    public var residence: String
    public var household: String
    public var isMobile: Bool
    public var isLost: Bool
    public var employer: String
}

/// A row that could not be taken, with its row number as Excel shows it and the reason in Chinese.
/// Why a value was refused, in Chinese.
public struct RowProblem: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

public struct RejectedRow: Sendable, Equatable, Codable {
    public var row: Int
    public var reason: String
    public var name: String?
    public var idTail: String?
    public init(row: Int, reason: String, name: String? = nil, idTail: String? = nil) {
        self.row = row
        self.reason = reason
        self.name = name
        self.idTail = idTail
    }
}

/// Tolerant parsing of the national export: the header row is wherever it is (title rows above it are skipped),
/// columns in any order with extra ones ignored; values cleaned of full-width characters and stray spaces.
public struct NationalExportParser {
    public enum Problem: Error, CustomStringConvertible {
        case noHeader
        public var description: String {
            "在文件前30行中找不到表头：需要“姓名”“公民身份号码”“所在党支部（或所在党组织）”等列"
        }
    }

    public enum Outcome: Sendable {
        case record(NationalRecord)
        case rejected(RejectedRow)
    }

    public private(set) var columns: [NationalColumn: Int] = [:]
    public private(set) var headerRow: Int?
    private let today: CalendarDate
    /// First row of each ID number so far, keyed by its 17 leading digits (the 18th follows from them).
    private var seen: [UInt64: Int32] = [:]
    private var rowsBeforeHeader = 0

    private let required: [NationalColumn]

    /// `required`: the columns whose headers identify the header row (the national export needs 姓名, 公民身份号码
    /// and 所在党支部; an inflow side's list needs only 姓名 and 公民身份号码).
    public init(today: CalendarDate = AppClock.today, required: [NationalColumn] = NationalColumn.required) {
        self.today = today
        self.required = required
    }

    /// Feeds one spreadsheet row; nil for the title and header rows.
    public mutating func consume(row: Int, cells: [TableCell]) throws -> Outcome? {
        guard headerRow != nil else {
            if let map = Self.header(cells, required: required) {
                columns = map
                headerRow = row
                return nil
            }
            rowsBeforeHeader += 1
            if rowsBeforeHeader >= 30 { throw Problem.noHeader }
            return nil
        }
        return parse(row: row, cells: cells)
    }

    /// Finishes: a file whose header never appeared is an error.
    public func finish() throws { if headerRow == nil { throw Problem.noHeader } }

    static func header(_ cells: [TableCell], required: [NationalColumn] = NationalColumn.required) -> [NationalColumn:
        Int]?
    {
        var map: [NationalColumn: Int] = [:]
        for (i, cell) in cells.enumerated() {
            let key = Normalize.key(cell.text)
            guard !key.isEmpty else { continue }
            for c in NationalColumn.allCases where map[c] == nil && c.aliases.contains(key) {
                map[c] = i
                break
            }
        }
        return required.allSatisfy({ map[$0] != nil }) ? map : nil
    }

    func cell(_ c: NationalColumn, _ cells: [TableCell]) -> TableCell? {
        guard let i = columns[c], i < cells.count else { return nil }
        return cells[i]
    }

    func text(_ c: NationalColumn, _ cells: [TableCell]) -> String {
        guard let v = cell(c, cells) else { return "" }
        return Normalize.cell(v.text)
    }

    mutating func parse(row: Int, cells: [TableCell]) -> Outcome {
        let name = Normalize.key(text(.name, cells))
        let rawID = cell(.idNumber, cells)
        let tail = rawID.map { String(Normalize.key($0.text).suffix(4)) }
        func reject(_ reason: String) -> Outcome {
            .rejected(RejectedRow(row: row, reason: reason, name: name.isEmpty ? nil : name, idTail: tail))
        }
        guard !name.isEmpty else { return reject("姓名为空") }
        let id: IDNumber
        switch Self.idNumber(rawID, today: today) {
        case .success(let v): id = v
        case .failure(let problem): return reject(problem.message)
        }
        let key = UInt64(id.value.prefix(17)) ?? 0
        if let first = seen[key] { return reject("公民身份号码与第\(first)行重复") }
        seen[key] = Int32(truncatingIfNeeded: row)
        let branch = text(.branch, cells)
        if branch.isEmpty && required.contains(.branch) { return reject("所在党支部为空") }
        var dates: [NationalColumn: CalendarDate] = [:]
        for c in [NationalColumn.birthDate, .joinedOn, .fullOn] {
            guard let v = cell(c, cells), !Normalize.cell(v.text).isEmpty else { continue }
            guard let d = Self.date(v) else { return reject("\(c.rawValue)“\(v.text)”无法识别，应为日期，如2001-07-01") }
            dates[c] = d
        }
        var phone: String?
        let rawPhone = text(.phone, cells)
        if !rawPhone.isEmpty {
            switch Phone.parse(rawPhone) {
            case .success(let p): phone = p
            case .failure(let p): return reject("手机号码“\(rawPhone)”不正确：\(p.message)")
            }
        }
        let sexText = text(.sex, cells)
        let sex = sexText.isEmpty ? id.sex : (Sex(label: sexText) ?? id.sex)
        return .record(
            NationalRecord(
                row: row, name: name, sex: sex, idNumber: id.value, ethnicity: text(.ethnicity, cells),
                birthDate: dates[.birthDate] ?? id.birthDate, education: Self.education(text(.education, cells)),
                category: Self.category(text(.category, cells)), branchName: branch, phone: phone,
                joinedOn: dates[.joinedOn], fullOn: dates[.fullOn],
                residence: text(.residence, cells), household: text(.household, cells),
                isMobile: Self.flag(text(.isMobile, cells)),
                isLost: Self.flag(text(.isLost, cells)), employer: text(.employer, cells)))
    }

    /// An ID number from a cell: text (spaces, full-width digits and a lower-case x allowed) — never a number
    /// Excel has rounded (scientific notation), which is refused rather than guessed.
    public static func idNumber(_ cell: TableCell?, today: CalendarDate) -> Result<IDNumber, RowProblem> {
        let lost = "公民身份号码被Excel存成了数字（科学计数法），末几位已丢失，无法还原；请把该列设为文本后重新导出"
        guard let cell else { return .failure(RowProblem("公民身份号码为空")) }
        switch cell {
        case .number(let d), .date(let d):
            if d >= 1e11 { return .failure(RowProblem(lost)) }
            return .failure(RowProblem("公民身份号码应为18位，现为\(XLSXValue.plain(d).count)位"))
        case .text(let raw):
            let s = Normalize.key(raw)
            if s.isEmpty { return .failure(RowProblem("公民身份号码为空")) }
            if s.contains(where: { $0 == "E" || $0 == "e" }),
                s.range(of: #"^[0-9]+(\.[0-9]+)?[eE][+]?[0-9]+$"#, options: .regularExpression) != nil
            {
                return .failure(RowProblem(lost))
            }
            switch IDNumber.parse(s, today: today) {
            case .success(let id): return .success(id)
            case .failure(let p): return .failure(RowProblem(p.message))
            }
        }
    }

    /// Dates as 2001-07-01, 2001/7/1, 2001.07.01, 2001.07, 20010701, 2001年7月1日, 2001年7月, or an Excel serial.
    public static func date(_ cell: TableCell) -> CalendarDate? {
        switch cell {
        case .number(let d), .date(let d):
            if d >= 19_000_101, d <= 21_001_231, d == d.rounded() { return CalendarDate(compact: String(Int(d))) }
            return XLSXValue.calendarDate(serial: d)
        case .text(let raw):
            let s = Normalize.key(raw)
            if s.isEmpty { return nil }
            if s.utf8.count == 10, let d = CalendarDate(s) { return d }
            if s.count == 8, s.allSatisfy(\.isNumber) { return CalendarDate(compact: s) }
            if (4...5).contains(s.count), s.allSatisfy(\.isNumber), let serial = Double(s) {
                return XLSXValue.calendarDate(serial: serial)
            }
            // A time part after the date ("2001-07-01 00:00:00") is ignored.
            let datePart =
                s.count > 10 && s.contains(":") ? String(s.prefix(while: { $0 != " " && $0 != "T" }).prefix(10)) : s
            let parts = datePart.split(whereSeparator: { "-/.年月日".contains($0) }).map(String.init)
            guard (2...3).contains(parts.count), parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1])
            else { return nil }
            let d = parts.count == 3 ? Int(parts[2]) : 1
            guard let d else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        }
    }

    static func flag(_ s: String) -> Bool {
        ["是", "Y", "YES", "TRUE", "1", "流动", "失联"].contains(s.uppercased())
    }

    static func education(_ s: String) -> String {
        let t = Normalize.key(s)
        if t.isEmpty { return "" }
        if let e = Education.allCases.first(where: { $0.label == t || $0.rawValue == t }) { return e.rawValue }
        if t.contains("研究生") || t.contains("硕士") || t.contains("博士") { return Education.postgraduate.rawValue }
        if t.contains("本科") || t == "大学" { return Education.undergraduate.rawValue }
        if t.contains("专科") || t.contains("大专") { return Education.college.rawValue }
        if t.contains("中专") || t.contains("中技") || t.contains("技工") { return Education.technical.rawValue }
        if t.contains("高中") { return Education.highSchool.rawValue }
        if t.contains("初中") { return Education.middleSchool.rawValue }
        if t.contains("小学") || t.contains("文盲") { return Education.primary.rawValue }
        return t
    }

    static func category(_ s: String) -> String {
        let t = Normalize.key(s)
        if t.contains("预备") { return MemberCategory.probationary.rawValue }
        if t.isEmpty || t.contains("正式") { return MemberCategory.full.rawValue }
        return t
    }
}
