import Fluent
import LiudongCore
import Vapor

/// 就业创业、人才回引 for staff: the talent register of the scope's mobile members, the county's opportunities, and
/// returning-entrepreneur projects with totals per county.
struct TalentPages {
    func boot(_ r: FeatureRoutes) throws {
        let keep = r.signedIn(.keepTalentRegister)
        keep.get("talent", use: index)
        keep.post("talent", "profiles", use: saveProfile)
        let manage = r.signedIn(.manageTalent)
        manage.post("talent", "opportunities", use: publish)
        manage.post("talent", "projects", use: project)
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.treeScopeOrganization()
        let onlyReturn = req.query[String.self, at: "return"] == "1"
        let rows = try await TalentStore.register(under: org.path, onlyReturn: onlyReturn, on: req.db)
        struct Line: Encodable {
            var name: String
            var branch: String
            var industry: String
            var skills: String
            var title: String
            var business: String
            var willing: String
        }
        let today = AppClock.today
        let scopeIDs = org.pathIDs + [org.id!]
        let opportunities = try await TalentStore.opportunities(by: scopeIDs, validOn: today, limit: 100, on: req.db)
        struct Opp: Encodable {
            var kind: String
            var title: String
            var unit: String
            var industry: String
            var skills: String
            var validUntil: String
            var contact: String
        }
        // Projects of the counties in scope (or the scope's own county), with totals per county.
        let county = try await OrgTree.county(of: org, on: req.db)
        let countyIDs: [Int]
        if let county {
            countyIDs = [county.id!]
        } else {
            countyIDs = try await OrgTree.counties(under: org, on: req.db).compactMap(\.id)
        }
        let projects = try await TalentStore.projects(of: countyIDs, on: req.db)
        struct Project: Encodable {
            var enterprise: String
            var county: String
            var member: String
            var industry: String
            var investment: Int
            var output: Int
            var jobs: Int
            var startedOn: String
            var support: String
        }
        struct Total: Encodable {
            var county: String
            var projects: Int
            var investment: Int
            var output: Int
            var jobs: Int
        }
        var names: [Int: String] = [:]
        for c in try await TalentStore.organizations(countyIDs, on: req.db) { names[c.id!] = c.shortName }
        let out = projects.map { p, member in
            Project(
                enterprise: p.enterprise, county: names[p.countyID] ?? "", member: member?.name ?? "",
                industry: Industry(rawValue: p.industry)?.label ?? p.industry, investment: p.investment,
                output: p.annualOutput, jobs: p.jobsCreated, startedOn: p.startedOn, support: p.support)
        }
        let totals = TalentRules.totals(
            projects.map { p, _ in (p.countyID, p.investment, p.annualOutput, p.jobsCreated) }
        ).values.map {
            Total(
                county: names[$0.county] ?? "", projects: $0.projects, investment: $0.investment, output: $0.output,
                jobs: $0.jobs)
        }
        struct View: Encodable {
            var org: String
            var orgName: String
            var onlyReturn: Bool
            var register: [Line]
            var opportunities: [Opp]
            var projects: [Project]
            var totals: [Total]
            var industries: [Pair]
            var kinds: [Pair]
            var branches: [Pair]
            var canManage: Bool
            var today: String
        }
        let branches = try await OrgTree.branches(under: org, on: req.db)
        return try await req.page(
            "services/talent", title: "就业创业与人才回引",
            View(
                org: org.code, orgName: org.shortName, onlyReturn: onlyReturn,
                register: rows.map {
                    Line(
                        name: $0.name, branch: $0.branch,
                        industry: $0.industry.flatMap(Industry.init(rawValue:))?.label ?? "", skills: $0.skills,
                        title: $0.title ?? "", business: $0.business ?? "",
                        willing: [$0.willingReturn ? "愿意返乡" : nil, $0.willingInvest ? "愿意回乡投资" : nil]
                            .compactMap { $0 }.joined(separator: "、"))
                },
                opportunities: opportunities.map {
                    Opp(
                        kind: $0.kind.label, title: $0.title, unit: $0.unit,
                        industry: $0.industry.flatMap(Industry.init(rawValue:))?.label ?? "不限", skills: $0.skills,
                        validUntil: $0.validUntil, contact: $0.contact)
                },
                projects: out, totals: totals.sorted { $0.county < $1.county },
                industries: Industry.allCases.map { Pair($0.rawValue, $0.label) },
                kinds: OpportunityKind.allCases.map { Pair($0.rawValue, $0.label) },
                branches: branches.map { Pair($0.code, $0.shortName) },
                canManage: user.can(.manageTalent) && (user.scopeLevel == .city || user.scopeLevel == .county),
                today: today.description))
    }

    /// Whose entry a branch saves: the member by name in a branch.
    struct Who: Content {
        var branch: String?
        var name: String?
    }

    func saveProfile(req: Request) async throws -> Response {
        let who = try req.content.decode(Who.self)
        let f = try req.content.decode(TalentActions.ProfileForm.self)
        return try await req.act(back: "/talent") {
            let m = try await req.memberNamed(who.name, branch: who.branch)
            _ = try await TalentActions.save(f, member: m, as: try req.acting)
            return "已保存\(m.name)的人才库信息"
        }
    }

    func publish(req: Request) async throws -> Response {
        let org = try await req.departmentOrganization()
        let f = try req.content.decode(TalentActions.OpportunityForm.self)
        return try await req.act(back: "/talent#opportunities") {
            _ = try await TalentActions.publish(f, org: org, as: try req.acting)
            return "已发布，条件相符的流动党员会在手机上看到"
        }
    }

    func project(req: Request) async throws -> Response {
        let org = try await req.departmentOrganization()
        let f = try req.content.decode(TalentActions.ProjectForm.self)
        return try await req.act(back: "/talent#projects") {
            guard let county = try await OrgTree.county(of: org, on: req.db) else {
                throw AppError.conflict("返乡创业项目由旗县区登记")
            }
            let member =
                Normalize.text(f.name) == nil
                ? nil : try await req.memberNamed(f.name, branch: f.branch)
            let p = try await TalentActions.record(f, county: county, member: member, as: try req.acting)
            return "已登记\(p.enterprise)"
        }
    }
}
