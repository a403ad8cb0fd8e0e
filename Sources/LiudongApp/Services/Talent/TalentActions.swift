import Fluent
import Foundation
import LiudongCore
import Vapor

/// 就业创业、人才回引: the talent register, home-side opportunities matched to members, returning-entrepreneur projects.
/// Each action checks with `TalentRules`, stores, and writes the audit line.
enum TalentActions {
    struct ProfileForm: Content {
        var industry: String?
        var skills: String?
        var title: String?
        var business: String?
        var willingReturn: String?
        var willingInvest: String?
        var note: String?
    }

    /// Saves a member's entry (the member themself, or their branch: then audited).
    static func save(_ f: ProfileForm, member: Member, as a: Acting) async throws -> TalentProfile {
        let checked = try TalentRules.profile(
            industry: f.industry, skills: f.skills, title: f.title, business: f.business, note: f.note
        ).orThrow()
        let p = try await TalentProfile.find(member.id, on: a.db) ?? TalentProfile()
        p.id = member.id
        p.industry = checked.industry?.rawValue
        p.skills = checked.skills
        p.title = checked.title
        p.business = checked.business
        p.willingReturn = f.willingReturn != nil
        p.willingInvest = f.willingInvest != nil
        p.note = checked.note
        p.updatedBy = a.name
        try await p.save(on: a.db)
        if a.user != nil {
            try await a.audit(.update, "talent", ref: member.id?.uuidString, summary: "更新\(member.name)的人才库信息")
        }
        return p
    }

    struct OpportunityForm: Content {
        var kind: String?
        var title: String?
        var unit: String?
        var industry: String?
        var skills: String?
        var details: String?
        var contact: String?
        var validUntil: String?
    }

    static func publish(_ f: OpportunityForm, org: Organization, as a: Acting) async throws -> Opportunity {
        let checked = try TalentRules.opportunity(
            kind: f.kind, title: f.title, unit: f.unit, industry: f.industry, skills: f.skills, details: f.details,
            contact: f.contact, validUntil: f.validUntil, today: a.today
        ).orThrow()
        let o = Opportunity()
        o.id = UUID()
        o.orgID = try org.requireID()
        o.kind = checked.kind
        o.title = checked.title
        o.unit = checked.unit
        o.industry = checked.industry?.rawValue
        o.skills = checked.skills
        o.details = checked.details
        o.contact = checked.contact
        o.validUntil = checked.validUntil.description
        o.createdBy = a.name
        try await o.create(on: a.db)
        try await a.audit(.create, "opportunity", ref: o.id!.uuidString, summary: "发布\(o.kind.label)：\(o.title)")
        return o
    }

    struct Match: Encodable {
        var id: String
        var kind: String
        var title: String
        var unit: String
        var details: String
        var contact: String
        var validUntil: String
        var publisher: String
        var score: Int
        var why: String
    }

    /// Open opportunities published by the member's home county (or the city) that match the member's entry, best
    /// first.
    static func matches(for member: Member, today: CalendarDate, on db: Database) async throws -> [Match] {
        guard let p = try await TalentProfile.find(member.id, on: db),
            let branch = try await Organization.find(member.organizationID, on: db)
        else { return [] }
        let open = try await TalentStore.opportunities(by: branch.pathIDs, validOn: today, on: db)
        let mine = TalentMatch.tags(p.skills)
        let industry = p.industry.flatMap(Industry.init(rawValue:))
        var out: [Match] = []
        for o in open {
            let skills = TalentMatch.tags(o.skills)
            let s = TalentMatch.score(
                kind: o.kind, industry: o.industry.flatMap(Industry.init(rawValue:)), skills: skills,
                memberIndustry: industry, memberSkills: mine, willingReturn: p.willingReturn,
                willingInvest: p.willingInvest)
            guard s > 0 else { continue }
            let publisher = try await Organization.find(o.orgID, on: db)?.shortName ?? ""
            out.append(
                Match(
                    id: o.id!.uuidString, kind: o.kind.label, title: o.title, unit: o.unit, details: o.details,
                    contact: o.contact, validUntil: o.validUntil, publisher: publisher, score: s,
                    why: TalentRules.why(
                        memberIndustry: industry, memberSkills: mine, willingReturn: p.willingReturn,
                        opportunityIndustry: o.industry, opportunitySkills: skills)))
        }
        return out.sorted { ($0.score, $1.validUntil) > ($1.score, $0.validUntil) }
    }

    struct ProjectForm: Content {
        var enterprise: String?
        var industry: String?
        var investment: String?
        var annualOutput: String?
        var jobsCreated: String?
        var startedOn: String?
        var support: String?
        var branch: String?
        var name: String?
    }

    static func record(_ f: ProjectForm, county: Organization, member: Member?, as a: Acting) async throws
        -> ReturnProject
    {
        let checked = try TalentRules.project(
            enterprise: f.enterprise, industry: f.industry, investment: f.investment, annualOutput: f.annualOutput,
            jobsCreated: f.jobsCreated, startedOn: f.startedOn, support: f.support, today: a.today
        ).orThrow()
        let p = ReturnProject()
        p.id = UUID()
        p.countyID = try county.requireID()
        p.memberID = member?.id
        p.enterprise = checked.enterprise
        p.industry = checked.industry.rawValue
        p.investment = checked.investment
        p.annualOutput = checked.annualOutput
        p.jobsCreated = checked.jobsCreated
        p.startedOn = checked.startedOn.description
        p.support = checked.support
        p.createdBy = a.name
        try await p.create(on: a.db)
        try await a.audit(.create, "return-project", ref: p.id!.uuidString, summary: "登记返乡创业项目：\(p.enterprise)")
        return p
    }
}
