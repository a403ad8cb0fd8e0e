import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Organization tree operations: create, rename, move a subtree, close — each recorded, nothing deleted.
enum OrganizationService {
    /// Member and mobile-member counts of one organization, its own and for its whole subtree.
    struct Counts: Content, Equatable {
        var members: Int = 0
        var mobileMembers: Int = 0
    }

    /// One node of the tree page.
    struct Node {
        var org: Organization
        var depth: Int
        var counts: Counts
        var children: [Node]
    }

    /// The top of our own tree (the city, or a generated province's root).
    static func root(on db: Database) async throws -> Organization? {
        try await Organization.query(on: db).filter(\.$parentID == nil).filter(\.$kind == .regular).sort(\.$id).first()
    }

    static func find(code: String, for user: CurrentUser, on db: Database) async throws -> Organization {
        try user.require(try await Organization.query(on: db).filter(\.$code == code).first())
    }

    /// Subtree counts for every organization under `root`, one grouped query.
    static func counts(under root: Organization, on db: Database) async throws -> [Int: Counts] {
        let sql = try db.sql()
        let mobileList = SQLGroupExpression(
            FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression })
        let rows = try await sql.raw(
            """
            SELECT m.organization_id, COUNT(*) AS members,
                   SUM(CASE WHEN m.flow_status IN \(mobileList) THEN 1 ELSE 0 END) AS mobile
            FROM members m JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", root.path))
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgMemberCountRow.self)
        let orgs = try await Organization.query(on: db).under(path: root.path).all()
        var result: [Int: Counts] = [:]
        let own = Dictionary(uniqueKeysWithValues: rows.map { ($0.organization_id, $0) })
        for org in orgs {
            guard let row = own[org.id!] else { continue }
            for ancestor in org.pathIDs {
                result[ancestor, default: Counts()].members += row.members
                result[ancestor, default: Counts()].mobileMembers += row.mobile
            }
        }
        return result
    }

    /// The tree under `root`, with counts, children in their sort order.
    static func tree(under root: Organization, includeClosed: Bool, on db: Database) async throws -> Node {
        let orgs = try await Organization.query(on: db).under(path: root.path)
            .sort(\.$sortOrder).sort(\.$code).all()
        let counts = try await counts(under: root, on: db)
        var byParent: [Int: [Organization]] = [:]
        for o in orgs where o.id != root.id && (includeClosed || !o.isClosed) {
            byParent[o.parentID ?? -1, default: []].append(o)
        }
        func build(_ o: Organization, depth: Int) -> Node {
            Node(
                org: o, depth: depth, counts: counts[o.id!] ?? Counts(),
                children: (byParent[o.id!] ?? []).map { build($0, depth: depth + 1) })
        }
        return build(root, depth: 0)
    }

    /// Checks a form's plain fields; returns Chinese errors by field.
    static func validate(_ f: OrganizationForm, kind: OrgKind) -> [FieldError] {
        var errors: [FieldError] = []
        if Normalize.text(f.name) == nil { errors.append(FieldError("name", "请填写组织全称")) }
        if Normalize.text(f.shortName) == nil { errors.append(FieldError("shortName", "请填写简称")) }
        if let d = Normalize.text(f.divisionCode) {
            if !Divisions.shared.contains(d) { errors.append(FieldError("divisionCode", "行政区划代码“\(d)”不存在")) }
        } else {
            errors.append(FieldError("divisionCode", "请选择所在行政区划"))
        }
        if let p = Normalize.text(f.phone), case .failure(let e) = Phone.parse(p) {
            errors.append(FieldError("phone", e.message.replacingOccurrences(of: "手机号码", with: "联系电话")))
        }
        if kind == .mobile, Normalize.text(f.basis).flatMap(MobileBasis.init(rawValue:)) == nil {
            errors.append(FieldError("basis", "请选择流动党员党组织的组建方式"))
        }
        if kind == .external, Normalize.text(f.contactPerson) == nil {
            errors.append(FieldError("contactPerson", "请填写联系人"))
        }
        if let c = Normalize.text(f.code),
            !c.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) || c.count > 32
        {
            errors.append(FieldError("code", "组织代码只能由字母、数字和“-”组成，不超过32位"))
        }
        return errors
    }

    /// Creates an organization under `parent` (nil: an external organization outside the tree).
    static func create(_ f: OrganizationForm, parent: Organization?, by user: CurrentUser, on db: Database) async throws
        -> Organization
    {
        guard user.can(.editOrganizations) else { throw AppError.forbidden }
        let kind = Normalize.text(f.kind).flatMap(OrgKind.init(rawValue:)) ?? .regular
        var errors = validate(f, kind: kind)
        var level: OrgLevel?
        switch kind {
        case .regular:
            level = Normalize.text(f.level).flatMap(OrgLevel.init(rawValue:))
            guard let parent else { throw AppError.invalid([FieldError("parent", "请选择上级党组织")]) }
            if level == nil || !(parent.level?.allowedChildren.contains(level!) ?? false) || parent.kind != .regular {
                errors.append(FieldError("level", "“\(parent.shortName)”（\(parent.typeLabel)）下不能设立该层级的组织"))
            }
        case .mobile:
            level = .branch
            guard let parent, parent.kind == .regular,
                parent.level == .county || parent.level == .committee || parent.level == .city
            else {
                throw AppError.invalid([FieldError("parent", "流动党员党组织应设在市、旗县区或基层党委之下")])
            }
        case .external:
            // Inflow-side organizations stand outside our tree: never the child of one of ours.
            guard parent == nil else { throw AppError.invalid([FieldError("kind", "流入地党组织不属于本系统的组织架构，请在“流入地党组织”中登记")]) }
            level = nil
        }
        if let parent, parent.isClosed { errors.append(FieldError("parent", "上级组织已撤销")) }
        var code = Normalize.text(f.code) ?? ""
        if code.isEmpty {
            code = try await nextCode(parent: parent, kind: kind, division: f.divisionCode ?? "", on: db)
        }
        if try await Organization.query(on: db).filter(\.$code == code).count() > 0 {
            errors.append(FieldError("code", "组织代码“\(code)”已被使用"))
        }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let org = Organization()
        org.code = code
        org.level = level
        org.kind = kind
        org.basis = kind == .mobile ? Normalize.text(f.basis).flatMap(MobileBasis.init(rawValue:)) : nil
        fill(org, from: f)
        org.parentID = parent?.id
        org.path = "/"
        org.sortOrder = 0
        try await db.transaction { tx in
            try await org.create(on: tx)
            org.path = (parent?.path ?? "/") + "\(org.id!)/"
            org.sortOrder = org.id!
            try await org.update(on: tx)
            try await OrganizationEvent(
                organizationID: org.id!, kind: .created,
                summary: "设立\(org.typeLabel)“\(org.name)”" + (parent.map { "，上级：\($0.shortName)" } ?? ""),
                by: user.username
            ).create(on: tx)
        }
        return org
    }

    static func fill(_ org: Organization, from f: OrganizationForm) {
        org.name = Normalize.text(f.name) ?? ""
        org.shortName = Normalize.text(f.shortName) ?? ""
        org.divisionCode = Normalize.text(f.divisionCode) ?? ""
        org.secretary = Normalize.text(f.secretary) ?? ""
        org.phone = Normalize.text(f.phone).flatMap { try? Phone.parse($0).get() } ?? ""
        org.contactPerson = Normalize.text(f.contactPerson)
    }

    /// A code under the parent: the parent's code plus the next two-digit number.
    static func nextCode(parent: Organization?, kind: OrgKind, division: String, on db: Database) async throws -> String
    {
        let prefix: String
        switch kind {
        case .regular: prefix = parent!.code
        case .mobile: prefix = parent!.code + "M"
        case .external: prefix = "X" + (Normalize.text(division) ?? "000000")
        }
        let taken = Set(try await Organization.query(on: db).filter(\.$code =~ prefix).all().map(\.code))
        for n in 1...999 {
            let code = prefix + (n < 100 ? String(format: "%02d", n) : String(n))
            if !taken.contains(code) { return code }
        }
        throw AppError.conflict("无法为“\(prefix)”生成新的组织代码，请手工填写")
    }

    /// Edits names and contacts; a rename is recorded with the old name.
    static func update(_ org: Organization, with f: OrganizationForm, by user: CurrentUser, on db: Database)
        async throws
    {
        guard user.can(.editOrganizations) else { throw AppError.forbidden }
        var errors = validate(f, kind: org.kind)
        errors.removeAll { $0.field == "code" || $0.field == "basis" && org.kind != .mobile }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let oldName = org.name, oldShort = org.shortName
        fill(org, from: f)
        if org.kind == .mobile, let b = Normalize.text(f.basis).flatMap(MobileBasis.init(rawValue:)) { org.basis = b }
        guard org.hasChanges else { return }
        try await db.transaction { tx in
            try await org.update(on: tx)
            if oldName != org.name || oldShort != org.shortName {
                try await OrganizationEvent(
                    organizationID: org.id!, kind: .renamed,
                    summary: "更名：“\(oldName)”（\(oldShort)）→“\(org.name)”（\(org.shortName)）", by: user.username
                ).create(on: tx)
            } else {
                try await OrganizationEvent(
                    organizationID: org.id!, kind: .updated, summary: "修改组织信息", by: user.username
                ).create(on: tx)
            }
        }
    }

    /// Tables that keep an organization's path beside a row of open work (so a scope finds it by prefix).
    static let pathCopies = [
        ("self_reports", "review_path"), ("notices", "org_path"), ("notifications", "org_path"),
        ("reconciliation_items", "assignee_path"),
    ]

    /// Moves `org` and its whole subtree under `newParent`, rewriting the paths in one statement (and the copies of
    /// them in `pathCopies`).
    static func move(_ org: Organization, under newParent: Organization, by user: CurrentUser, on db: Database)
        async throws
    {
        guard user.can(.editOrganizations) else { throw AppError.forbidden }
        guard org.kind != .external, org.parentID != nil else { throw AppError.badRequest("该组织不能移动") }
        guard !org.contains(newParent) else { throw AppError.invalid([FieldError("parent", "不能把组织移到它自己或它的下级之下")]) }
        guard !newParent.isClosed, newParent.kind == .regular else {
            throw AppError.invalid([FieldError("parent", "新的上级组织已撤销或不是本系统的党组织")])
        }
        if org.kind == .regular {
            guard let level = org.level, newParent.level?.allowedChildren.contains(level) ?? false else {
                throw AppError.invalid([
                    FieldError("parent", "“\(newParent.shortName)”（\(newParent.typeLabel)）下不能设立\(org.typeLabel)")
                ])
            }
        }
        // A mobile organization sits where it may be created: under the city, a county or a grassroots committee.
        if org.kind == .mobile, ![OrgLevel.city, .county, .committee].contains(newParent.level) {
            throw AppError.invalid([FieldError("parent", "流动党员党组织应设在市、旗县区或基层党委之下")])
        }
        guard newParent.id != org.parentID else { return }
        let oldParent = try await Organization.find(org.parentID, on: db)
        let oldPath = org.path
        let newPath = newParent.path + "\(org.id!)/"
        try await db.transaction { tx in
            let sql = try tx.sql()
            try await sql.raw(
                """
                UPDATE organizations SET path = CAST(\(bind: newPath) AS TEXT) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER))
                WHERE path LIKE \(bind: oldPath + "%")
                """
            ).run()
            try await sql.update("organizations").set("parent_id", to: newParent.id!).where("id", .equal, org.id!).run()
            // The paths other tables keep beside their rows, for the work still open there, move with the subtree
            // (a report waiting for review, a notice, a message, a reconciliation item stay visible to the new
            // parents and leave the old ones).
            for (table, column) in Self.pathCopies {
                try await sql.raw(
                    """
                    UPDATE \(ident: table) SET \(ident: column) = CAST(\(bind: newPath) AS TEXT)
                        || substr(\(ident: column), CAST(\(bind: oldPath.count + 1) AS INTEGER))
                    WHERE \(ident: column) LIKE \(bind: oldPath + "%")
                    """
                ).run()
            }
            try await OrganizationEvent(
                organizationID: org.id!, kind: .moved,
                summary: "隶属关系调整：从“\(oldParent?.shortName ?? "-")”移至“\(newParent.shortName)”（含全部下级组织）",
                by: user.username
            ).create(on: tx)
        }
        org.path = newPath
        org.parentID = newParent.id
    }

    /// Closes (撤销) an organization; it keeps its history and its members stay until transferred.
    static func close(_ org: Organization, reason: String?, by user: CurrentUser, on db: Database) async throws {
        guard user.can(.editOrganizations) else { throw AppError.forbidden }
        guard let reason = Normalize.text(reason) else { throw AppError.invalid([FieldError("reason", "请填写撤销原因")]) }
        guard !org.isClosed else { return }
        guard org.id != user.scopeID else { throw AppError.badRequest("不能撤销本账号所属的组织") }
        let openChildren = try await Organization.query(on: db).filter(\.$parentID == org.id!).filter(
            \.$closedAt == nil
        ).count()
        guard openChildren == 0 else { throw AppError.conflict("该组织还有\(openChildren)个未撤销的下级组织，请先调整或撤销下级组织") }
        let members = try await Member.query(on: db).filter(\.$organizationID == org.id!).count()
        guard members == 0 else { throw AppError.conflict("该组织还有\(members)名党员，请先办理组织关系转接") }
        org.closedAt = AppClock.now
        org.closedReason = reason
        try await db.transaction { tx in
            try await org.update(on: tx)
            try await OrganizationEvent(
                organizationID: org.id!, kind: .closed, summary: "撤销：\(reason)", by: user.username
            ).create(on: tx)
        }
    }
}

/// The organization form / JSON body as typed.
struct OrganizationForm: Content {
    var code: String?
    var name: String?
    var shortName: String?
    var level: String?
    var kind: String?
    var basis: String?
    var divisionCode: String?
    var secretary: String?
    var phone: String?
    var contactPerson: String?
    var parent: String?
}

private struct OrgMemberCountRow: Decodable {
    var organization_id: Int
    var members: Int
    var mobile: Int
}

extension OrganizationService {
    /// Every external (inflow-side) organization, by code.
    static func external(on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$kind == .external).sort(\.$code).all()
    }

    /// The organization's events, newest first.
    static func events(of org: Organization, on db: Database) async throws -> [OrganizationEvent] {
        try await OrganizationEvent.query(on: db).filter(\.$organizationID == org.requireID())
            .sort(\.$at, .descending).sort(\.$id, .descending).all()
    }

    /// Open regular organizations of a level within the account's scope, where a subtree may be moved.
    static func moveTargets(level: OrgLevel, for user: CurrentUser, on db: Database) async throws -> [Organization] {
        try await user.visibleOrganizations(Organization.query(on: db))
            .filter(\.$level == level).filter(\.$kind == .regular).filter(\.$closedAt == nil).sort(\.$code).all()
    }

    /// Regular children of an organization, in the tree's order.
    static func regularChildren(of org: Organization, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$parentID == org.requireID()).filter(\.$kind == .regular)
            .sort(\.$sortOrder).sort(\.$code).all()
    }
}
