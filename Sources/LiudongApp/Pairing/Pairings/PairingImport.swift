import Fluent
import LiudongCore
import Vapor

/// Pairings from an .xlsx or CSV list: read tolerantly (`PairingSheet`), each row paired or named with its reasons.
enum PairingImport {
    struct RowResult: Encodable, Sendable {
        var row: Int
        var name: String
        var idTail: String
        var ok: Bool
        var reason: String
    }

    struct Outcome: Encodable, Sendable {
        var fileName: String
        var paired: Int
        var rejected: Int
        var rows: [RowResult]
        var problem: String?
    }

    /// A row that names nobody the account may pair, for an account that may not reveal numbers.
    static let notFound = "您管理范围内的花名册中没有这一身份证号和姓名的流动党员"

    /// Reads the file at `path` and pairs row by row as `user` (the same rules as the page and API). An account that
    /// may not reveal numbers (the inflow side) needs the name and the number to agree, and a row that does not pair
    /// gets one reason whether or not the number is on the roster; the names shown are the file's own.
    static func run(
        path: String, fileName: String, by user: CurrentUser, cap: Int, cipher: FieldCipher, lookupsPerHour: Int,
        client: String = "", on db: Database
    ) async throws -> Outcome {
        let rows: [PairingSheet.Row]
        do {
            rows = try await OffLoop.run("pairing-import") {
                var sheet = PairingSheet()
                var rows: [PairingSheet.Row] = []
                _ = try TableReader.rows(path: path, limits: .upload) { n, cells in
                    if let r = try sheet.consume(row: n, cells: cells) { rows.append(r) }
                }
                try sheet.finish()
                return rows
            }
        } catch {
            let problem =
                (error as? PairingSheet.Problem)?.description ?? NationalImportService.readerProblem(error)
                ?? "无法读取该文件：请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）"
            return Outcome(fileName: fileName, paired: 0, rejected: 0, rows: [], problem: problem)
        }
        var results: [RowResult] = []
        let canReveal = user.can(.revealNumbers)
        if !canReveal {
            // For an account that may not reveal numbers every row is a lookup by number (a row that pairs names the
            // number of a member it sees masked): the rows count against the hourly allowance of number lookups, as
            // roster searches do, and the whole file is refused when it holds more than what is left.
            let numbered = rows.filter { !($0[.idNumber] ?? "").isEmpty }.count
            let left = try await NumberLookups.remaining(user, limit: lookupsPerHour, on: db)
            if numbered > left {
                return Outcome(
                    fileName: fileName, paired: 0, rejected: 0, rows: [],
                    problem:
                        "本文件有\(numbered)个身份证号，超过本账号这一小时还可按号码查找的次数（\(left)次，每小时最多\(lookupsPerHour)次）：请分批导入，或请流出地党组织导入")
            }
            for r in rows where !(r[.idNumber] ?? "").isEmpty {
                try await Audit.record(
                    .lookup, "pairing-import", ref: cipher.hash("lookup|" + Normalize.key(r[.idNumber] ?? "")),
                    summary: "结对名单导入：按身份证号查找（第\(r.row)行，查找值只存键控摘要）", user: user, client: client, on: db)
            }
        }
        for r in rows {
            let rawID = r[.idNumber] ?? ""
            let tail = String(rawID.suffix(4))
            var reasons: [String] = []
            let side = PairingSheet.side(r[.side])
            if side == nil { reasons.append("结对方应为“流出地”或“流入地”") }
            let member =
                try await MemberAuthService.normalizedID(rawID).asyncMap {
                    try await user.visibleMembers(Member.query(on: db)).filter(\.$idNumberHash == cipher.hash($0))
                        .first()
                } ?? nil
            let fileName = r[.memberName].map(Normalize.key)
            if canReveal {
                if member == nil { reasons.append("身份证号不在您管理范围内的花名册中") }
                if let member, let name = fileName, name != Normalize.key(member.name) {
                    reasons.append("姓名与花名册不符（花名册为\(member.name)）")
                }
            } else if member == nil || fileName == nil || fileName != member.map({ Normalize.key($0.name) }) {
                // One answer whether or not the number exists and whatever the roster calls the person: a row-by-row
                // answer would let an account that may not reveal numbers test candidate numbers.
                reasons.append(Self.notFound)
            }
            if reasons.isEmpty, let member, let side {
                do {
                    _ = try await PairingActions.create(
                        .init(
                            memberId: member.id!.uuidString, side: side,
                            cadre: .init(
                                name: r[.cadreName], post: r[.cadrePost], phone: r[.cadrePhone], orgCode: r[.cadreOrg],
                                account: r[.account])), cap: cap, cipher: cipher,
                        as: .staff(user, today: AppClock.today, on: db, audited: false))
                } catch AppError.invalid(let errors) {
                    reasons += errors.map(\.message)
                }
            }
            results.append(
                RowResult(
                    row: r.row, name: (canReveal ? member?.name : nil) ?? r[.memberName] ?? "", idTail: tail,
                    ok: reasons.isEmpty,
                    reason: reasons.isEmpty ? "已结对" : reasons.joined(separator: "；")))
        }
        let paired = results.filter(\.ok).count
        return Outcome(
            fileName: fileName, paired: paired, rejected: results.count - paired, rows: results, problem: nil)
    }
}

extension PairingPages {
    struct ImportForm: Content {
        var org: String?
        var file: File?
    }

    /// `POST /pairings/import` (multipart, up to 1 MB): the results page lists every row with its outcome.
    func importFile(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(ImportForm.self)
        let org = try await req.scopeOrganization(code: f.org)
        guard let file = f.file, file.data.readableBytes > 0 else {
            return req.redirect(to: "/pairings?org=\(org.code)", flash: "请选择要上传的 .xlsx 或 .csv 文件")
        }
        // A personal-data file: private, 0600, removed when the request ends.
        let path = try PrivateFiles.write(
            Data(buffer: file.data), req.application, "imports", name: "pairings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try await PairingImport.run(
            path: path, fileName: String(file.filename.prefix(120)), by: user, cap: req.settings.pairingCap,
            cipher: req.cipher, lookupsPerHour: req.settings.numberLookupsPerHour, client: req.clientAddress,
            on: req.db)
        try await req.audit(
            .import, "pairing", ref: org.code,
            summary: "导入结对名单\(outcome.fileName)：结对\(outcome.paired)人，未结对\(outcome.rejected)行")
        struct View: Encodable {
            var orgCode: String
            var outcome: PairingImport.Outcome
        }
        return try await req.page("pairing/imported", title: "结对名单导入结果", View(orgCode: org.code, outcome: outcome))
    }
}
