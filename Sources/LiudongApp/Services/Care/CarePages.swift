import Fluent
import LiudongCore
import Vapor

/// 困难帮扶、节日慰问: the register of members in difficulty (with help given and the yearly review) and care campaigns
/// (the city's or a county's), with the targets per branch and each visit recorded.
struct CarePages {
    func boot(_ r: FeatureRoutes) throws {
        let keep = r.signedIn(.keepCareRegister)
        keep.get("care", use: index)
        keep.post("care", "hardship", use: register)
        keep.get("care", "hardship", ":id", use: record)
        keep.post("care", "hardship", ":id", "help", use: help)
        keep.post("care", "hardship", ":id", "review", use: review)
        keep.get("care", "campaigns", ":id", use: campaign)
        keep.post("care", "campaigns", ":id", "visits", use: visit)
        keep.get("api", "v1", "care-campaigns", ":id", "progress", use: progressAPI)
        r.signedIn(.runCareCampaigns).post("care", "campaigns", use: createCampaign)
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let rows = try await CareStore.register(under: org.path, on: req.db)
        struct Line: Encodable {
            var id: String
            var memberID: String
            var name: String
            var branch: String
            var kind: String
            var level: String
            var verified: String
            var reviewDue: String
            var reviewLate: Bool
            var helped: Int
        }
        var visible: [Pair] = []
        for (c, o) in try await CareStore.campaigns(on: req.db)
        where org.path.hasPrefix(o.path) || o.path.hasPrefix(org.path) {
            visible.append(Pair(c.id!.uuidString, "\(c.name)（\(o.shortName)，\(c.startsOn)至\(c.endsOn)）"))
        }
        struct View: Encodable {
            var org: String
            var orgName: String
            var register: [Line]
            var campaigns: [Pair]
            var kinds: [Pair]
            var levels: [Pair]
            var festivals: [Pair]
            var today: String
            var canRun: Bool
            var branches: [Pair]
        }
        let branches = try await OrgTree.branches(under: org, on: req.db)
        return try await req.page(
            "services/care", title: "困难帮扶与节日慰问",
            View(
                org: org.code, orgName: org.shortName,
                register: rows.map {
                    Line(
                        id: $0.id.uuidString, memberID: $0.memberID.uuidString, name: $0.name, branch: $0.branch,
                        kind: HardshipKind(rawValue: $0.kind)?.label ?? $0.kind,
                        level: HardshipLevel(rawValue: $0.level)?.label ?? "",
                        verified: "\($0.verifiedOn) \($0.verifiedBy)", reviewDue: $0.reviewDue,
                        reviewLate: $0.reviewDue < today.description, helped: $0.helped ?? 0)
                },
                campaigns: visible, kinds: HardshipKind.allCases.map { Pair($0.rawValue, $0.label) },
                levels: HardshipLevel.allCases.map { Pair(String($0.rawValue), $0.label) },
                festivals: CareFestival.allCases.map { Pair($0.rawValue, $0.label) }, today: today.description,
                canRun: user.can(.runCareCampaigns) && (user.scopeLevel == .city || user.scopeLevel == .county),
                branches: branches.map { Pair($0.code, $0.shortName) }))
    }

    struct RegisterForm: Content {
        var branch: String?
        var name: String?
        var kind: String?
        var level: String?
        var description: String?
        var verifiedBy: String?
        var verifiedOn: String?
    }

    func register(req: Request) async throws -> Response {
        let f = try req.content.decode(RegisterForm.self)
        return try await req.act(back: "/care") {
            let m = try await req.memberNamed(f.name, branch: f.branch)
            _ = try await CareActions.register(
                .init(
                    kind: f.kind, level: f.level, description: f.description, verifiedBy: f.verifiedBy,
                    verifiedOn: f.verifiedOn), member: m, as: try req.acting)
            return "已将\(m.name)登记为困难党员"
        }
    }

    /// The record when its member is in the account's scope.
    static func find(_ req: Request) async throws -> (HardshipRecord, Member) {
        let user = try req.user
        guard !user.isInflowSide, let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let (r, m, branch) = try await CareStore.record(id, on: req.db), user.covers(branch)
        else { throw AppError.notFound }
        return (r, m)
    }

    func record(req: Request) async throws -> Response {
        let (r, m) = try await Self.find(req)
        let helps = try await CareStore.helps(of: r.requireID(), on: req.db)
        struct Help: Encodable {
            var on: String
            var what: String
            var by: String
            var source: String
        }
        struct View: Encodable {
            var id: String
            var name: String
            var memberID: String
            var kind: String
            var level: String
            var description: String
            var verified: String
            var reviewDue: String
            var active: Bool
            var closedReason: String?
            var helps: [Help]
            var total: Int
            var today: String
        }
        return try await req.page(
            "services/hardship", title: "困难党员 · \(m.name)",
            View(
                id: r.id!.uuidString, name: m.name, memberID: m.id!.uuidString, kind: r.kind.label,
                level: HardshipLevel(rawValue: r.level)?.label ?? "", description: r.description,
                verified: "\(r.verifiedOn)，核实人\(r.verifiedBy)", reviewDue: r.reviewDue, active: r.status == .active,
                closedReason: r.closedReason,
                helps: helps.map {
                    Help(
                        on: $0.givenOn,
                        what: $0.form.text(amount: $0.amount, goods: $0.goods),
                        by: $0.givenBy, source: $0.source)
                }, total: helps.reduce(0) { $0 + $1.amount }, today: AppClock.today.description))
    }

