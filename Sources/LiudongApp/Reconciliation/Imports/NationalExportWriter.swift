import Fluent
import Foundation
import LiudongCore
import SQLKit

/// Writes a file in the national system's export layout from our roster, with the everyday differences a real
/// export has (a few members not marked 流动, a few phones and branches that differ, a few missing, a few extra
/// people) and, when `messy`, the rows the importer must refuse. For the demo's sample download and the benchmarks.
enum NationalExportWriter {
    enum Format { case csv, xlsx }

    static let header = [
        "序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "手机号码", "入党日期",
        "转正日期", "现居住地", "户籍所在地", "是否流动", "是否失联", "工作单位及职务",
    ]

    private struct Row: Decodable {
        var name: String
        var sex: String
        var ethnicity: String
        var birth_date: String
        var id_number_enc: String
        var phone_enc: String?
        var education: String
        var category: String
        var joined_on: String
        var full_on: String?
        var household: String?
        var residence: String?
        var employer: String?
        var flow_status: String?
        var branch: String
    }

    /// Returns the number of data rows written.
    static func write(
        under path: String, format: Format, messy: Bool, to output: String, cipher: FieldCipher, on db: Database
    ) async throws -> Int {
        let sql = try db.sql()
        let orgs = try await sql.raw(
            "SELECT id FROM organizations WHERE \(PathPrefix("path", path)) AND kind = 'regular' ORDER BY sort_order, code"
        )
        .all(decoding: IDResult.self).map(\.id)
        let csv = format == .csv ? try LedgerCSVWriter(path: output) : nil
        var buffered: [[String]] = []
        let title = "全国党员管理信息系统 党员信息导出"
        if let csv {
            csv.line([title])
            csv.line([])
            csv.line(header)
        }
        var n = 0, i = 0
        var previousBranch = ""
        var keep: [[String]] = []
        func emit(_ cells: [String]) {
            n += 1
            let line = ["\(n)"] + cells
            if let csv { csv.line(line) } else { buffered.append(line) }
        }
        let dates = { (d: String, k: Int) -> String in
            guard let c = CalendarDate(d) else { return d }
            switch k % 4 {
            case 1: return "\(c.year)/\(c.month)/\(c.day)"
            case 2: return String(format: "%04d.%02d.%02d", c.year, c.month, c.day)
            case 3: return String(format: "%04d%02d%02d", c.year, c.month, c.day)
            default: return d
            }
        }
        let open = SQLBind.group(LedgerService.openStates)
        for chunk in orgs.chunked(200) {
            let rows = try await sql.raw(
                """
                SELECT m.name, m.sex, m.ethnicity, m.birth_date, m.id_number_enc, m.phone_enc, m.education, m.category, m.joined_on, m.full_on,
                       m.household, m.residence, m.employer, CASE WHEN m.flow_status IN \(open) THEN m.flow_status ELSE NULL END AS flow_status, b.name AS branch
                FROM members m JOIN organizations b ON b.id = m.organization_id WHERE m.organization_id IN \(SQLBind.group(Array(chunk))) AND m.roster_state IS NULL
                ORDER BY b.sort_order, b.code, m.name
                """
            ).all(decoding: Row.self)
            for r in rows {
                i += 1
                if i % 401 == 13 { continue }  // absent from the national export
                let id = try cipher.open(r.id_number_enc)
                var phone = try r.phone_enc.map(cipher.open) ?? ""
                if i % 97 == 5, phone.count == 11 {
                    phone = String(phone.dropLast()) + String((Int(String(phone.last!))! + 1) % 10)
                }
                let flowing = r.flow_status != nil
                var mobile = flowing
                if i % 50 == 7 && flowing { mobile = false }
                if i % 211 == 3 && !flowing { mobile = true }
                let lost = r.flow_status == FlowState.lost.rawValue
                var branch = r.branch
                if i % 331 == 11, !previousBranch.isEmpty { branch = previousBranch }
                previousBranch = r.branch
                let cells = [
                    r.name, Sex(rawValue: r.sex)?.label ?? r.sex, id, r.ethnicity, dates(r.birth_date, i),
                    Education(rawValue: r.education)?.label ?? r.education,
                    MemberCategory(rawValue: r.category)?.label ?? r.category,
                    branch, phone, dates(r.joined_on, i + 1), r.full_on.map { dates($0, i + 2) } ?? "",
                    r.residence ?? "", r.household ?? "",
                    mobile ? "是" : "否", lost ? "是" : "否", r.employer ?? "",
                ]
                emit(cells)
                if keep.count < 3 { keep.append(cells) }
                if i % 1000 == 500 {  // on the national list, not on our roster
                    let born = CalendarDate(year: 1960 + i % 40, month: 1 + i % 12, day: 1 + i % 28)!
                    let extra = IDNumber.make(
                        division: String(id.prefix(6)), birth: born, sequence: 900 + i % 90,
                        sex: i % 2 == 0 ? .male : .female)
                    emit([
                        "新党员\(i)", i % 2 == 0 ? "男" : "女", extra, "汉族", born.description, "大学本科", "正式党员", r.branch, "",
                        "2020-07-01", "2021-07-01", "", "", "否", "否", "",
                    ])
                }
            }
        }
        if messy, keep.count == 3 {
            var sci = keep[0]
            sci[2] = "1.50422E+17"
            emit(sci)
            var bad = keep[1]
            let last = bad[2].last!
            bad[2] =
                String(bad[2].dropLast()) + (last == "9" ? "0" : last == "X" ? "1" : String(Int(String(last))! + 1))
            emit(bad)
            emit(keep[2])  // a duplicate
            var unknown = keep[1]
            unknown[0] = "无此人"
            unknown[7] = "不存在的党支部"
            unknown[2] = IDNumber.make(
                division: "150422", birth: CalendarDate(year: 1990, month: 1, day: 1)!, sequence: 999, sex: .male)
            emit(unknown)
        }
        if let csv { csv.close() }
        if format == .xlsx {
            let book = try LedgerXLSXWriter(path: output)
            try book.writeTable(
                sheet: "党员信息", title: title, header: header, rows: buffered, numberColumns: [0],
                widths: [6, 10, 6, 22, 8, 12, 10, 10, 36, 14, 12, 12, 20, 20, 8, 8, 24])
            try book.close()
        }
        return n
    }
}
