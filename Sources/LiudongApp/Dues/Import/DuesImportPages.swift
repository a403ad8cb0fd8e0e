import Fluent
import Foundation
import LiudongCore
import Vapor

/// `/dues/import`: a branch (or above) uploads its existing dues book; the dry run lists every row with its reason;
/// the uploader applies the accepted rows, all together, from any node within a day.
struct DuesImportPages {
    func boot(_ r: FeatureRoutes) throws {
        let rec = r.signedIn(.recordDues)
        rec.get("dues", "import", use: form)
        rec.on(.POST, "dues", "import", body: .collect(maxSize: "2mb"), use: upload)
        rec.post("dues", "import", ":iid", "apply", use: apply)
    }

    func form(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        struct View: Encodable {
            var code: String
            var name: String
        }
        return try await req.page("dues/import", title: "导入党费收缴登记簿", View(code: org.code, name: org.shortName))
    }

    struct UploadForm: Content {
        var org: String?
        var file: File?
    }

    func upload(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(UploadForm.self)
        let org = try await req.treeScopeOrganization(code: f.org)
        guard user.can(.revealNumbers) else { throw AppError.forbidden }
        guard let file = f.file, file.data.readableBytes > 0 else {
            return req.redirect(to: "/dues/import?org=\(org.code)", flash: "请选择要上传的 .xlsx 或 .csv 文件")
        }
        let path = try PrivateFiles.write(
            Data(buffer: file.data), req.application, "imports", name: "dues-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try await DuesImport.dryRun(path: path, by: user, cipher: req.cipher, on: req.db)
        let record = DuesImportRecord()
        record.orgID = try org.requireID()
        record.byName = user.username
        record.fileName = String(file.filename.prefix(120))
        record.rows = String(decoding: try JSONEncoder().encode(outcome.planned), as: UTF8.self)
        record.accepted = outcome.planned.count
        record.rejected = outcome.rows.count - outcome.planned.count
        if outcome.problem == nil { try await record.create(on: req.db) }
        try await req.audit(
            .import, "dues-book", ref: org.code,
            summary: "党费收缴登记簿试导入\(record.fileName)：可导入\(record.accepted)行，不能导入\(record.rejected)行")
        struct View: Encodable {
            var code: String
            var id: String?
            var fileName: String
            var accepted: Int
            var rejected: Int
            var problem: String?
            var rows: [DuesImport.RowResult]
        }
        return try await req.page(
            "dues/imported", title: "党费收缴登记簿试导入",
            View(
                code: org.code, id: record.id?.uuidString, fileName: record.fileName, accepted: record.accepted,
                rejected: record.rejected, problem: outcome.problem,
                rows: outcome.rows.sorted { ($0.ok ? 1 : 0, $0.row) < ($1.ok ? 1 : 0, $1.row) }))
    }

    func apply(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("iid").flatMap(UUID.init(uuidString:)),
            let record = try await DuesImportRecord.find(id, on: req.db), record.byName == user.username
        else { throw AppError.notFound }
        let org = try user.require(try await Organization.find(record.orgID, on: req.db))
        return try await req.act(back: "/dues?org=\(org.code)") {
            guard record.appliedAt == nil else { throw AppError.conflict("这次导入已经完成") }
            guard let created = record.createdAt, AppClock.now.timeIntervalSince(created) < 86_400 else {
                throw AppError.conflict("试导入已超过一天，请重新上传")
            }
            let planned = try JSONDecoder().decode([DuesImport.Planned].self, from: Data(record.rows.utf8))
            let n = try await DuesImport.apply(planned, as: try req.acting)
            record.appliedAt = AppClock.now
            try await record.update(on: req.db)
            try await req.audit(
                .import, "dues-book", ref: org.code, summary: "导入党费收缴登记簿\(record.fileName)：\(n)笔交纳记录")
            return "已导入\(n)笔交纳记录"
        }
    }
}
