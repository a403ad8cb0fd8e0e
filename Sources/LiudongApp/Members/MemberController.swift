import Fluent
import LiudongCore
import Vapor

/// Roster pages: search, create, edit, the member page with its timeline, and audited reveal.
struct MemberController {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewMembers).grouped("members")
        view.get(use: index)
        view.get(":id", use: show)
        let roster = r.signedIn(.editRoster).grouped("members")
        roster.get("new", use: new)
        roster.post(use: create)
        roster.get(":id", "edit", use: edit)
        roster.post(":id", "edit", use: update)
        r.signedIn(.revealNumbers).grouped("members").post(":id", "reveal", use: reveal)
    }

    struct IndexView: Encodable {
        var rows: [MemberRow]
        var total: Int
        var page: Int
        var pages: Int
        var q: String
        var org: String
        var orgName: String
        var prev: String?
        var next: String?
        var canCreate: Bool
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        let orgCode = (try? req.query.get(String.self, at: "org")) ?? ""
        let result = try await MemberService.search(
            org: orgCode, q: q, page: req.pageNumber(), for: user, cipher: req.cipher,
            lookupsPerHour: req.settings.numberLookupsPerHour, client: req.clientAddress, on: req.db)
        let orgs = try await Self.organizations(of: result.members, on: req.db)
        let orgName =
            orgCode.isEmpty
            ? user.scopeName
            : (try await OrgTree.organization(code: orgCode, on: req.db)?.shortName ?? "")
        func link(_ p: Int) -> String {
            var comps = URLComponents()
            comps.queryItems = [
                URLQueryItem(name: "q", value: q), URLQueryItem(name: "org", value: orgCode),
                URLQueryItem(name: "page", value: "\(p)"),
            ]
            return "/members?" + (comps.percentEncodedQuery ?? "")
        }
        let view = IndexView(
            rows: result.members.map { MemberRow($0, org: orgs[$0.organizationID], cipher: req.cipher) },
            total: result.total,
            page: result.page, pages: result.pages, q: q, org: orgCode, orgName: orgName,
            prev: result.page > 1 ? link(result.page - 1) : nil,
            next: result.page < result.pages ? link(result.page + 1) : nil, canCreate: user.can(.editRoster))
        return try await req.page("members/index", title: "党员花名册", view)
    }

    /// The organizations of a page of members, one query.
    static func organizations(of members: [Member], on db: Database) async throws -> [Int: Organization] {
        try await OrgTree.byID(members.map(\.organizationID), on: db)
    }

    struct FormView: Encodable {
        var action: String
        var heading: String
        var form: MemberForm
        var errors: [String: String]
        var sexes: [SelectOption]
        var ethnicities: [SelectOption]
        var educations: [SelectOption]
        var categories: [SelectOption]
        var branches: [SelectOption]
        var migrant: Bool
        var isNew: Bool
        var cancel: String
    }

    private func formView(
        _ req: Request, action: String, heading: String, form: MemberForm, errors: [FieldError],
        isNew: Bool, cancel: String
    ) async throws -> FormView {
        let user = try req.user
        let branches = try await MemberService.branchesForForm(for: user, on: req.db)
        return FormView(
            action: action, heading: heading, form: form,
            errors: errors.byField,
            sexes: Sex.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.sex || $0.label == form.sex)
            },
            ethnicities: EthnicGroups.all.map {
                SelectOption(value: $0, label: $0, selected: $0 == (form.ethnicity ?? "汉族"))
            },
            educations: Education.options(selected: form.education),
            categories: MemberCategory.options(selected: form.category),
            branches: branches.map {
                SelectOption(value: $0.code, label: "\($0.shortName)（\($0.code)）", selected: $0.code == form.orgCode)
            },
            migrant: ["1", "true", "on", "是"].contains(form.isMigrantWorker ?? ""), isNew: isNew, cancel: cancel)
    }

    func new(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.editRoster)
        let org = (try? req.query.get(String.self, at: "org")) ?? (user.scopeLevel == .branch ? user.scopeCode : nil)
        return try await req.page(
            "members/form", title: "登记党员",
            try await formView(
                req, action: "/members", heading: "登记党员", form: MemberForm(orgCode: org),
                errors: [], isNew: true, cancel: "/members"))
    }

    func create(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(MemberForm.self)
        do {
            let m = try await MemberService.create(
                form, by: user, client: req.clientAddress, cipher: req.cipher,
                lookupsPerHour: req.settings.numberLookupsPerHour, on: req.db)
            try await req.audit(
                .create, "member", ref: m.id!.uuidString, summary: "登记党员\(m.name)（\(Masking.idStored(m.idPrefix))）")
            return req.redirect(to: "/members/\(m.id!.uuidString)", flash: "已登记\(m.name)")
        } catch is SubmittedForCheck {
            return req.redirect(to: "/members", flash: RosterDuplicateAnswer.submittedMessage)
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "members/form", title: "登记党员",
                try await formView(
                    req, action: "/members", heading: "登记党员", form: form, errors: errors,
                    isNew: true, cancel: "/members"), status: .unprocessableEntity)
        }
    }

    private func member(_ req: Request) async throws -> Member {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound }
        return try await MemberService.find(id, for: try req.user, on: req.db)
    }

    struct ShowView: Encodable {
        var member: MemberDetail
        var division: String
        var timeline: [TimelineEntry]
        var canEdit: Bool
        var canReveal: Bool
        var revealed: [String: String]
        var flow: FlowView?
        /// Devices or networks paused from signing in to the member's phone account (failed passwords).
        var signInPaused: Int
    }

    struct FlowView: Encodable {
        var status: String
        var leftOn: String
        var destination: String
        var address: String?
        var employer: String?
        var reason: String
        var inflowOrg: String?
        var arrivedOn: String?
        var returnedOn: String?
        var lastContactOn: String
        var expectedReturnOn: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, member: try await member(req), revealed: [:])
    }

    private func render(_ req: Request, member m: Member, revealed: [String: String]) async throws -> Response {
        let user = try req.user
        let org = try await Organization.find(m.organizationID, on: req.db)
        let events = try await MemberService.timeline(m, on: req.db)
        let flow = try await MemberService.latestFlow(of: m, on: req.db)
        let inflow =
            try await flow?.inflowOrgID.asyncMap { try await Organization.find($0, on: req.db)?.shortName } ?? nil
        let view = ShowView(
            member: MemberDetail(m, org: org, cipher: req.cipher), division: Divisions.shared.fullName(m.idPrefix),
            timeline: events.map {
                .init(at: Format.dateTime($0.at), summary: $0.summary, by: $0.accountUsername ?? "-")
            },
            canEdit: user.can(.editRoster), canReveal: user.can(.revealNumbers), revealed: revealed,
            flow: flow.map { f in
                FlowView(
                    status: f.status.label, leftOn: f.leftOn, destination: f.destinationName, address: f.address,
                    employer: f.employer, reason: f.reasonLabel, inflowOrg: inflow ?? nil, arrivedOn: f.arrivedOn,
                    returnedOn: f.returnedOn, lastContactOn: f.lastContactOn, expectedReturnOn: f.expectedReturnOn)
            },
            signInPaused: user.can(.issueActivationCodes)
                ? try await MemberSignInLocks.paused(member: m.id!, now: AppClock.now, on: try req.db.sql()) : 0)
        return try await req.page("members/show", title: m.name, view)
    }

    private func form(of m: Member, cipher: FieldCipher) throws -> MemberForm {
        MemberForm(
            name: m.name, sex: m.sex.rawValue, ethnicity: m.ethnicity, birthDate: m.birthDate,
            idNumber: try cipher.open(m.idNumberEnc), education: m.education.rawValue, category: m.category.rawValue,
            joinedOn: m.joinedOn, fullOn: m.fullOn, orgCode: nil, phone: try m.phoneEnc.map(cipher.open),
            household: m.household, residence: m.residence, employer: m.employer,
            isMigrantWorker: m.isMigrantWorker ? "1" : "")
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.editRoster)
        let m = try await member(req)
        var f = try form(of: m, cipher: req.cipher)
        f.orgCode = try await Organization.find(m.organizationID, on: req.db)?.code
        // The edit form holds the full numbers, so opening it is a reveal.
        try await req.audit(.reveal, "member", ref: m.id!.uuidString, summary: "打开修改表单（含完整身份证号、手机号）：\(m.name)")
        let id = m.id!.uuidString
        return try await req.page(
            "members/form", title: "修改党员信息",
            try await formView(
                req, action: "/members/\(id)/edit", heading: "修改\(m.name)的信息", form: f,
                errors: [], isNew: false, cancel: "/members/\(id)"))
    }

    func update(req: Request) async throws -> Response {
        let user = try req.user
        let m = try await member(req)
        let form = try req.content.decode(MemberForm.self)
        let id = m.id!.uuidString
        do {
            let changed = try await MemberService.update(m, with: form, by: user, cipher: req.cipher, on: req.db)
            if !changed.isEmpty {
                try await req.audit(
                    .update, "member", ref: id, summary: "修改党员\(m.name)：" + changed.joined(separator: "；"))
            }
            return req.redirect(to: "/members/\(id)", flash: changed.isEmpty ? "没有修改" : "已保存")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "members/form", title: "修改党员信息",
                try await formView(
                    req, action: "/members/\(id)/edit", heading: "修改\(m.name)的信息", form: form,
                    errors: errors, isNew: false, cancel: "/members/\(id)"), status: .unprocessableEntity)
        }
    }

    struct RevealForm: Content {
        var field: String?
        var reason: String?
    }

    func reveal(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.revealNumbers)
        let m = try await member(req)
        let f = try req.content.decode(RevealForm.self)
        let field = f.field ?? ""
        let value = try MemberService.reveal(m, field: field, cipher: req.cipher)
        let label = field == "phone" ? "手机号码" : "公民身份号码"
        try await req.audit(
            .reveal, "member", ref: m.id!.uuidString,
            summary: "查看\(m.name)的完整\(label)" + (Normalize.text(f.reason).map { "，事由：\($0)" } ?? ""))
        return try await render(req, member: m, revealed: [field: value])
    }
}
