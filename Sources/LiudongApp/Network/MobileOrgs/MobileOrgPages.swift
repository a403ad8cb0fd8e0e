import Fluent
import LiudongCore
import SQLKit
import Vapor

/// `/mobile-orgs`: mobile party organizations per county against the city's figure, each with its founding record,
/// the members taking part, dissolution; the temporary-organization suggestions and their one-step creation.
struct MobileOrgPages {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewAgreements)
        view.get("mobile-orgs", use: index)
        view.get("mobile-orgs", ":code", use: show)
        let edit = r.signedIn(.editOrganizations)
        edit.post("mobile-orgs", ":code", "record", use: saveRecord)
        edit.post("mobile-orgs", ":code", "dissolve", use: dissolve)
        let manage = r.signedIn(.manageAgreements)
        manage.post("mobile-orgs", ":code", "members", use: join)
        manage.post("mobile-orgs", ":code", "members", ":id", "leave", use: leave)
        manage.get("temporary-orgs", "suggestions", use: suggestions)
        edit.get("temporary-orgs", "new", use: newTemporary)
        edit.post("temporary-orgs", use: createTemporary)
    }

    struct OrgRow: Encodable {
        var code: String
        var name: String
        var basis: String
        var place: String
        var parent: String
        var members: Int
        var recorded: Bool
        var ended: String?
    }
    struct CountyRow: Encodable {
        var name: String
        var open: Int
        var temporary: Int
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let scope = try await req.scopeOrganization()
        let top = user.isInflowSide ? scope : try await OrganizationService.root(on: req.db) ?? scope
        let orgs = try await MobileOrgStore.mobileOrgs(under: scope.path, on: req.db)
        let all = try await MobileOrgStore.mobileOrgs(under: top.path, on: req.db)
        let records = try await MobileOrgStore.records(on: req.db)
        let counts = try await MobileOrgStore.participants(on: req.db)
        let parents = try await OrgTree.byID(orgs.compactMap(\.parentID), on: req.db)
            .mapValues(\.shortName)
        let counties = try await MobileOrgStore.counties(under: top.path, on: req.db)
        struct View: Encodable {
            var scopeName: String
            var rows: [OrgRow]
            var counties: [CountyRow]
            var openTotal: Int
            var reported: Int
            var canSuggest: Bool
        }
        let open = all.filter { !$0.isClosed }
        return try await req.page(
            "network/mobile-orgs", title: "流动党员党组织",
            View(
                scopeName: scope.shortName,
                rows: orgs.map { o in
                    OrgRow(
                        code: o.code, name: o.name, basis: o.basis?.label ?? "",
                        place: Divisions.shared.fullName(o.divisionCode),
                        parent: o.parentID.flatMap { parents[$0] } ?? "",
                        members: counts[o.id!] ?? 0, recorded: records[o.id!] != nil,
                        ended: o.isClosed ? (records[o.id!]?.dissolvedOn ?? "已撤销") : nil)
                },
                counties: counties.map { c in
                    CountyRow(
                        name: c.shortName, open: open.filter { $0.path.hasPrefix(c.path) }.count,
                        temporary: open.filter { $0.path.hasPrefix(c.path) && $0.basis == .temporary }.count)
                }, openTotal: open.count, reported: MobileOrgRules.cityReportedCount,
                canSuggest: user.can(.manageAgreements) && !user.isInflowSide))
    }

    struct ShowView: Encodable {
        struct Participant: Encodable {
            var id: String
            var name: String
            var branch: String
            var joinedOn: String
        }
        struct Candidate: Encodable {
            var id: String
            var name: String
            var branch: String
            var destination: String
        }
        var code: String
        var name: String
        var basis: String
        var isTemporary: Bool
        var isJoint: Bool
        var place: String
        var secretary: String
        var closed: Bool
        var record: MobileOrgActions.RecordInput
        var recordedBy: String?
        var dissolved: String?
        var errors: [String: String]
        var participants: [Participant]
        var candidates: [Candidate]
        var canEdit: Bool
        var canManage: Bool
    }

    static func mobileOrg(_ req: Request) async throws -> Organization {
        let user = try req.user
        return try user.require(try await MobileOrgStore.mobileOrg(code: req.parameters.get("code") ?? "", on: req.db))
    }

    func show(req: Request) async throws -> Response {
        try await render(req, org: try await Self.mobileOrg(req), form: nil, errors: [])
    }

    private func render(
        _ req: Request, org: Organization, form: MobileOrgActions.RecordInput?, errors: [FieldError],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let user = try req.user
        let record = try await MobileOrgStore.record(org.id, on: req.db)
        let f =
            form
            ?? MobileOrgActions.RecordInput(
                approvedBy: record?.approvedBy, documentNo: record?.documentNo, approvedOn: record?.approvedOn,
                address: record?.address, contacts: record?.contacts, participants: record?.participants,
                endsOn: record?.endsOn)
        let canManage = user.can(.manageAgreements) && !user.isInflowSide && !org.isClosed
        let view = ShowView(
            code: org.code, name: org.name, basis: org.basis?.label ?? "", isTemporary: org.basis == .temporary,
            isJoint: org.basis == .joint, place: Divisions.shared.fullName(org.divisionCode), secretary: org.secretary,
            closed: org.isClosed, record: f, recordedBy: record?.recordedBy,
            dissolved: record?.dissolvedOn.map { "\($0)撤销：\(record?.dissolvedReason ?? "")" }
                ?? (org.isClosed ? "已撤销：\(org.closedReason ?? "")" : nil),
            errors: errors.byField,
            participants: try await MobileOrgStore.participantList(org.id!, on: req.db).map {
                .init(id: $0.membership_id.uuidString, name: $0.name, branch: $0.branch, joinedOn: $0.joined_on)
            },
            candidates: canManage
                ? try await MobileOrgStore.candidates(for: org, within: user.scopePath, on: req.db).map {
                    .init(
                        id: $0.id.uuidString, name: $0.name, branch: $0.branch,
                        destination: $0.destination_code.map { Divisions.shared.fullName($0) } ?? "")
                } : [],
            canEdit: user.can(.editOrganizations) && !user.isInflowSide && !org.isClosed, canManage: canManage)
        return try await req.page("network/mobile-org", title: org.shortName, view, status: status)
    }

    func saveRecord(req: Request) async throws -> Response {
        let org = try await Self.mobileOrg(req)
        let f = try req.content.decode(MobileOrgActions.RecordInput.self)
        do {
            try await MobileOrgActions.saveRecord(f, for: org, as: try req.acting)
        } catch AppError.invalid(let errors) {
            return try await render(req, org: org, form: f, errors: errors, status: .unprocessableEntity)
        }
        return req.redirect(to: "/mobile-orgs/\(org.code)", flash: "已保存组建备案")
    }

    struct JoinForm: Content { var members: [String]? }

    func join(req: Request) async throws -> Response {
        let org = try await Self.mobileOrg(req)
        let ids = ((try? req.content.decode(JoinForm.self))?.members ?? []).compactMap { UUID(uuidString: $0) }
        guard !ids.isEmpty else { return req.redirect(to: "/mobile-orgs/\(org.code)", flash: "请勾选要加入的党员") }
        let (joined, refused) = try await MobileOrgActions.join(ids, org: org, as: try req.acting)
        let note = refused.isEmpty ? "" : "；未加入：" + refused.prefix(5).joined(separator: "；")
        return req.redirect(to: "/mobile-orgs/\(org.code)", flash: "已加入\(joined)人\(note)")
    }

    func leave(req: Request) async throws -> Response {
        let org = try await Self.mobileOrg(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let m = try await MobileOrgStore.membership(id, on: req.db), m.orgID == org.id, m.leftOn == nil
        else { throw AppError.notFound }
        try await MobileOrgActions.leave(m, org: org, reason: "退出", as: try req.acting)
        return req.redirect(to: "/mobile-orgs/\(org.code)", flash: "已退出")
    }

    struct ReasonForm: Content { var reason: String? }

    func dissolve(req: Request) async throws -> Response {
        let org = try await Self.mobileOrg(req)
        let reason = try? req.content.decode(ReasonForm.self).reason
        do {
            try await MobileOrgActions.dissolve(org, reason: reason, as: try req.acting)
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/mobile-orgs/\(org.code)", flash: errors.first?.message ?? "请填写撤销原因")
        }
        req.application.orgDirectory.invalidate()
        return req.redirect(to: "/mobile-orgs/\(org.code)", flash: "已撤销")
    }
}
