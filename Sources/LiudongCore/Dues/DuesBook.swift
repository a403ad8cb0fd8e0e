import Foundation

/// The columns of a branch's dues book (党费收缴登记簿) as branches keep it in Excel.
public enum DuesBookColumn: String, SheetColumn {
    case name, idNumber, month, from, to, amount, paidOn, paidTo, receipt

    public var aliases: [String] {
        switch self {
        case .name: return ["姓名", "党员姓名"]
        case .idNumber: return ["公民身份号码", "身份证号", "身份证号码", "党员身份证号"]
        case .month: return ["月份", "交纳月份", "缴纳月份", "所属月份", "起止月份", "交纳月份（起止）", "党费所属期"]
        case .from: return ["起始月份", "开始月份", "起始月", "自"]
        case .to: return ["截止月份", "终止月份", "结束月份", "截止月", "至"]
        case .amount: return ["金额", "交纳金额", "缴纳金额", "实交金额", "党费金额", "金额（元）", "金额(元)"]
        case .paidOn: return ["缴纳日期", "交纳日期", "交纳时间", "缴纳时间", "日期"]
        case .paidTo: return ["缴至", "交至", "交纳地点", "缴纳地点", "收缴党组织"]
        case .receipt: return ["收据编号", "收据号", "票据号"]
        }
    }
    public static let required: [DuesBookColumn] = [.idNumber, .amount, .paidOn]
    public static let noHeaderMessage = "前30行中没有找到表头：至少应有“公民身份号码”“金额”“缴纳日期”三列，以及“月份”或“起始月份”"
}

/// A dues book from .xlsx or CSV, read tolerantly (`HeaderedSheet`).
public typealias DuesBookSheet = HeaderedSheet<DuesBookColumn>

/// One row of a dues book, read: whose, which months, how much, when, where.
public struct DuesBookLine: Equatable, Sendable {
    public var row: Int
    public var name: String?
    public var idNumber: String
    public var months: [YearMonth]
    public var amountFen: Int
    public var paidOn: CalendarDate
    /// 缴至 as the book writes it (empty: the member's branch).
    public var paidTo: String?
    public var receipt: String?
}

/// Reading a dues book's rows: months as one month, a range in one cell (`2026-01至2026-03`, `2026.01-2026.03`) or
/// two columns; the amount in 元; the day as a date or an Excel serial.
public enum DuesBook {
    /// Rows a book may hold at once.
    public static let maxRows = 5000

    /// `2026-01至2026-03`, `2026.01-2026.03`, `2026年1月~3月`… → the two ends (one month: the same twice).
    public static func range(_ text: String) -> (YearMonth, YearMonth)? {
        let s = Normalize.key(text)
        guard !s.isEmpty, s.count <= 30 else { return nil }
        for sep in ["至", "~", "～", "—", "－", "到"] where s.contains(sep) {
            let parts = s.components(separatedBy: sep)
            guard parts.count == 2, let a = YearMonth(parts[0]) else { return nil }
            if let b = YearMonth(parts[1]) { return (a, b) }
            // 2026年1月~3月: the second end without its year.
            let m = parts[1].replacingOccurrences(of: "月", with: "")
            guard let n = Int(m), let b = YearMonth(year: a.year, month: n) else { return nil }
            return (a, b)
        }
        let dashes = s.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if dashes.count == 4, let a = YearMonth(dashes[0] + "-" + dashes[1]),
            let b = YearMonth(dashes[2] + "-" + dashes[3])
        {
            return (a, b)
        }
        if dashes.count == 2, dashes[0].contains("."), let a = YearMonth(dashes[0]), let b = YearMonth(dashes[1]) {
            return (a, b)
        }
        return YearMonth(s).map { ($0, $0) }
    }

    /// A row read, or the reasons it cannot be.
    public static func line(_ r: DuesBookSheet.Row, today: CalendarDate) -> Result<DuesBookLine, RowProblem> {
        var reasons: [String] = []
        let id = Normalize.key(r[.idNumber] ?? "").uppercased()
        if id.isEmpty { reasons.append("缺少公民身份号码") }
        var ends: (YearMonth, YearMonth)?
        if let m = r[.month] {
            ends = range(m)
        } else if let f = r[.from] {
            if let a = YearMonth(f), let b = r[.to].map({ YearMonth($0) }) ?? a { ends = (a, b) }
        }
        if ends == nil { reasons.append("月份应为 2026-10，或起止月份 2026-10至2026-12") }
        if let (a, b) = ends {
            if b < a { reasons.append("截止月份早于起始月份") }
            if b.index - a.index >= DuesPaymentRules.maxMonths {
                reasons.append("一行最多\(DuesPaymentRules.maxMonths)个月")
            }
        }
        let amount = r[.amount].flatMap { Fen.parse($0, limit: DuesPaymentRules.maxAmountFen) }
        if amount == nil || amount == 0 { reasons.append("金额应为元，最多两位小数") }
        let day = r[.paidOn].flatMap { NationalExportParser.date(.text($0)) }
        if day == nil { reasons.append("缴纳日期应为 2026-11-05 这样的日期") }
        if let day, day > today || day.year < 2000 { reasons.append("缴纳日期不在合理范围内") }
        guard reasons.isEmpty, let (a, b) = ends, let amount, let day else {
            return .failure(RowProblem(reasons.joined(separator: "；")))
        }
        return .success(
            DuesBookLine(
                row: r.row, name: r[.name].map(Normalize.key), idNumber: id, months: a.through(b), amountFen: amount,
                paidOn: day, paidTo: r[.paidTo], receipt: r[.receipt].map { String($0.prefix(40)) }))
    }
}
