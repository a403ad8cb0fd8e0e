import Fluent
import LiudongCore
import Vapor

/// Organization pages: the tree, one organization, create / edit / move / close.
struct OrganizationController {
    func boot(_ routes: FeatureRoutes) throws {
        let view = routes.signedIn(.viewOrganizations).grouped("orgs")
        view.get(use: tree)
        view.get(":code", use: show)
        let orgs = routes.signedIn(.editOrganizations).grouped("orgs")
        orgs.get("new-external", use: newExternal)
        orgs.post("external", use: createExternal)
        orgs.get(":code", "new", use: newChild)
        orgs.post(":code", "children", use: createChild)
        orgs.get(":code", "edit", use: edit)
        orgs.post(":code", "edit", use: update)
        orgs.post(":code", "move", use: move)
        orgs.post(":code", "close", use: close)
    }

    struct TreeRow: Encodable {
        var code: String
        var name: String
        var type: String
        var depth: Int
        var indent: Int
        var members: Int
        var mobile: Int
        var closed: Bool
        var hasChildren: Bool
    }
    struct TreeView: Encodable {
        var rows: [TreeRow]
        var external: [TreeRow]
        var canEdit: Bool
        var showClosed: Bool
        var rootCode: String
    }

    func tree(req: Request) async throws -> Response {
        let user = try req.user
        let root = try await OrganizationService.find(code: user.scopeCode, for: user, on: req.db)
        let showClosed = (try? req.query.get(Bool.self, at: "closed")) ?? false
        let node = try await OrganizationService.tree(under: root, includeClosed: showClosed, on: req.db)
        var rows: [TreeRow] = []
        func walk(_ n: OrganizationService.Node) {
            rows.append(row(n.org, depth: n.depth, counts: n.counts, hasChildren: !n.children.isEmpty))
            n.children.forEach(walk)
        }
        walk(node)
        var external: [TreeRow] = []
        if user.seesExternal {
            external = try await OrganizationService.external(on: req.db)
                .map { row($0, depth: 0, counts: .init(), hasChildren: false) }
        }
        return try await req.page(
            "orgs/tree", title: "组织架构",
            TreeView(
                rows: rows, external: external, canEdit: user.can(.editOrganizations),
                showClosed: showClosed, rootCode: root.code))
    }

    private func row(_ o: Organization, depth: Int, counts: OrganizationService.Counts, hasChildren: Bool) -> TreeRow {
        TreeRow(
            code: o.code, name: o.shortName, type: o.typeLabel, depth: depth, indent: 8 + depth * 18,
            members: counts.members,
            mobile: counts.mobileMembers, closed: o.isClosed, hasChildren: hasChildren)
    }

