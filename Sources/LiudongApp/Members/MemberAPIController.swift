import Fluent
import LiudongCore
import Vapor

/// JSON API for organizations, members and divisions (`/api/v1`); every route scoped like the pages.
struct APIController {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewMembers).grouped("api", "v1")
        view.get("orgs", ":code", use: org)
        view.get("members", use: members)
        view.get("members", ":id", use: member)
        r.signedIn(.editRoster).grouped("api", "v1").post("members", use: createMember)
        r.signedIn(.ownAccount).grouped("api", "v1").get("me", use: me)
    }

    struct OrgSummary: Content {
        var code: String
        var name: String
        var shortName: String
        var kind: String
        var level: String?
        var basis: String?
        var divisionCode: String
        var closed: Bool
        var members: Int
        var mobileMembers: Int
    }
    struct OrgResponse: Content {
        var code: String
        var name: String
        var shortName: String
        var kind: String
        var level: String?
        var basis: String?
        var divisionCode: String
        var divisionName: String
        var secretary: String
        var phone: String
        var contactPerson: String?
        var parentCode: String?
        var closed: Bool
        var counts: OrganizationService.Counts
        var children: [OrgSummary]
    }

    func org(req: Request) async throws -> OrgResponse {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let counts = try await OrganizationService.counts(under: org, on: req.db)
        let children = try await OrgTree.children(of: org, on: req.db)
        let parent = try await Organization.find(org.parentID, on: req.db)
        return OrgResponse(
            code: org.code, name: org.name, shortName: org.shortName, kind: org.kind.rawValue,
            level: org.level?.rawValue,
            basis: org.basis?.rawValue, divisionCode: org.divisionCode,
            divisionName: Divisions.shared.fullName(org.divisionCode),
            secretary: org.secretary, phone: org.phone, contactPerson: org.contactPerson,
            parentCode: parent.flatMap { user.covers($0) ? $0.code : nil }, closed: org.isClosed,
            counts: counts[org.id!] ?? .init(),
            children: children.map { c in
                let n = counts[c.id!] ?? .init()
                return OrgSummary(
                    code: c.code, name: c.name, shortName: c.shortName, kind: c.kind.rawValue, level: c.level?.rawValue,
                    basis: c.basis?.rawValue, divisionCode: c.divisionCode, closed: c.isClosed,
                    members: n.members, mobileMembers: n.mobileMembers)
            })
    }

    struct MemberList: Content {
        var items: [MemberRow]
        var total: Int
        var page: Int
        var pageSize: Int
    }

    func members(req: Request) async throws -> MemberList {
        let user = try req.user
        let result = try await MemberService.search(
            org: try? req.query.get(String.self, at: "org"),
            q: try? req.query.get(String.self, at: "q"), page: req.pageNumber(),
            for: user, cipher: req.cipher, lookupsPerHour: req.settings.numberLookupsPerHour,
            client: req.clientAddress, on: req.db)
        let orgs = try await MemberController.organizations(of: result.members, on: req.db)
        return MemberList(
            items: result.members.map { MemberRow($0, org: orgs[$0.organizationID], cipher: req.cipher) },
            total: result.total,
            page: result.page, pageSize: MemberService.pageSize)
    }

    func member(req: Request) async throws -> MemberDetail {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound }
        let m = try await MemberService.find(id, for: try req.user, on: req.db)
        return MemberDetail(m, org: try await Organization.find(m.organizationID, on: req.db), cipher: req.cipher)
    }

    func createMember(req: Request) async throws -> Response {
        let user = try req.user
        let m: Member
        do {
            m = try await MemberService.create(
                try req.content.decode(MemberForm.self), by: user, client: req.clientAddress, cipher: req.cipher,
                lookupsPerHour: req.settings.numberLookupsPerHour, on: req.db)
        } catch is SubmittedForCheck {
            let res = Response(status: .accepted)
            try res.content.encode(Submitted(), as: .json)
            return res
        }
        try await req.audit(
            .create, "member", ref: m.id!.uuidString, summary: "登记党员\(m.name)（\(Masking.idStored(m.idPrefix))，API）")
        let res = Response(status: .created)
        try res.content.encode(
            MemberDetail(m, org: try await Organization.find(m.organizationID, on: req.db), cipher: req.cipher),
            as: .json)
        return res
    }

    /// `202` for a registration held for the organization department (`RosterDuplicateAnswer.submittedForCheck`).
    struct Submitted: Content {
        var status = "submitted"
        var message = RosterDuplicateAnswer.submittedMessage
    }

    struct Me: Content {
        var username: String
        var displayName: String
        var role: String
        var scopeCode: String
        var scopeName: String
    }

    func me(req: Request) async throws -> Me {
        let u = try req.user
        return Me(
            username: u.username, displayName: u.displayName, role: u.role.rawValue, scopeCode: u.scopeCode,
            scopeName: u.scopeName)
    }
}
