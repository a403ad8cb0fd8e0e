import Fluent
import LiudongCore
import Vapor

/// `/org-life/groups?org=CODE`: a branch's (or mobile organization's) 党小组 and what it owes this quarter — its
/// requirement profile (`OrgLifeProfile`) from its full members and groups on the quarter's first day.
struct PartyGroupPages {
    func boot(_ r: FeatureRoutes) throws {
        let record = r.signedIn(.recordOrgLife)
        record.get("org-life", "groups", use: page)
        record.post("org-life", "groups", use: create)
        record.post("org-life", "groups", ":id", use: change)
        record.post("org-life", "groups", ":id", "close", use: close)
    }

    struct GroupView: Encodable {
        var id: String
        var name: String
        var leader: String
        var members: String
        var count: Int
        var people: [Choice]
    }

    struct Choice: Encodable {
        var id: String
        var name: String
        var probationary: Bool
        var member: Bool
        var leader: Bool
    }

    struct View: Encodable {
        var org: String
        var orgName: String
        var canHaveGroups: Bool
        var quarter: String
        var profile: String
        var owes: [Pair]
        var groups: [GroupView]
        var people: [Choice]
    }

    func page(req: Request) async throws -> Response {
        let org = try await req.scopeOrganization()
        let q = AppClock.quarter
        let profile =
            try await PartyGroupStore.profiles(under: org.path, on: q.firstDay, on: req.db)[org.id!]
            ?? OrgLifeProfile(fullMembers: 0, groups: 0)
        let reqs = try await ComplianceStore.requirements(on: req.db).filter { $0.minimum > 0 }
        let people = try await PartyGroupStore.people(of: org, on: req.db)
        let names = Dictionary(people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let groups = try await PartyGroupStore.open(of: org.id!, on: req.db)
        let members = try await PartyGroupStore.members(of: groups.compactMap(\.id), on: req.db)
        func choices(_ chosen: Set<UUID>, leader: UUID?) -> [Choice] {
            people.map {
                Choice(
                    id: $0.id.uuidString, name: $0.name,
                    probationary: $0.category == MemberCategory.probationary.rawValue,
                    member: chosen.contains($0.id), leader: $0.id == leader)
            }
        }
        return try await req.page(
            "orglife/groups", title: "党小组",
            View(
                org: org.code, orgName: org.shortName, canHaveGroups: PartyGroupActions.canHaveGroups(org),
                quarter: q.chinese, profile: profile.summary,
                owes: reqs.map { r in
                    let n = profile.required(r.kind, period: r.period, minimum: r.minimum)
                    return Pair(r.kind.label, n.map { "本季度应开\($0)次" } ?? (profile.exemption(r.kind) ?? "不要求"))
                },
                groups: groups.map { g in
                    let ids = members[g.id!] ?? []
                    return GroupView(
                        id: g.id!.uuidString, name: g.name, leader: g.leaderID.flatMap { names[$0] } ?? "",
                        members: ids.compactMap { names[$0] }.sorted().joined(separator: "、"), count: ids.count,
                        people: choices(Set(ids), leader: g.leaderID))
                }, people: choices([], leader: nil)))
    }

    struct GroupForm: Content {
        var org: String?
        var name: String?
        var leader: String?
        var members: [String]?
    }

    func create(req: Request) async throws -> Response {
        let f = try req.content.decode(GroupForm.self)
        let org = try await req.scopeOrganization(code: OrgCode.clean(f.org))
        return try await req.act(back: "/org-life/groups?org=\(org.code)") {
            let g = try await PartyGroupActions.save(
                .init(name: f.name, leader: f.leader, members: f.members ?? []), org: org, as: try req.acting)
            return "已设立\(g.name)"
        }
    }

    private func group(_ req: Request) async throws -> (PartyGroup, Organization) {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let g = try await PartyGroup.find(id, on: req.db)
        else { throw AppError.notFound }
        let org = try (try req.user).require(try await Organization.find(g.orgID, on: req.db))
        return (g, org)
    }

    func change(req: Request) async throws -> Response {
        let (g, org) = try await group(req)
        let f = try req.content.decode(GroupForm.self)
        return try await req.act(back: "/org-life/groups?org=\(org.code)") {
            try await PartyGroupActions.save(
                .init(name: f.name, leader: f.leader, members: f.members ?? []), existing: g, org: org,
                as: try req.acting)
            return "已保存\(g.name)"
        }
    }

    func close(req: Request) async throws -> Response {
        let (g, org) = try await group(req)
        return try await req.act(back: "/org-life/groups?org=\(org.code)") {
            try await PartyGroupActions.close(g, org: org, as: try req.acting)
            return "已撤销\(g.name)"
        }
    }
}
