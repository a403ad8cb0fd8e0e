import Fluent
import FluentSQLiteDriver
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The national import's summary, organization matching, reader problems and rejected-row file.
extension NationalImportService {
    struct Summary: Sendable, Codable {
        var rows = 0
        var new = 0
        var updated = 0
        var unchanged = 0
        /// The first `keepRejected` rejected rows (file order); `rejectedTotal` counts them all.
        var rejected: [RejectedRow] = []
        var rejectedTotal = 0
        var keepRejected = Int.max
        var kind = ""

        var rejectedMore: Int { rejectedTotal - rejected.count }

        init(keepRejected: Int = Int.max) { self.keepRejected = keepRejected }

        mutating func reject(_ row: RejectedRow) {
            rejectedTotal += 1
            if rejected.count < keepRejected { rejected.append(row) }
        }
        var encoding: String?
        var importID: Int?
        /// Lines of the national to-do list this import ticked (the export shows their change).
        var nationalTodosTicked: Int?

        /// The command line's `--json` shape, exactly.
        var contractJSON: String {
            struct Rejected: Encodable {
                var row: Int
                var reason: String
            }
            struct Shape: Encodable {
                var rows: Int
                var new: Int
                var updated: Int
                var unchanged: Int
                var rejected: [Rejected]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let shape = Shape(
                rows: rows, new: new, updated: updated, unchanged: unchanged,
                rejected: rejected.map { Rejected(row: $0.row, reason: $0.reason) })
            return String(decoding: (try? encoder.encode(shape)) ?? Data(), as: UTF8.self)
        }
    }

    /// Where our organizations are found by the names a spreadsheet uses for them.
    struct OrgMatcher: Sendable {
        private var byKey: [String: Set<Int>] = [:]

        init(orgs: [(id: Int, name: String, shortName: String, parentShortName: String?)]) {
            for o in orgs {
                var keys = [Normalize.key(o.name), Normalize.key(o.shortName)]
                // “林东镇东城村党支部”: the parent's name (with or without 党委/党工委/党总支) written before the branch's.
                if let p = o.parentShortName {
                    keys.append(Normalize.key(p + o.shortName))
                    for suffix in ["党工委", "党委", "党总支", "委员会"] where p.hasSuffix(suffix) {
                        keys.append(Normalize.key(String(p.dropLast(suffix.count)) + o.shortName))
                    }
                }
                for k in keys where !k.isEmpty { byKey[k, default: []].insert(o.id) }
            }
        }

        enum Match: Equatable { case found(Int), unknown, ambiguous(Set<Int>) }

        func match(_ name: String) -> Match {
            guard let ids = byKey[Normalize.key(name)], let first = ids.first else { return .unknown }
            return ids.count == 1 ? .found(first) : .ambiguous(ids)
        }

        /// Regular organizations of a subtree that can hold members.
        static func load(under path: String, on sql: SQLDatabase) async throws -> OrgMatcher {
            let rows = try await sql.raw(
                """
                SELECT o.id, o.name, o.short_name, p.short_name AS parent_short FROM organizations o
                LEFT JOIN organizations p ON p.id = o.parent_id
                WHERE \(PathPrefix("o.path", path)) AND o.kind = 'regular' AND o.closed_at IS NULL
                """
            ).all(decoding: ScopeBranchRow.self)
            return OrgMatcher(orgs: rows.map { ($0.id, $0.name, $0.short_name, $0.parent_short) })
        }
    }

    typealias Batch = [NationalExportParser.Outcome]

    /// What went wrong reading an uploaded file, as the Chinese sentence its uploader sees; nil for other errors.
    static func readerProblem(_ error: Error) -> String? {
        switch error {
        case let e as NationalExportParser.Problem: return e.description
        case let e as ZipArchive.Problem: return e.description
        case let e as XLSXReader.Problem: return e.description
        case let e as GB18030Decoder.Problem: return e.description
        case let e as LimitExceeded: return "文件超出读取上限，未导入：\(e.description)"
        default: return nil
        }
    }

    /// The rejected rows as an .xlsx the uploader can correct and send again.
    static func writeRejected(_ rows: [RejectedRow], more: Int = 0, title: String, to path: String) throws {
        let book = try LedgerXLSXWriter(path: path)
        var table = rows.map { ["\($0.row)", $0.name ?? "", $0.idTail ?? "", $0.reason] }
        if more > 0 { table.append(["", "", "", "另有 \(more) 行未导入，未逐行列出：请先改正以上各行的问题后重新导出、重新上传"]) }
        try book.writeTable(
            sheet: "未导入的行", title: title, header: ["行号", "姓名", "身份证号后四位", "原因"],
            rows: table, numberColumns: [0], widths: [8, 12, 14, 80])
        try book.close()
    }
}

/// A branch of the importing scope with the names a spreadsheet may use for it.
private struct ScopeBranchRow: Decodable {
    var id: Int
    var name: String
    var short_name: String
    var parent_short: String?
}
