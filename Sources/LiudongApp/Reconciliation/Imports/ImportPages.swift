import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Upload pages: the national export (organization departments) and an inflow organization's own list.
/// Upload → dry run with progress → the counts and every rejected row → apply (all or nothing) → audit.
struct ImportPages {
    func boot(_ r: FeatureRoutes) throws {
        let imports = r.signedIn(anyOf: [.importNational, .actForInflowOrganization])
        imports.get("imports", use: index)
        imports.on(.POST, "imports", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.uploadLimit)), use: upload)
        let national = r.signedIn(.importNational)
        national.get("imports", "sample.xlsx", use: samplePage)
        national.post("imports", "sample.xlsx", use: sample)
        // A job is its account's own: to anyone else it does not exist.
        let jobs = r.signedIn(anyOf: [.importNational, .actForInflowOrganization], hidden: true)
        jobs.get("imports", ":job", use: show)
        jobs.get("imports", ":job", "progress", use: progress)
        jobs.post("imports", ":job", "apply", use: apply)
        jobs.post("imports", ":job", "discard", use: discard)
        jobs.get("imports", ":job", "rejected.xlsx", use: rejected)
    }

    static func canImportNational(_ u: CurrentUser) -> Bool { u.can(.importNational) && u.scopeKind == .regular }

    struct IndexView: Encodable {
        var national: Bool
        var inflow: Bool
        var quarter: String
        var quarters: [SelectOption]
        var recent: [RecentImport]
        var inflowName: String?
        var systemList: [InflowRow]
        var submitted: String?
    }
    struct InflowRow: Encodable {
        var name: String
        /// The masked form (division and check digit), never the last four characters beside the name.
        var idMasked: String
        var home: String
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let sql = try req.db.sql()
        let quarter = try req.quarterQuery() ?? AppClock.quarter
        let recent = try await ImportStore.recentNational(under: user.scopePath, on: sql)
        var list: [InflowRow] = []
        var submitted: String?
        let inflow = user.isInflowSide
        if inflow {
            list = try await ImportStore.reportingTo(user.scopeID, on: sql).map {
                InflowRow(
                    name: $0.name, idMasked: Masking.idNumber((try? req.cipher.open($0.id_number_enc)) ?? ""),
                    home: $0.home)
            }
            if let s = try await ImportStore.submission(quarter: quarter, orgID: user.scopeID, on: sql) {
                let how = InflowListSource(rawValue: s.method)?.label ?? s.method
                submitted = "\(quarter.chinese)已由 \(s.by_username) \(how)名单，共 \(s.rows) 人"
            }
        }
        let quarters = [AppClock.quarter, AppClock.quarter.previous].compactMap { $0 }.map {
            SelectOption(value: $0.description, label: $0.chinese, selected: $0 == quarter)
        }
        return try await req.page(
            "imports/index", title: "数据导入",
            IndexView(
                national: Self.canImportNational(user), inflow: inflow, quarter: quarter.description,
                quarters: quarters,
                recent: Self.canImportNational(user) ? recent : [], inflowName: inflow ? user.scopeName : nil,
                systemList: list, submitted: submitted))
    }

    struct UploadForm: Content {
        var kind: String?
        var quarter: String?
        var file: File?
        var confirm: String?
    }

    func upload(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(UploadForm.self)
        guard let quarter = form.quarter.flatMap(Quarter.init) else {
            throw AppError.invalid([FieldError("quarter", "请选择季度")])
        }
        let kind = ImportKind(form: form.kind)
        if kind == .national {
            guard Self.canImportNational(user) else { throw AppError.forbidden }
        } else {
            guard user.isInflowSide else { throw AppError.forbidden }
        }
        // An inflow organization confirms the list the system holds, without a file.
        if kind == .inflow, form.confirm == "1" {
            guard let org = try await Organization.find(user.scopeID, on: req.db) else { throw AppError.notFound }
            let n = try await InflowLedgerService.confirm(
                org: org, quarter: quarter, username: user.username, cipher: req.cipher,
                gate: req.application.writeGate, on: req.db)
            try await req.audit(
                .import, "inflow-ledger", ref: quarter.description,
                summary: "\(org.shortName)确认\(quarter.chinese)流入党员名单（\(n)人）")
            return req.redirect(to: "/imports?quarter=\(quarter)", flash: "已确认\(quarter.chinese)名单，共 \(n) 人")
        }
        guard let file = form.file, file.data.readableBytes > 0 else {
            throw AppError.invalid([FieldError("file", "请选择要导入的 .xlsx 或 .csv 文件")])
        }
        // Into the file store every node reads; the job row tells any node to check it (this one starts at once).
        let app = req.application
        let stored = try await app.files.put(file.data, on: app.db)
        let job = ImportJob(
            id: UUID(), accountID: user.accountID, kind: kind, orgID: kind == .inflow ? user.scopeID : nil,
            quarter: quarter, fileName: String(file.filename.prefix(200)), fileSHA256: stored.sha256,
            scopePath: user.scopePath, scopeCode: user.scopeCode, username: user.username)
        try await ImportJobStore.create(job, on: app.db)
        app.importWorker.kick(app)
        return req.redirect(to: "/imports/\(job.id)")
    }

    private func job(_ req: Request) async throws -> ImportJob {
        let user = try req.user
        guard let id = req.parameters.get("job", as: UUID.self),
            let job = try await ImportJobStore.find(id, cipher: req.cipher, on: req.db),
            job.accountID == user.accountID
        else {
            throw AppError.notFound
        }
        return job
    }

    struct JobView: Encodable {
        var id: String
        var kind: String
        var fileName: String
        var quarter: String
        var phase: String
        var running: Bool
        var rowsRead: Int
        var seconds: String
        var summary: NationalImportService.Summary?
        var rejectedShown: [RejectedRow]
        var more: Int
        var error: String?
        var canApply: Bool
    }

    func show(req: Request) async throws -> Response {
        let j = try await job(req)
        let running = j.phase.isRunning
        let rejected = j.summary?.rejected ?? []
        let total = j.summary?.rejectedTotal ?? 0
        let view = JobView(
            id: j.id.uuidString, kind: j.kind.label, fileName: j.fileName,
            quarter: j.quarter.chinese, phase: j.phase.rawValue, running: running, rowsRead: j.rowsRead,
            seconds: String(format: "%.1f", AppClock.now.timeIntervalSince(j.started)), summary: j.summary,
            rejectedShown: Array(rejected.prefix(500)), more: max(0, total - 500), error: j.error,
            canApply: j.phase == .checked && (j.summary.map { $0.rows > $0.rejectedTotal } ?? false))
        return try await req.page("imports/job", title: "导入", view)
    }

    /// For scripts and the page's own polling: `{"phase","rowsRead"}`.
    func progress(req: Request) async throws -> Response {
        let j = try await job(req)
        return try await ImportProgress(phase: j.phase.rawValue, rowsRead: j.rowsRead).encodeResponse(for: req)
    }

    func apply(req: Request) async throws -> Response {
        let user = try req.user
        let j = try await job(req)
        // Check and change in one step: of two concurrent clicks, one applies and the other is told.
        guard try await ImportJobStore.advance(j.id, from: .checked, to: .applying, username: user.username, on: req.db)
        else {
            return req.redirect(to: "/imports/\(j.id)", flash: "这份文件不能再次应用")
        }
        req.application.importWorker.kick(req.application)
        return req.redirect(to: "/imports/\(j.id)")
    }

    /// The uploader abandons a checked file: the job is forgotten and the file removed at once.
    func discard(req: Request) async throws -> Response {
        let j = try await job(req)
        let app = req.application
        let (done, sha) = try await ImportJobStore.discard(j.id, on: app.db)
        guard done else { return req.redirect(to: "/imports/\(j.id)", flash: "这份文件正在处理，不能放弃") }
        if let sha { try await app.files.removeIfUnreferenced(sha, app) }
        return req.redirect(to: "/imports", flash: "已放弃“\(j.fileName)”，上传的文件已删除")
    }

    func rejected(req: Request) async throws -> Response {
        let j = try await job(req)
        guard let summary = j.summary else { throw AppError.notFound }
        return try await PrivateFiles.with(req.application, "exports", name: "rejected-\(UUID().uuidString).xlsx") {
            path in
            try NationalImportService.writeRejected(
                summary.rejected, more: summary.rejectedMore,
                title: "“\(j.fileName)”未导入的行（\(j.quarter.chinese)）", to: path)
            return try await req.download(path, kind: .xlsx, name: "未导入的行_\(j.quarter).xlsx", fallback: "rejected.xlsx")
        }
    }

    /// The sample holds full ID numbers and phones of the scope's members: it is an unmasking export, asked for with
    /// a reason by POST, never fetched by a GET (a link, a prefetch, a crawler).
    func samplePage(req: Request) async throws -> Response {
        guard Self.canImportNational(try req.user) else { throw AppError.forbidden }
        return req.redirect(to: "/imports", flash: "示例文件含本辖区党员的完整身份证号和手机号，请在页面上填写事由后下载")
    }

    struct SampleForm: Content { var reason: String? }

    /// A sample national export of the account's own scope, in the national system's layout, with a few messy rows
    /// (a scientific-notation ID, a bad check digit, a duplicate, an unknown branch) to try the import with.
    func sample(req: Request) async throws -> Response {
        let user = try req.user
        guard Self.canImportNational(user) else { throw AppError.forbidden }
        guard let reason = Normalize.text(try req.content.decode(SampleForm.self).reason) else {
            throw AppError.invalid([FieldError("reason", "下载含完整身份证号的示例文件须填写事由")])
        }
        return try await PrivateFiles.with(req.application, "exports", name: "sample-\(UUID().uuidString).xlsx") {
            path in
            let rows = try await NationalExportWriter.write(
                under: user.scopePath, format: .xlsx, messy: true, to: path, cipher: req.cipher, on: req.db)
            try await req.audit(
                .export, "national-sample", ref: user.scopeCode,
                summary: "下载示例全国系统导出文件（\(user.scopeName)，\(rows)行，含完整身份证号，事由：\(reason)）")
            return try await req.download(
                path, kind: .xlsx, name: "全国系统导出示例_\(user.scopeCode).xlsx", fallback: "sample.xlsx")
        }
    }
}

private struct ImportProgress: Content {
    var phase: String
    var rowsRead: Int
}
