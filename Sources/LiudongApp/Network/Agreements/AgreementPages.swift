import Crypto
import Fluent
import LiudongCore
import Vapor

/// Agreement pages: the list, new / renew, the A4 page with the signed scan, confirm (other side), terminate.
struct AgreementPages {
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

    static func rows(_ agreements: [Agreement], on db: Database, today: CalendarDate = AppClock.today) async throws
        -> [Row]
    {
        let orgs = try await OrgTree.byID(
            Set(agreements.flatMap { [$0.outflowOrgID, $0.inflowOrgID] }), on: db)
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
        let rows = try await Self.rows(try await AgreementStore.list(for: org, on: req.db), on: req.db)
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
        var form: AgreementActions.Input
        var errors: [String: String]
        var outflowOptions: [SelectOption]
        var inflowOptions: [SelectOption]
        var listed: String
    }

    /// Our organizations the account may sign for, and the organizations it may sign with.
    private func formView(
        _ req: Request, action: String, heading: String, form: AgreementActions.Input, errors: [FieldError]
    ) async throws -> FormView {
        let user = try req.user
        let (ours, theirs) = try await AgreementStore.signingParties(under: user.scopePath, on: req.db)
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
        let form = AgreementActions.Input(
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
        var input: AgreementActions.Input {
            AgreementActions.Input(
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
            let a = try await AgreementActions.create(form, as: try req.acting)
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
        let old = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementActions.requireManager(old, user, on: req.db)
        let sides = try await OrgTree.byID([old.outflowOrgID, old.inflowOrgID], on: req.db)
        let outflow = sides[old.outflowOrgID]
        let inflow = sides[old.inflowOrgID]
        let from = CalendarDate(old.validTo)?.adding(days: 1) ?? AppClock.today
        let form = AgreementActions.Input(
            outflowOrgCode: outflow?.code, inflowOrgCode: inflow?.code, number: old.number + "-续",
            signedOn: AppClock.today.description, validFrom: from.description,
            validTo: from.adding(days: 365 * 3 - 1).description, covers: old.covers.rawValue,
            memberIds: try await AgreementStore.listed(old, on: req.db).map(\.uuidString), duties: old.duties,
            outflowContact: old.outflowContact, inflowContact: old.inflowContact)
        return try await req.page(
            "agreements/form", title: "续签共管协议",
            try await formView(
                req, action: "/agreements/\(old.id!.uuidString)/renew", heading: "续签协议\(old.number)", form: form,
                errors: []))
    }

    func renew(req: Request) async throws -> Response {
        let user = try req.user
        let old = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementActions.requireManager(old, user, on: req.db)
        let form = try req.content.decode(FormInput.self).input
        do {
            let a = try await AgreementActions.create(form, previous: old, as: try req.acting)
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
        let a = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementActions.confirm(a, as: try req.acting)
        return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: "已确认协议")
    }

    struct ReasonForm: Content { var reason: String? }

    func terminate(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let reason = try? req.content.decode(ReasonForm.self).reason
        do {
            try await AgreementActions.terminate(a, reason: reason, as: try req.acting)
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: errors.first?.message ?? "请填写终止原因")
        }
        return req.redirect(to: "/agreements/\(a.id!.uuidString)", flash: "协议已终止")
    }

    struct ScanForm: Content { var file: File? }

    /// `POST /agreements/{id}/scan` (multipart, ≤ 10 MB): a PDF, JPEG or PNG judged by its bytes; stored privately
    /// under its SHA-256, replacing an earlier scan.
    func upload(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        try await AgreementActions.requireManager(a, user, on: req.db)
        let back = "/agreements/\(a.id!.uuidString)"
        guard let file = try? req.content.decode(ScanForm.self).file, file.data.readableBytes > 0 else {
            return req.redirect(to: back, flash: "请选择扫描件（PDF、JPG 或 PNG，10MB 以内）")
        }
        if let refusal = try await AgreementActions.uploadScan(
            Data(buffer: file.data), to: a, app: req.application, as: try req.acting)
        {
            return req.redirect(to: back, flash: refusal)
        }
        return req.redirect(to: back, flash: "扫描件已上传")
    }

    /// The stored scan, checked against its SHA-256 before it is sent.
    func scan(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        guard let type = a.scanType.flatMap(ScanKind.init(rawValue:)), let sha = a.scanSHA256 else {
            throw AppError.notFound
        }
        return try await req.application.files.serve(req, sha256: sha, kind: type, filename: "agreement")
    }

    struct ShowView: Encodable {
        struct Party: Encodable {
            var code: String
            var name: String
            var type: String
            var place: String
            var secretary: String
            var contact: String
        }
        struct Version: Encodable {
            var id: String
            var number: String
            var dates: String
            var status: String
            var current: Bool
        }
        var id: String
        var number: String
        var outflow: Party
        var inflow: Party
        var signedOn: String
        var validFrom: String
        var validTo: String
        var status: String
        var statusKey: String
        var covers: String
        var listed: [String]
        var duties: [String]
        var scan: String?
        var confirmed: String?
        var terminated: String?
        var chain: [Version]
        var canManage: Bool
        var canConfirm: Bool
        /// Members it covers today, and how many of them are counted as covered by a mobile organization or another
        /// agreement (so the coverage rate rises by the difference).
        var coveredNow: Int
        var coveredElsewhere: Int
        var coverageAdds: Int
        /// In force but not yet counted toward coverage: neither confirmed by the other side nor scanned.
        var notCounted: Bool
    }

    /// The agreement as an A4 page (the print stylesheet hides the navigation and the buttons).
    func show(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let today = AppClock.today
        func party(_ id: Int, contact: String?) async throws -> ShowView.Party {
            guard let o = try await Organization.find(id, on: req.db) else {
                return .init(code: "", name: "", type: "", place: "", secretary: "", contact: contact ?? "")
            }
            return .init(
                code: o.code, name: o.name, type: o.typeLabel, place: Divisions.shared.fullName(o.divisionCode),
                secretary: o.secretary,
                contact: contact
                    ?? [o.contactPerson, Masking.phone(o.phone)].compactMap { $0 }
                    .filter { !$0.isEmpty }.joined(separator: " "))
        }
        let names = try await AgreementStore.names(try await AgreementStore.listed(a, on: req.db), on: req.db)
        let chain = try await AgreementStore.chain(a, on: req.db).map {
            ShowView.Version(
                id: $0.id!.uuidString, number: $0.number, dates: "\($0.validFrom) 至 \($0.validTo)",
                status: $0.status(on: today).label, current: $0.id == a.id)
        }
        let canManage = (try? await AgreementActions.requireManager(a, user, on: req.db)) != nil
        let status = a.status(on: today)
        let covered =
            status.inForce ? try await AgreementStore.covered(a, on: req.db, today: today) : AgreementStore.Covered()
        let view = ShowView(
            id: a.id!.uuidString, number: a.number, outflow: try await party(a.outflowOrgID, contact: a.outflowContact),
            inflow: try await party(a.inflowOrgID, contact: a.inflowContact),
            signedOn: a.signedOn.flatMap({ CalendarDate($0) })?.chinese ?? "（未签订）",
            validFrom: CalendarDate(a.validFrom)?.chinese ?? a.validFrom,
            validTo: CalendarDate(a.validTo)?.chinese ?? a.validTo, status: status.label, statusKey: status.rawValue,
            covers: a.covers.label, listed: names, duties: a.duties.split(whereSeparator: \.isNewline).map(String.init),
            scan: a.scanSHA256.map {
                "\(a.scanType?.uppercased() ?? "") · \(((a.scanSize ?? 0) + 1023) / 1024) KB · SHA-256 \($0)"
            },
            confirmed: a.confirmedAt.map { "对方已于\(CalendarDate(date: $0).chinese)确认（\(a.confirmedBy ?? "")）" },
            terminated: a.terminatedOn.map { "\($0)终止：\(a.terminatedReason ?? "")" }, chain: chain,
            canManage: canManage && !user.isInflowSide,
            canConfirm: AgreementActions.isOtherSide(a, user) && a.confirmedAt == nil, coveredNow: covered.members,
            coveredElsewhere: covered.elsewhere,
            coverageAdds: covered.adds,
            notCounted: status.inForce
                && !AgreementRules.countsTowardCoverage(
                    status, confirmed: a.confirmedAt != nil, scanned: a.scanSHA256 != nil)
        )
        return try await req.page("agreements/show", title: "共管协议 \(a.number)", view)
    }
}
