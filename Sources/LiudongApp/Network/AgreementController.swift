import Crypto
import Fluent
import LiudongCore
import Vapor

/// Agreement pages: the list, new / renew, the A4 page with the signed scan, confirm (other side), terminate.
struct AgreementController {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewAgreements)
        view.get("agreements", use: index)
        view.get("agreements", ":id", use: show)
        view.get("agreements", ":id", "scan", use: scan)
        view.post("agreements", ":id", "confirm", use: confirm)
        let manage = r.signedIn(.manageAgreements)
        manage.get("agreements", "new", use: new)
        manage.post("agreements", use: create)
        manage.get("agreements", ":id", "renew", use: renewForm)
        manage.post("agreements", ":id", "renew", use: renew)
        manage.post("agreements", ":id", "terminate", use: terminate)
        manage.on(
            .POST, "agreements", ":id", "scan", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.scanLimit)),
            use: upload)
    }

    static let maxScanBytes = 10 << 20

    struct Row: Encodable {
        var id: String
        var number: String
        var outflow: String
        var inflow: String
        var validFrom: String
        var validTo: String
        var status: String
        var statusKey: String
        var confirmed: Bool
        var scan: Bool
    }

    /// Agreements touching `org`: signed by it, by an organization under it or above it, or with it as the other side.
    static func list(for org: Organization, on db: Database) async throws -> [Agreement] {
        let related = try await Organization.query(on: db).group(.or) {
            $0.filter(\.$path =~ org.path).filter(\.$id ~~ org.pathIDs)
        }.all().compactMap(\.id)
        return try await Agreement.query(on: db).group(.or) {
            $0.filter(\.$outflowOrgID ~~ related).filter(\.$inflowOrgID ~~ related)
        }.sort(\.$validTo, .descending).limit(2000).all()
    }

    static func rows(_ agreements: [Agreement], on db: Database, today: CalendarDate = AppClock.today) async throws
        -> [Row]
    {
        let ids = Set(agreements.flatMap { [$0.outflowOrgID, $0.inflowOrgID] })
        let orgs = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ Array(ids)).all().map {
                ($0.id!, $0)
            })
        return agreements.map { a in
            let s = a.status(on: today)
            return Row(
                id: a.id!.uuidString, number: a.number, outflow: orgs[a.outflowOrgID]?.shortName ?? "",
                inflow: orgs[a.inflowOrgID]?.shortName ?? "", validFrom: a.validFrom, validTo: a.validTo,
                status: s.label, statusKey: s.rawValue, confirmed: a.confirmedAt != nil, scan: a.scanSHA256 != nil)
        }
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.scopeOrganization()
        struct View: Encodable {
            var orgCode: String
            var orgName: String
            var rows: [Row]
            var canManage: Bool
            /// The inflow side's list of our members reporting to it, with the agreement covering each.
            var inflowLedger: String?
        }
        let rows = try await Self.rows(try await Self.list(for: org, on: req.db), on: req.db)
        return try await req.page(
            "agreements/index", title: "共管协议",
            View(
                orgCode: org.code, orgName: org.shortName, rows: rows,
                canManage: user.can(.manageAgreements) && !user.isInflowSide,
                inflowLedger: user.isInflowSide ? "/ledger/\(user.scopeCode)/inflow" : nil))
    }

    struct FormView: Encodable {
        var action: String
        var heading: String
        var form: AgreementService.Input
        var errors: [String: String]
        var outflowOptions: [SelectOption]
        var inflowOptions: [SelectOption]
        var listed: String
    }

    /// Our organizations the account may sign for, and the organizations it may sign with.
    private func formView(
        _ req: Request, action: String, heading: String, form: AgreementService.Input, errors: [FieldError]
    ) async throws -> FormView {
        let user = try req.user
        let ours = try await Organization.query(on: req.db).filter(\.$path =~ user.scopePath).filter(
            \.$kind == .regular
        )
        .filter(\.$level ~~ [.county, .committee, .generalBranch, .branch]).filter(\.$closedAt == nil)
        .sort(\.$path).limit(3000).all()
        let theirs = try await Organization.query(on: req.db).filter(\.$kind ~~ [.external, .mobile])
            .filter(\.$closedAt == nil).sort(\.$divisionCode).limit(3000).all()
        return FormView(
            action: action, heading: heading, form: form, errors: errors.byField,
            outflowOptions: ours.map {
                SelectOption(
                    value: $0.code, label: "\($0.shortName)（\($0.typeLabel)）", selected: $0.code == form.outflowOrgCode)
            },
            inflowOptions: theirs.map {
                SelectOption(
                    value: $0.code,
                    label: "\($0.shortName)（\(Divisions.shared.fullName($0.divisionCode))·\($0.typeLabel)）",
                    selected: $0.code == form.inflowOrgCode)
            }, listed: (form.memberIds ?? []).joined(separator: "\n"))
    }

    func new(req: Request) async throws -> Response {
        let user = try req.user
        let today = AppClock.today
        let form = AgreementService.Input(
            outflowOrgCode: (try? req.query.get(String.self, at: "org")) ?? user.scopeCode,
            inflowOrgCode: try? req.query.get(String.self, at: "inflow"), signedOn: today.description,
            validFrom: today.description, validTo: today.adding(days: 365 * 3).description, covers: "all",
            duties: AgreementText.defaultDuties)
        return try await req.page(
            "agreements/form", title: "签订共管协议",
            try await formView(req, action: "/agreements", heading: "签订共管协议", form: form, errors: []))
    }

    /// The form posts member ids one per line; the API sends an array.
    struct FormInput: Content {
        var outflowOrgCode, inflowOrgCode, number, signedOn, validFrom, validTo, covers, duties: String?
        var outflowContact, inflowContact, memberIds: String?
        var input: AgreementService.Input {
            AgreementService.Input(
                outflowOrgCode: outflowOrgCode, inflowOrgCode: inflowOrgCode, number: number, signedOn: signedOn,
                validFrom: validFrom, validTo: validTo, covers: covers,
                memberIds: memberIds?.split(whereSeparator: { $0.isNewline || $0 == "," || $0 == " " }).map(
                    String.init),
                duties: duties, outflowContact: outflowContact, inflowContact: inflowContact)
        }
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(FormInput.self).input
        do {
            let a = try await AgreementService.create(form, by: try req.user, on: req.db)
            try await req.audit(.create, "agreement", ref: a.id!.uuidString, summary: "签订共管协议\(a.number)")
            return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: "已保存协议\(a.number)，请上传双方签字盖章的扫描件")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "agreements/form", title: "签订共管协议",
                try await formView(req, action: "/agreements", heading: "签订共管协议", form: form, errors: errors),
                status: .unprocessableEntity)
        }
    }

    func renewForm(req: Request) async throws -> Response {
        let user = try req.user
        let old = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementService.requireManager(old, user, on: req.db)
        let outflow = try await Organization.find(old.outflowOrgID, on: req.db)
        let inflow = try await Organization.find(old.inflowOrgID, on: req.db)
        let from = CalendarDate(old.validTo)?.adding(days: 1) ?? AppClock.today
        let form = AgreementService.Input(
            outflowOrgCode: outflow?.code, inflowOrgCode: inflow?.code, number: old.number + "-续",
            signedOn: AppClock.today.description, validFrom: from.description,
            validTo: from.adding(days: 365 * 3 - 1).description, covers: old.covers.rawValue,
            memberIds: try await AgreementService.listed(old, on: req.db).map(\.uuidString), duties: old.duties,
            outflowContact: old.outflowContact, inflowContact: old.inflowContact)
        return try await req.page(
            "agreements/form", title: "续签共管协议",
            try await formView(
                req, action: "/agreements/\(old.id!.uuidString)/renew", heading: "续签协议\(old.number)", form: form,
                errors: []))
    }

    func renew(req: Request) async throws -> Response {
        let user = try req.user
        let old = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementService.requireManager(old, user, on: req.db)
        let form = try req.content.decode(FormInput.self).input
        do {
            let a = try await AgreementService.create(form, previous: old, by: user, on: req.db)
            try await req.audit(.create, "agreement", ref: a.id!.uuidString, summary: "续签共管协议\(old.number)→\(a.number)")
            return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: "已续签，新协议\(a.number)")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "agreements/form", title: "续签共管协议",
                try await formView(
                    req, action: "/agreements/\(old.id!.uuidString)/renew", heading: "续签协议\(old.number)", form: form,
                    errors: errors), status: .unprocessableEntity)
        }
    }

    func confirm(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementService.confirm(a, by: user, on: req.db)
        try await req.audit(.update, "agreement", ref: a.id!.uuidString, summary: "对方确认共管协议\(a.number)")
        return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: "已确认协议")
    }

    struct ReasonForm: Content { var reason: String? }

    func terminate(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let reason = try? req.content.decode(ReasonForm.self).reason
        do {
            try await AgreementService.terminate(a, reason: reason, by: user, on: req.db)
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: errors.first?.message ?? "请填写终止原因")
        }
        try await req.audit(.update, "agreement", ref: a.id!.uuidString, summary: "终止共管协议\(a.number)：\(reason ?? "")")
        return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: "协议已终止")
    }

    struct ScanForm: Content { var file: File? }

    /// `POST /agreements/{id}/scan` (multipart, ≤ 10 MB): a PDF, JPEG or PNG judged by its bytes; stored privately
    /// under its SHA-256, replacing an earlier scan.
    func upload(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementService.requireManager(a, user, on: req.db)
        let back = "/agreements/\(a.id!.uuidString)"
        guard let file = try? req.content.decode(ScanForm.self).file, file.data.readableBytes > 0 else {
            return req.redirect(to: back, flash: "请选择扫描件（PDF、JPG 或 PNG，10MB 以内）")
        }
        guard file.data.readableBytes <= Self.maxScanBytes else {
            return req.redirect(to: back, flash: "扫描件超过10MB，请压缩后再上传")
        }
        let bytes = Data(buffer: file.data)
        guard let kind = ScanKind.sniff(Array(bytes)) else {
            return req.redirect(to: back, flash: "文件内容不是 PDF、JPG 或 PNG，请上传签字盖章协议的扫描件")
        }
        let owner = UploadLedger.owner(account: try req.user)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .attachment, bytes: bytes.count, settings: req.settings, now: now, on: req.db)
        {
            return req.redirect(to: back, flash: refusal)
        }
        let sha = SHA256.hash(data: bytes).hex
        let previous = a.scanType.flatMap(ScanKind.init(rawValue:)).map { "\(a.id!.uuidString).\($0.fileExtension)" }
        let name = "\(a.id!.uuidString).\(kind.fileExtension)"
        a.scanSHA256 = sha
        a.scanType = kind.rawValue
        a.scanSize = bytes.count
        let agreement = a
        try await UploadLedger.keep(bytes, req.application, "agreements", name: name) {
            try await req.db.transaction { tx in
                try await agreement.update(on: tx)
                try await UploadLedger.record(owner: owner, kind: .attachment, bytes: bytes.count, now: now, on: tx)
            }
        }
        // A scan of another type replaces the old file under another name: remove it.
        if let previous, previous != name {
            try? FileManager.default.removeItem(
                atPath: try PrivateFiles.directory(req.application, "agreements") + "/" + previous)
        }
        try await req.audit(
            .update, "agreement", ref: a.id!.uuidString, summary: "上传协议\(a.number)扫描件（\(kind.rawValue)，SHA-256 \(sha)）")
        return req.redirect(to: back, flash: "扫描件已上传")
    }

    /// The stored scan, checked against its SHA-256 before it is sent.
    func scan(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        guard let type = a.scanType.flatMap(ScanKind.init(rawValue:)), let sha = a.scanSHA256 else {
            throw AppError.notFound
        }
        return try PrivateFiles.serve(
            req, "agreements", name: "\(a.id!.uuidString).\(type.fileExtension)", sha256: sha, kind: type,
            filename: "agreement")
    }
}