    func help(req: Request) async throws -> Response {
        let (r, m) = try await Self.find(req)
        let f = try req.content.decode(CareActions.HelpForm.self)
        return try await req.act(back: "/care/hardship/\(r.id!)") {
            _ = try await CareActions.help(f, record: r, member: m, as: try req.acting)
            return "已记录帮扶"
        }
    }

    struct ReviewForm: Content {
        var decision: String?
        var note: String?
    }

    func review(req: Request) async throws -> Response {
        let (r, m) = try await Self.find(req)
        let f = try req.content.decode(ReviewForm.self)
        let keep = f.decision != "close"
        return try await req.act(back: "/care/hardship/\(r.id!)") {
            try await CareActions.review(r, member: m, keep: keep, note: f.note, as: try req.acting)
            return keep ? "已复核，下次复核日期\(r.reviewDue)" : "已销号"
        }
    }

    func createCampaign(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(CareActions.CampaignForm.self)
        guard user.scopeLevel == .city || user.scopeLevel == .county, !user.isInflowSide else {
            throw AppError.forbidden
        }
        let org = try await req.scopeOrganization(code: user.scopeCode)
        do {
            let c = try await CareActions.createCampaign(f, org: org, as: try req.acting)
            return req.redirect(to: "/care/campaigns/\(c.id!)", flash: "已发起，各党支部可以开始登记慰问")
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/care", flash: errors.map(\.message).joined(separator: "；"))
        }
    }

    /// The campaign when the account's organization is inside its organization's subtree (or above it).
    static func campaign(_ req: Request) async throws -> (CareCampaign, Organization) {
        let org = try await req.treeScopeOrganization()
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let (c, owner) = try await CareStore.campaign(id, on: req.db)
        else { throw AppError.notFound }
        if org.path.hasPrefix(owner.path) { return (c, org) }
        if owner.path.hasPrefix(org.path) { return (c, owner) }
        throw AppError.notFound
    }

    func campaign(req: Request) async throws -> Response {
        let (c, org) = try await Self.campaign(req)
        let progress = try await CareActions.progress(c, org: org, on: req.db)
        // The list of whom to visit for a branch (or an organization with few targets).
        let list = progress.targets <= 300 ? try await CareStore.targets(c, under: org.path, on: req.db) : []
        struct View: Encodable {
            var id: String
            var name: String
            var festival: String
            var period: String
            var criteria: String
            var org: String
            var orgName: String
            var progress: CareActions.Progress
            var percent: Int
            var targets: [CareTarget]
            var ways: [Pair]
            var today: String
            var tooMany: Bool
        }
        let criteria = CareRules.criteriaText(c.criteria)
        return try await req.page(
            "services/campaign", title: c.name,
            View(
                id: c.id!.uuidString, name: c.name, festival: c.festival.label, period: "\(c.startsOn)至\(c.endsOn)",
                criteria: criteria, org: org.code, orgName: org.shortName, progress: progress,
                percent: progress.targets == 0 ? 0 : progress.visited * 100 / progress.targets, targets: list,
                ways: CareVisitWay.allCases.map { Pair($0.rawValue, $0.label) }, today: AppClock.today.description,
                tooMany: progress.targets > 300))
    }

    func visit(req: Request) async throws -> Response {
        let a = try req.acting
        let user = try a.staffUser()
        let (c, org) = try await Self.campaign(req)
        let f = try req.content.decode(CareActions.VisitForm.self)
        let back = "/care/campaigns/\(c.id!)?org=\(org.code)"
        return try await req.act(back: back) {
            guard let id = f.member.flatMap({ UUID(uuidString: $0) }), let m = try await Member.find(id, on: req.db),
                let branch = try await Organization.find(m.organizationID, on: req.db), user.covers(branch),
                try await CareStore.targets(c, under: branch.path, on: req.db).contains(where: {
                    $0.memberID == id.uuidString
                })
            else { throw AppError.conflict("这名党员不是本次慰问对象") }
            _ = try await CareActions.visit(f, campaign: c, target: m, as: a)
            return "已登记对\(m.name)的慰问"
        }
    }

    func progressAPI(req: Request) async throws -> CareActions.Progress {
        let (c, org) = try await Self.campaign(req)
        return try await CareActions.progress(c, org: org, on: req.db)
    }
}
