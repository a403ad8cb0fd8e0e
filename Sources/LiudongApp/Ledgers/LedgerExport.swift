import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Writes an organization's ledger to .xlsx or CSV, streaming: memory does not grow with the number of rows.
enum LedgerExport {
    enum Format: String, Sendable { case xlsx, csv }

    struct Result: Sendable {
        var rows: Int
        var path: String
    }

    /// A branch gets one sheet; a committee (or general branch) one sheet per branch plus a summary sheet;
    /// a county or the city one sheet with every line.
    static func write(
        org: Organization, format: Format, quarter: Quarter, source: LedgerService.Source = .live,
        cipher: FieldCipher, unmasked: Bool, to path: String, on db: Database
    ) async throws -> Result {
        let sql = try db.sql()
        let title = LedgerTitle.make(orgName: org.name, quarter: quarter)
        let filter = LedgerService.Filter()
        var total = 0
        switch format {
        case .csv:
            let csv = try LedgerCSVWriter(path: path)
            csv.line([title])
            csv.header()
            try await LedgerService.stream(sql, path: org.path, filter: filter, source: source) { l in
                total += 1
                csv.write(LedgerService.row(l, cipher: cipher, unmasked: unmasked), serial: total)
            }
            csv.close()
        case .xlsx:
            let book = try LedgerXLSXWriter(path: path)
            if org.level == .committee || org.level == .generalBranch {
                // One sheet per branch, in order; branches with no mobile member still get their (empty) table.
                let branches = try await Organization.query(on: db).under(path: org.path).filter(
                    \.$level == .branch
                )
                .filter(\.$kind == .regular).sort(\.$sortOrder).sort(\.$code).all()
                var summary: [[String]] = []
                for (i, b) in branches.enumerated() {
                    try book.beginSheet(name: b.shortName, title: LedgerTitle.make(orgName: b.name, quarter: quarter))
                    var n = 0
                    try await LedgerService.stream(sql, path: b.path, filter: filter, source: source) { l in
                        n += 1
                        try book.write(LedgerService.row(l, cipher: cipher, unmasked: unmasked), serial: n)
                    }
                    book.writeSubtotal(label: "小计（人）", count: n)
                    summary.append(["\(i + 1)", b.shortName, "\(n)"])
                    total += n
                }
                try book.writeSummary(
                    title: title + "汇总", header: ["序号", "党支部", "流动党员（人）"], rows: summary,
                    total: ["", "合计", "\(total)"])
            } else {
                try book.beginSheet(name: org.shortName, title: title)
                try await LedgerService.stream(sql, path: org.path, filter: filter, source: source) { l in
                    total += 1
                    try book.write(LedgerService.row(l, cipher: cipher, unmasked: unmasked), serial: total)
                }
            }
            try book.close()
        }
        return Result(rows: total, path: path)
    }

    /// A file name users can keep: 台账_CODE_2026Q2.xlsx
    static func fileName(org: Organization, quarter: Quarter, format: Format) -> String {
        "台账_\(org.code)_\(quarter).\(format.rawValue)"
    }
}