    struct ShowView: Encodable {
        var code: String
        var name: String
        var shortName: String
        var type: String
        var division: String
        var divisionCode: String
        var secretary: String
        var phone: String
        var contactPerson: String?
        var parentCode: String?
        var parentName: String?
        var closed: Bool
        var closedReason: String?
        var members: Int
        var mobile: Int
        var children: [TreeRow]
        var events: [TimelineEntry]
        var canEdit: Bool
        var canAddChild: Bool
        var canMove: Bool
        var isExternal: Bool
        var canHaveMembers: Bool
        var moveTargets: [SelectOption]
        var mobileList: [FlowService.Item]
        var mobileTotal: Int
        var overdue: [FlowService.Item]
        var overdueTotal: Int
        var lost: [FlowService.Item]
        var lostTotal: Int
        var canDecide: Bool
        var isBranch: Bool
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let counts = try await OrganizationService.counts(under: org, on: req.db)
        let children = try await OrgTree.children(of: org, on: req.db)
        let parent = try await Organization.find(org.parentID, on: req.db)
        let events = try await OrganizationService.events(of: org, on: req.db)
        let canEdit = user.can(.editOrganizations) && !org.isClosed
        var targets: [SelectOption] = []
        if canEdit, org.kind != .external, org.id != user.scopeID, let parentLevel = parent?.level {
            // Organizations of the parent's level within scope, where the subtree may be moved.
            targets = try await OrganizationService.moveTargets(level: parentLevel, for: user, on: req.db)
                .map {
                    SelectOption(value: $0.code, label: "\($0.code) \($0.shortName)", selected: $0.id == org.parentID)
                }
        }
        let mobileList = try await FlowService.items(.mobile, under: org, limit: 50, on: req.db)
        let overdue = try await FlowService.items(.overdue, under: org, on: req.db)
        let lost = try await FlowService.items(.lostCandidates, under: org, on: req.db)
        let view = ShowView(
            code: org.code, name: org.name, shortName: org.shortName, type: org.typeLabel,
            division: Divisions.shared.fullName(org.divisionCode), divisionCode: org.divisionCode,
            secretary: org.secretary,
            phone: org.phone, contactPerson: org.contactPerson,
            parentCode: parent.flatMap { user.covers($0) ? $0.code : nil },
            parentName: parent?.shortName, closed: org.isClosed, closedReason: org.closedReason,
            members: counts[org.id!]?.members ?? 0, mobile: counts[org.id!]?.mobileMembers ?? 0,
            children: children.map { row($0, depth: 0, counts: counts[$0.id!] ?? .init(), hasChildren: false) },
            events: events.map {
                TimelineEntry(at: Format.dateTime($0.at), summary: $0.summary, by: $0.accountUsername ?? "-")
            },
            canEdit: canEdit,
            canAddChild: canEdit && org.kind == .regular && !(org.level?.allowedChildren.isEmpty ?? true),
            canMove: !targets.isEmpty, isExternal: org.kind == .external,
            canHaveMembers: org.kind == .regular, moveTargets: targets,
            mobileList: mobileList.items, mobileTotal: mobileList.total, overdue: overdue.items,
            overdueTotal: overdue.total,
            lost: lost.items, lostTotal: lost.total, canDecide: user.can(.decideFlows),
            isBranch: org.kind == .regular && org.level == .branch)
        return try await req.page("orgs/show", title: org.shortName, view)
    }

    struct FormView: Encodable {
        var action: String
        var heading: String
        var parentName: String?
        var form: OrganizationForm
        var errors: [String: String]
        var levels: [SelectOption]
        var kinds: [SelectOption]
        var bases: [SelectOption]
        var isNew: Bool
        var isExternal: Bool
        var isMobile: Bool
    }

