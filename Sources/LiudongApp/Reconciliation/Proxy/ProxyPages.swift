import Fluent
import LiudongCore
import Vapor

/// `/reconcile/proxy?quarter=`: inflow organizations without an account that the county's (or committee's) members
/// report to — upload a quarterly list on one's behalf (`POST /reconcile/proxy/upload`, then the import's own dry run
/// and apply) and record its sign-off from a stamped receipt (`POST /reconcile/proxy/signoffs`); the receipt at
/// `/reconcile/proxy/receipt?quarter=&inflow=`.
struct ProxyPages {
    func boot(_ r: FeatureRoutes) throws {
        let run = r.signedIn(.runReconciliation)
        run.get("reconcile", "proxy", use: page)
        run.on(
            .POST, "reconcile", "proxy", "upload",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.uploadLimit)),
            use: upload)
        run.on(
            .POST, "reconcile", "proxy", "signoffs",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.scanLimit)),
            use: sign)
        run.get("reconcile", "proxy", "receipt", use: receipt)
    }

    struct Row: Encodable {
        var code: String
        var name: String
        var members: Int
        var list: String
        var inflowSigned: String?
        var signed: Bool
        var receipt: Bool
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user
        guard user.scopeKind == .regular else { throw AppError.forbidden }
        let quarter = try req.quarterQuery() ?? AppClock.quarter
        let scope = try await req.scopeOrganization(code: user.scopeCode)
        let county = try await OrgTree.county(of: scope, on: req.db)
        var rows: [Row] = []
        for c in try await ProxyStore.candidates(under: user.scopePath, quarter: quarter, on: req.db) {
            let signed = try await county.asyncMap {
                try await ProxyStore.signatures(quarter: quarter, county: $0.id!, inflow: c.id, on: req.db)
            }
            let receipt = try await county.asyncMap {
                try await ProxyStore.receipt(quarter: quarter, county: $0.id!, inflow: c.id, on: req.db)
            }
            rows.append(
                Row(
                    code: c.code, name: c.short_name, members: c.members,
                    list: c.by_username.map { "已由 \($0) 提交，\(c.rows ?? 0) 人" } ?? "尚未提交",
                    inflowSigned: signed?.inflow, signed: signed?.inflow != nil, receipt: (receipt ?? nil) != nil))
        }
        struct View: Encodable {
            var quarter: String
            var quarterText: String
            var quarters: [SelectOption]
            var county: String
            var rows: [Row]
        }
        let quarters = [AppClock.quarter, AppClock.quarter.previous].compactMap { $0 }.map {
            SelectOption(value: $0.description, label: $0.chinese, selected: $0 == quarter)
        }
        return try await req.page(
            "reconcile/proxy", title: "代无账号的流入地党组织办理",
            View(
                quarter: quarter.description, quarterText: quarter.chinese, quarters: quarters,
                county: county?.shortName ?? scope.shortName, rows: rows))
    }

    struct UploadForm: Content {
        var org: String?
        var quarter: String?
        var file: File?
        var receipt: File?
    }

    func upload(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(UploadForm.self)
        guard let quarter = f.quarter.flatMap(Quarter.init) else {
            throw AppError.invalid([FieldError("quarter", "请选择季度")])
        }
        let back = "/reconcile/proxy?quarter=\(quarter)"
        do {
            let org = try await ProxyActions.target(f.org, for: user, on: req.db)
            guard let file = f.file, file.data.readableBytes > 0 else {
                return req.redirect(to: back, flash: "请选择要上传的 .xlsx 或 .csv 名单")
            }
            let id = try await ProxyActions.upload(
                Data(file.data.readableBytesView), fileName: file.filename, for: org, quarter: quarter, user: user,
                app: req.application)
            try await req.audit(
                .import, "inflow-ledger", ref: quarter.description,
                summary: "代\(org.shortName)上传\(quarter.chinese)流入党员名单“\(file.filename)”（试导入）")
            return req.redirect(to: "/imports/\(id)")
        } catch AppError.conflict(let why) {
            return req.redirect(to: back, flash: why)
        }
    }

    func sign(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(UploadForm.self)
        guard let quarter = f.quarter.flatMap(Quarter.init) else {
            throw AppError.invalid([FieldError("quarter", "请选择季度")])
        }
        let back = "/reconcile/proxy?quarter=\(quarter)"
        return try await req.act(back: back) {
            let org = try await ProxyActions.target(f.org, for: user, on: req.db)
            _ = try await ProxyActions.sign(
                quarter: quarter, inflow: org, receipt: f.receipt.map { Data($0.data.readableBytesView) } ?? Data(),
                app: req.application, as: try req.acting)
            let frozen = try await ReconciliationProgress.freezeIfAllSigned(
                quarter, user: user, app: req.application, on: req.db)
            return "已凭盖章回执代\(org.shortName)签认。" + (frozen == "已确认" ? "" : frozen)
        }
    }

    func receipt(req: Request) async throws -> Response {
        let user = try req.user
        guard let quarter = (try? req.query.get(String.self, at: "quarter")).flatMap(Quarter.init),
            let code = try? req.query.get(String.self, at: "inflow"),
            let inflow = try await OrgTree.organization(code: code, on: req.db),
            let scope = try await Organization.find(user.scopeID, on: req.db),
            let county = try await OrgTree.county(of: scope, on: req.db),
            let r = try await ProxyStore.receipt(quarter: quarter, county: county.id!, inflow: inflow.id!, on: req.db)
        else { throw AppError.notFound }
        return try await req.application.files.serve(req, sha256: r.sha256, kind: r.kind, filename: "receipt")
    }
}
