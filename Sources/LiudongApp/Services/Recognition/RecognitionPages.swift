import Fluent
import LiudongCore
import Vapor

/// 评优表彰: campaigns (city/county), nominations by branches with each candidate's record, approval by the committee
/// and then the county within its quota, publication.
struct RecognitionPages {
    func boot(_ r: FeatureRoutes) throws {
        let branchSide = r.signedIn(.nominateAwards)
        branchSide.get("awards", use: index)
        branchSide.get("awards", ":id", use: show)
        branchSide.post("awards", ":id", "nominations", use: nominate)
        branchSide.post("awards", "nominations", ":id", use: decide)
        let run = r.signedIn(.runAwards)
        run.post("awards", use: create)
        run.post("awards", ":id", "publish", use: publish)
    }

    /// Campaigns of the account's organization, above it or below it.
    static func visible(_ owner: Organization, to org: Organization) -> Bool {
        org.path.hasPrefix(owner.path) || owner.path.hasPrefix(org.path)
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.treeScopeOrganization()
        var rows: [Pair] = []
        for (c, owner) in try await RecognitionStore.campaigns(on: req.db) where Self.visible(owner, to: org) {
            rows.append(
                Pair(
                    c.id!.uuidString,
                    "\(c.name)（\(owner.shortName)，推荐截止\(c.nominateUntil)\(c.status == .published ? "，已公布" : "")）"))
        }
        let counties = try await OrgTree.counties(under: org, on: req.db)
        struct View: Encodable {
            var campaigns: [Pair]
            var canRun: Bool
            var awards: [Pair]
            var counties: [Pair]
            var year: Int
            var today: String
        }
        let today = AppClock.today
        return try await req.page(
            "services/awards", title: "评优表彰",
            View(
                campaigns: rows,
                canRun: user.can(.runAwards) && (user.scopeLevel == .city || user.scopeLevel == .county),
                awards: AwardKind.allCases.map { Pair($0.rawValue, $0.label) },
                counties: counties.map { Pair($0.code, $0.shortName) }, year: today.year, today: today.description))
    }

    func create(req: Request) async throws -> Response {
        let org = try await req.departmentOrganization()
        let f = try req.content.decode(RecognitionActions.CampaignForm.self)
        let counties = try await OrgTree.counties(under: org, on: req.db)
        var quotas: [Int: Int] = [:]
        for c in counties {
            let raw = (try? req.content.get(String.self, at: "quota_\(c.code)")) ?? ""
            if let n = Int(raw.trimmingCharacters(in: .whitespaces)) { quotas[c.id!] = n }
        }
        do {
            let c = try await RecognitionActions.create(f, quotas: quotas, org: org, as: try req.acting)
            return req.redirect(to: "/awards/\(c.id!)", flash: "已发起，各党支部可以推荐")
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/awards", flash: errors.map(\.message).joined(separator: "；"))
        }
    }

    func campaign(_ req: Request) async throws -> (AwardCampaign, Organization, Organization) {
        let org = try await req.treeScopeOrganization()
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let (c, owner) = try await RecognitionStore.campaign(id, on: req.db), Self.visible(owner, to: org)
        else { throw AppError.notFound }
        return (c, org, owner)
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        let (c, org, owner) = try await campaign(req)
        let scope = org.path.hasPrefix(owner.path) ? org : owner
        let rows = try await RecognitionStore.candidates(of: c, under: scope.path, on: req.db)
        struct Candidate: Encodable {
            var id: String
            var memberID: String
            var name: String
            var branch: String
            var citation: String
            var status: String
            var statusCode: String
            var reason: String?
            var record: CandidateRecord
            var canApprove: Bool
        }
        let decider = AwardDecider(level: user.scopeLevel)
        var candidates: [Candidate] = []
        for r in rows {
            let status = NominationStatus(rawValue: r.status) ?? .nominated
            candidates.append(
                Candidate(
                    id: r.id.uuidString, memberID: r.memberID.uuidString, name: r.name, branch: r.branch,
                    citation: r.citation, status: status.label, statusCode: status.rawValue, reason: r.rejectedReason,
                    record: try await RecognitionStore.record(member: r.memberID, year: c.year, on: req.db),
                    canApprove: RecognitionRules.canApprove(status, campaign: c.status, by: decider)))
        }
        var quotaLines: [String] = []
        let quotas = try await RecognitionStore.quotas(c, on: req.db)
        for (county, quota) in quotas.sorted(by: { $0.key < $1.key }) {
            guard let o = try await Organization.find(county, on: req.db),
                o.path.hasPrefix(scope.path) || scope.path.hasPrefix(o.path)
            else { continue }
            let used = try await RecognitionStore.approved(c, county: county, on: req.db)
            quotaLines.append("\(o.shortName)：名额\(quota)名，已审定\(used)名")
        }
        struct View: Encodable {
            var id: String
            var name: String
            var award: String
            var year: Int
            var until: String
            var published: Bool
            var quotas: [String]
            var candidates: [Candidate]
            var winners: [Candidate]
            var canNominate: Bool
            var canPublish: Bool
            var org: String
        }
        let canNominate =
            RecognitionRules.nominating(c.status, until: c.nominateUntil, today: AppClock.today)
            && user.scopeLevel == .branch
        return try await req.page(
            "services/award", title: c.name,
            View(
                id: c.id!.uuidString, name: c.name, award: c.award.label, year: c.year, until: c.nominateUntil,
                published: c.status == .published, quotas: quotaLines, candidates: candidates,
                winners: candidates.filter { $0.statusCode == NominationStatus.countyApproved.rawValue },
                canNominate: canNominate,
                canPublish: c.status == .open && user.can(.runAwards) && user.scopeID == c.orgID, org: org.code))
    }

    struct NominateForm: Content {
        var name: String?
        var citation: String?
    }

    func nominate(req: Request) async throws -> Response {
        let user = try req.user
        let (c, _, _) = try await campaign(req)
        let f = try req.content.decode(NominateForm.self)
        return try await req.act(back: "/awards/\(c.id!)") {
            guard user.scopeLevel == .branch else { throw AppError.conflict("由党支部推荐") }
            let m = try await req.memberNamed(f.name, branch: user.scopeCode)
            _ = try await RecognitionActions.nominate(c, member: m, citation: f.citation, as: try req.acting)
            return "已推荐\(m.name)，等待基层党委审核"
        }
    }

    struct DecideForm: Content {
        var decision: String?
        var reason: String?
    }

    func decide(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let (n, branch) = try await RecognitionStore.nomination(id, on: req.db),
            user.covers(branch), !user.isInflowSide
        else { throw AppError.notFound }
        let f = try req.content.decode(DecideForm.self)
        let approve = f.decision == "approve"
        return try await req.act(back: "/awards/\(n.campaignID)") {
            try await RecognitionActions.decide(
                n, approve: approve, reason: f.reason, gate: req.application.writeGate, as: try req.acting)
            return approve ? "已审核通过" : "已退回，理由党支部可以看到"
        }
    }

    func publish(req: Request) async throws -> Response {
        let user = try req.user
        let (c, _, _) = try await campaign(req)
        guard user.scopeID == c.orgID else { throw AppError.forbidden }
        return try await req.act(back: "/awards/\(c.id!)") {
            let n = try await RecognitionActions.publish(c, as: try req.acting)
            return "已公布\(n)人，结果记入本人档案并在手机上显示"
        }
    }
}