    private func formView(
        action: String, heading: String, parent: Organization?, form: OrganizationForm,
        errors: [FieldError], isNew: Bool
    ) -> FormView {
        let allowed = parent?.level?.allowedChildren ?? []
        let levels = allowed.map {
            SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.level)
        }
        let kind = form.kind.flatMap(OrgKind.init(rawValue:))
        var kinds: [SelectOption] = []
        if parent != nil, isNew {
            kinds = [SelectOption(value: OrgKind.regular.rawValue, label: "下级党组织", selected: kind != .mobile)]
            if parent?.level == .city || parent?.level == .county || parent?.level == .committee {
                kinds.append(
                    SelectOption(value: OrgKind.mobile.rawValue, label: "流动党员党组织", selected: kind == .mobile))
            }
        }
        return FormView(
            action: action, heading: heading, parentName: parent?.shortName, form: form,
            errors: errors.byField,
            levels: levels, kinds: kinds, bases: MobileBasis.options(selected: form.basis), isNew: isNew,
            isExternal: kind == .external, isMobile: kind == .mobile)
    }

    func newChild(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.editOrganizations)
        let parent = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let form = OrganizationForm(
            level: parent.level?.allowedChildren.last?.rawValue, kind: "regular", divisionCode: parent.divisionCode)
        return try await req.page(
            "orgs/form", title: "新增下级组织",
            formView(
                action: "/orgs/\(parent.code)/children", heading: "在“\(parent.shortName)”下新增组织",
                parent: parent, form: form, errors: [], isNew: true))
    }

    func createChild(req: Request) async throws -> Response {
        let user = try req.user
        let parent = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let form = try req.content.decode(OrganizationForm.self)
        do {
            let org = try await OrganizationService.create(form, parent: parent, by: user, on: req.db)
            req.application.orgDirectory.invalidate()
            try await req.audit(
                .create, "organization", ref: org.code, summary: "新增组织“\(org.name)”（\(org.code)），上级：\(parent.shortName)"
            )
            return req.redirect(to: "/orgs/\(org.code)", flash: "已新增“\(org.shortName)”")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "orgs/form", title: "新增下级组织",
                formView(
                    action: "/orgs/\(parent.code)/children", heading: "在“\(parent.shortName)”下新增组织",
                    parent: parent, form: form, errors: errors, isNew: true), status: .unprocessableEntity)
        }
    }

    func newExternal(req: Request) async throws -> Response {
        let user = try req.user
        guard user.seesExternal else { throw AppError.forbidden }
        return try await req.page(
            "orgs/form", title: "新增流入地党组织",
            formView(
                action: "/orgs/external", heading: "新增流入地党组织（本市以外）", parent: nil,
                form: OrganizationForm(kind: "external"), errors: [], isNew: true))
    }

    func createExternal(req: Request) async throws -> Response {
        let user = try req.user
        guard user.seesExternal else { throw AppError.forbidden }
        var form = try req.content.decode(OrganizationForm.self)
        form.kind = "external"
        do {
            let org = try await OrganizationService.create(form, parent: nil, by: user, on: req.db)
            req.application.orgDirectory.invalidate()
            try await req.audit(.create, "organization", ref: org.code, summary: "新增流入地党组织“\(org.name)”（\(org.code)）")
            return req.redirect(to: "/orgs/\(org.code)", flash: "已新增“\(org.shortName)”")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "orgs/form", title: "新增流入地党组织",
                formView(
                    action: "/orgs/external", heading: "新增流入地党组织（本市以外）", parent: nil,
                    form: form, errors: errors, isNew: true), status: .unprocessableEntity)
        }
    }

    private func form(of org: Organization) -> OrganizationForm {
        OrganizationForm(
            code: org.code, name: org.name, shortName: org.shortName, level: org.level?.rawValue,
            kind: org.kind.rawValue,
            basis: org.basis?.rawValue, divisionCode: org.divisionCode, secretary: org.secretary, phone: org.phone,
            contactPerson: org.contactPerson)
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.editOrganizations)
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        return try await req.page(
            "orgs/form", title: "修改组织信息",
            formView(
                action: "/orgs/\(org.code)/edit", heading: "修改“\(org.shortName)”", parent: nil,
                form: form(of: org), errors: [], isNew: false))
    }

    func update(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        var f = try req.content.decode(OrganizationForm.self)
        f.kind = org.kind.rawValue
        f.code = org.code
        do {
            try await OrganizationService.update(org, with: f, by: user, on: req.db)
            req.application.orgDirectory.invalidate()
            try await req.audit(.update, "organization", ref: org.code, summary: "修改组织“\(org.name)”（\(org.code)）")
            return req.redirect(to: "/orgs/\(org.code)", flash: "已保存")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "orgs/form", title: "修改组织信息",
                formView(
                    action: "/orgs/\(org.code)/edit", heading: "修改“\(org.shortName)”", parent: nil,
                    form: f, errors: errors, isNew: false), status: .unprocessableEntity)
        }
    }

    struct MoveForm: Content { var parent: String? }

    func move(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let target = try await OrganizationService.find(
            code: try req.content.decode(MoveForm.self).parent ?? "", for: user, on: req.db)
        do {
            try await OrganizationService.move(org, under: target, by: user, on: req.db)
        } catch let e as AppError {
            return req.redirect(to: "/orgs/\(org.code)", flash: e.fields.first?.message ?? e.reason)
        }
        req.application.orgDirectory.invalidate()
        try await req.audit(
            .update, "organization", ref: org.code, summary: "调整隶属关系：“\(org.shortName)”移至“\(target.shortName)”")
        return req.redirect(to: "/orgs/\(org.code)", flash: "已移至“\(target.shortName)”之下")
    }

    struct CloseForm: Content { var reason: String? }

    func close(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let reason = try req.content.decode(CloseForm.self).reason
        do {
            try await OrganizationService.close(org, reason: reason, by: user, on: req.db)
        } catch let e as AppError {
            return req.redirect(to: "/orgs/\(org.code)", flash: e.fields.first?.message ?? e.reason)
        }
        req.application.orgDirectory.invalidate()
        try await req.audit(.update, "organization", ref: org.code, summary: "撤销组织“\(org.name)”：\(reason ?? "")")
        return req.redirect(to: "/orgs/\(org.code)", flash: "已撤销“\(org.shortName)”，历史记录保留")
    }
}

/// Dates and times as users read them, in Asia/Shanghai.
enum Format {
    static func dateTime(_ date: Date?) -> String {
        guard let date else { return "" }
        let f = DateFormatter()
        f.timeZone = CalendarDate.shanghai
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
