import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// 就业创业、人才回引: the talent register, home-side opportunities matched to members, returning-entrepreneur projects.
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

    /// Saves a member's entry (the member themself or their branch).
    static func save(_ f: ProfileForm, member: Member, by who: String, on db: Database) async throws -> TalentProfile {
        var errors: [FieldError] = []
        let industry = Normalize.text(f.industry)
        if let i = industry, Industry(rawValue: i) == nil { errors.append(FieldError("industry", "请选择行业")) }
        let skills = Normalize.text(f.skills) ?? ""
        if skills.count > 200 { errors.append(FieldError("skills", "技能不能超过200字")) }
        for (field, value, limit) in [
            ("title", f.title, 60), ("business", f.business, 100), ("note", f.note, 500),
        ] where (Normalize.text(value)?.count ?? 0) > limit {
            errors.append(FieldError(field, "不能超过\(limit)字"))
        }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let p = try await TalentProfile.find(member.id, on: db) ?? TalentProfile()
        p.id = member.id
        p.industry = industry
        p.skills = TalentMatch.tags(skills).sorted().joined(separator: "、")
        p.title = Normalize.text(f.title)
        p.business = Normalize.text(f.business)
        p.willingReturn = f.willingReturn != nil
        p.willingInvest = f.willingInvest != nil
        p.note = Normalize.text(f.note)
        p.updatedBy = who
        try await p.save(on: db)
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

    static func publish(
        _ f: OpportunityForm, org: Organization, by user: CurrentUser, today: CalendarDate, on db: Database
    ) async throws -> Opportunity {
        var errors: [FieldError] = []
        let kind = f.kind.flatMap(OpportunityKind.init(rawValue:))
        if kind == nil { errors.append(FieldError("kind", "请选择类别")) }
        let title = Normalize.text(f.title)
        if title == nil || (title?.count ?? 0) > 60 { errors.append(FieldError("title", "请填写标题（60字以内）")) }
        let unit = Normalize.text(f.unit)
        if unit == nil || (unit?.count ?? 0) > 60 { errors.append(FieldError("unit", "请填写单位（60字以内）")) }
        let industry = Normalize.text(f.industry)
        if let i = industry, Industry(rawValue: i) == nil { errors.append(FieldError("industry", "请选择行业")) }
        let details = Normalize.text(f.details)
        if (details?.count ?? 0) < 5 || (details?.count ?? 0) > 2_000 {
            errors.append(FieldError("details", "请写明具体内容（5至2000字）"))
        }
        let contact = Normalize.text(f.contact)
        if contact == nil || (contact?.count ?? 0) > 60 { errors.append(FieldError("contact", "请填写联系方式")) }
        let until = f.validUntil.flatMap { CalendarDate($0) }
        if until == nil || (until.map { $0 < today || today.adding(days: 366) < $0 } ?? true) {
            errors.append(FieldError("validUntil", "有效期应在今天到一年之内"))
        }
        guard errors.isEmpty, let kind, let title, let unit, let details, let contact, let until else {
            throw AppError.invalid(errors)
        }
        let o = Opportunity()
        o.id = UUID()
        o.orgID = org.id!
        o.kind = kind
        o.title = title
        o.unit = unit
        o.industry = industry
        o.skills = TalentMatch.tags(Normalize.text(f.skills) ?? "").sorted().joined(separator: "、")
        o.details = details
        o.contact = contact
        o.validUntil = until.description
        o.createdBy = user.username
        try await o.create(on: db)
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
        let ancestors = branch.pathIDs
        let open = try await Opportunity.query(on: db).filter(\.$orgID ~~ ancestors)
            .filter(\.$validUntil >= today.description).all()
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
            var why: [String] = []
            if let i = industry, o.industry == i.rawValue { why.append("同属\(i.label)") }
            let shared = skills.intersection(mine).sorted()
            if !shared.isEmpty { why.append("技能：\(shared.joined(separator: "、"))") }
            if why.isEmpty { why.append(p.willingReturn ? "您愿意返乡发展" : "您愿意回乡投资") }
            let publisher = try await Organization.find(o.orgID, on: db)?.shortName ?? ""
            out.append(
                Match(
                    id: o.id!.uuidString, kind: o.kind.label, title: o.title, unit: o.unit, details: o.details,
                    contact: o.contact, validUntil: o.validUntil, publisher: publisher, score: s,
                    why: why.joined(separator: "；")))
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

    static func record(
        _ f: ProjectForm, county: Organization, member: Member?, by user: CurrentUser, today: CalendarDate,
        on db: Database
    ) async throws -> ReturnProject {
        var errors: [FieldError] = []
        let enterprise = Normalize.text(f.enterprise)
        if enterprise == nil || (enterprise?.count ?? 0) > 80 { errors.append(FieldError("enterprise", "请填写企业或项目名称")) }
        let industry = f.industry.flatMap(Industry.init(rawValue:))
        if industry == nil { errors.append(FieldError("industry", "请选择行业")) }
        func number(_ raw: String?, _ field: String, _ label: String, max: Int) -> Int {
            guard let n = raw.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (0...max).contains(n) else {
                errors.append(FieldError(field, "\(label)应为0至\(max)的整数"))
                return 0
            }
            return n
        }
        let investment = number(f.investment, "investment", "投资额（万元）", max: 10_000_000)
        let output = number(f.annualOutput, "annualOutput", "年产值（万元）", max: 100_000_000)
        let jobs = number(f.jobsCreated, "jobsCreated", "带动就业（人）", max: 1_000_000)
        let started = f.startedOn.flatMap { CalendarDate($0) }
        if started == nil || (started.map { $0 > today } ?? false) {
            errors.append(FieldError("startedOn", "请填写开工或投产日期（不晚于今天）"))
        }
        let support = Normalize.text(f.support) ?? ""
        if support.count > 500 { errors.append(FieldError("support", "扶持情况不能超过500字")) }
        guard errors.isEmpty, let enterprise, let industry, let started else { throw AppError.invalid(errors) }
        let p = ReturnProject()
        p.id = UUID()
        p.countyID = county.id!
        p.memberID = member?.id
        p.enterprise = enterprise
        p.industry = industry.rawValue
        p.investment = investment
        p.annualOutput = output
        p.jobsCreated = jobs
        p.startedOn = started.description
        p.support = support
        p.createdBy = user.username
        try await p.create(on: db)
        return p
    }
}
