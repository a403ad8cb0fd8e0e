import Foundation

/// Industries of the talent register and of home-side opportunities (行业).
public enum Industry: String, CaseIterable, Codable, Sendable {
    case farming, manufacturing, construction, transport, trade, catering, it, finance, education, health, tourism,
        services, other

    public var label: String {
        switch self {
        case .farming: return "农牧业"
        case .manufacturing: return "制造业"
        case .construction: return "建筑业"
        case .transport: return "交通运输"
        case .trade: return "批发零售、电商"
        case .catering: return "住宿餐饮"
        case .it: return "信息技术"
        case .finance: return "金融"
        case .education: return "教育"
        case .health: return "医疗卫生"
        case .tourism: return "文化旅游"
        case .services: return "家政物业等服务业"
        case .other: return "其他"
        }
    }
}

/// What a home-side opportunity is (回引岗位与政策).
public enum OpportunityKind: String, CaseIterable, Codable, Sendable {
    case job, policy, reserveCadre

    public var label: String {
        switch self {
        case .job: return "本地企业岗位"
        case .policy: return "创业扶持政策"
        case .reserveCadre: return "村后备力量岗位"
        }
    }
}

/// Matching members' talent to opportunities: by industry and shared skills; reserve-cadre posts and policies only
/// for members willing to return (or invest, for policies).
public enum TalentMatch {
    /// Skills as a set of tags: split on commas, 、, spaces and semicolons, trimmed, case folded, at most 20 of ≤ 20
    /// characters.
    public static func tags(_ text: String) -> Set<String> {
        let parts = text.split(whereSeparator: { ",，、;；/ \t\n".contains($0) })
        var out: Set<String> = []
        for p in parts {
            let t = p.trimmingCharacters(in: .whitespaces).lowercased()
            guard !t.isEmpty, t.count <= 20 else { continue }
            out.insert(t)
            if out.count == 20 { break }
        }
        return out
    }

    /// The score of an opportunity for a member (0: not a match): 2 for the same industry, 1 per shared skill.
    public static func score(
        kind: OpportunityKind, industry: Industry?, skills: Set<String>, memberIndustry: Industry?,
        memberSkills: Set<String>, willingReturn: Bool, willingInvest: Bool
    ) -> Int {
        switch kind {
        case .reserveCadre: guard willingReturn else { return 0 }
        case .policy: guard willingReturn || willingInvest else { return 0 }
        case .job: break
        }
        var s = 0
        if let i = industry, i != .other, i == memberIndustry { s += 2 }
        s += skills.intersection(memberSkills).count
        // A reserve-cadre post or a policy with no industry or skills named is for anyone willing.
        if s == 0, kind != .job, industry == nil || industry == .other, skills.isEmpty { s = 1 }
        return s
    }
}

/// A member's entry in the talent register, checked (skills as sorted tags).
public struct CheckedProfile: Equatable, Sendable {
    public var industry: Industry?
    public var skills: String
    public var title: String?
    public var business: String?
    public var note: String?
}

/// An opportunity (a job, a policy, a project) as published, checked.
public struct CheckedOpportunity: Equatable, Sendable {
    public var kind: OpportunityKind
    public var title: String
    public var unit: String
    public var industry: Industry?
    public var skills: String
    public var details: String
    public var contact: String
    public var validUntil: CalendarDate
}

/// A returning entrepreneur's project, checked (figures in 万元 and persons).
public struct CheckedProject: Equatable, Sendable {
    public var enterprise: String
    public var industry: Industry
    public var investment: Int
    public var annualOutput: Int
    public var jobsCreated: Int
    public var startedOn: CalendarDate
    public var support: String
}

/// A county's projects added up.
public struct ProjectTotal: Equatable, Sendable {
    public var county: Int
    public var projects: Int
    public var investment: Int
    public var output: Int
    public var jobs: Int
}

/// The decisions of talent return (就业创业、人才回引) over plain facts: what the register, opportunities and projects
/// accept, why an opportunity is recommended to a member, and the totals per county.
public enum TalentRules {
    public static func profile(
        industry: String?, skills: String?, title: String?, business: String?, note: String?
    ) -> Result<CheckedProfile, RuleError> {
        var errors: [RuleProblem] = []
        let industryCode = Normalize.text(industry)
        let industry = industryCode.flatMap(Industry.init(rawValue:))
        if industryCode != nil, industry == nil { errors.append(RuleProblem("industry", "请选择行业")) }
        let skills = Normalize.text(skills) ?? ""
        if skills.count > 200 { errors.append(RuleProblem("skills", "技能不能超过200字")) }
        for (field, value, limit) in [("title", title, 60), ("business", business, 100), ("note", note, 500)]
        where (Normalize.text(value)?.count ?? 0) > limit {
            errors.append(RuleProblem(field, "不能超过\(limit)字"))
        }
        guard errors.isEmpty else { return .failure(.invalid(errors)) }
        return .success(
            CheckedProfile(
                industry: industry, skills: TalentMatch.tags(skills).sorted().joined(separator: "、"),
                title: Normalize.text(title), business: Normalize.text(business), note: Normalize.text(note)))
    }

    public static func opportunity(
        kind: String?, title: String?, unit: String?, industry: String?, skills: String?, details: String?,
        contact: String?, validUntil: String?, today: CalendarDate
    ) -> Result<CheckedOpportunity, RuleError> {
        var errors: [RuleProblem] = []
        let kind = kind.flatMap(OpportunityKind.init(rawValue:))
        if kind == nil { errors.append(RuleProblem("kind", "请选择类别")) }
        let title = Normalize.text(title)
        if title == nil || (title?.count ?? 0) > 60 { errors.append(RuleProblem("title", "请填写标题（60字以内）")) }
        let unit = Normalize.text(unit)
        if unit == nil || (unit?.count ?? 0) > 60 { errors.append(RuleProblem("unit", "请填写单位（60字以内）")) }
        let industryCode = Normalize.text(industry)
        let industry = industryCode.flatMap(Industry.init(rawValue:))
        if industryCode != nil, industry == nil { errors.append(RuleProblem("industry", "请选择行业")) }
        let details = Normalize.text(details)
        if (details?.count ?? 0) < 5 || (details?.count ?? 0) > 2_000 {
            errors.append(RuleProblem("details", "请写明具体内容（5至2000字）"))
        }
        let contact = Normalize.text(contact)
        if contact == nil || (contact?.count ?? 0) > 60 { errors.append(RuleProblem("contact", "请填写联系方式")) }
        let until = validUntil.flatMap { CalendarDate($0) }
        if until == nil || (until.map { $0 < today || today.adding(days: 366) < $0 } ?? true) {
            errors.append(RuleProblem("validUntil", "有效期应在今天到一年之内"))
        }
        guard errors.isEmpty, let kind, let title, let unit, let details, let contact, let until else {
            return .failure(.invalid(errors))
        }
        return .success(
            CheckedOpportunity(
                kind: kind, title: title, unit: unit, industry: industry,
                skills: TalentMatch.tags(Normalize.text(skills) ?? "").sorted().joined(separator: "、"),
                details: details,
                contact: contact, validUntil: until))
    }

    public static func project(
        enterprise: String?, industry: String?, investment: String?, annualOutput: String?, jobsCreated: String?,
        startedOn: String?, support: String?, today: CalendarDate
    ) -> Result<CheckedProject, RuleError> {
        var errors: [RuleProblem] = []
        let enterprise = Normalize.text(enterprise)
        if enterprise == nil || (enterprise?.count ?? 0) > 80 {
            errors.append(RuleProblem("enterprise", "请填写企业或项目名称"))
        }
        let industry = industry.flatMap(Industry.init(rawValue:))
        if industry == nil { errors.append(RuleProblem("industry", "请选择行业")) }
        func number(_ raw: String?, _ field: String, _ label: String, max: Int) -> Int {
            guard let n = raw.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (0...max).contains(n) else {
                errors.append(RuleProblem(field, "\(label)应为0至\(max)的整数"))
                return 0
            }
            return n
        }
        let investment = number(investment, "investment", "投资额（万元）", max: 10_000_000)
        let output = number(annualOutput, "annualOutput", "年产值（万元）", max: 100_000_000)
        let jobs = number(jobsCreated, "jobsCreated", "带动就业（人）", max: 1_000_000)
        let started = startedOn.flatMap { CalendarDate($0) }
        if started == nil || (started.map { $0 > today } ?? false) {
            errors.append(RuleProblem("startedOn", "请填写开工或投产日期（不晚于今天）"))
        }
        let support = Normalize.text(support) ?? ""
        if support.count > 500 { errors.append(RuleProblem("support", "扶持情况不能超过500字")) }
        guard errors.isEmpty, let enterprise, let industry, let started else { return .failure(.invalid(errors)) }
        return .success(
            CheckedProject(
                enterprise: enterprise, industry: industry, investment: investment, annualOutput: output,
                jobsCreated: jobs, startedOn: started, support: support))
    }

    /// Why an opportunity is recommended to a member: the shared industry, the shared skills, else their wish to
    /// return or invest.
    public static func why(
        memberIndustry: Industry?, memberSkills: Set<String>, willingReturn: Bool, opportunityIndustry: String?,
        opportunitySkills: Set<String>
    ) -> String {
        var why: [String] = []
        if let i = memberIndustry, opportunityIndustry == i.rawValue { why.append("同属\(i.label)") }
        let shared = opportunitySkills.intersection(memberSkills).sorted()
        if !shared.isEmpty { why.append("技能：\(shared.joined(separator: "、"))") }
        if why.isEmpty { why.append(willingReturn ? "您愿意返乡发展" : "您愿意回乡投资") }
        return why.joined(separator: "；")
    }

    /// Projects added up per county (figures capped so that no sum overflows).
    public static func totals(_ projects: [(county: Int, investment: Int, output: Int, jobs: Int)]) -> [Int:
        ProjectTotal]
    {
        var out: [Int: ProjectTotal] = [:]
        for p in projects {
            var t = out[p.county] ?? ProjectTotal(county: p.county, projects: 0, investment: 0, output: 0, jobs: 0)
            t.projects += 1
            t.investment =
                t.investment.addingReportingOverflow(max(0, p.investment)).overflow
                ? Int.max : t.investment + max(0, p.investment)
            t.output =
                t.output.addingReportingOverflow(max(0, p.output)).overflow ? Int.max : t.output + max(0, p.output)
            t.jobs = t.jobs.addingReportingOverflow(max(0, p.jobs)).overflow ? Int.max : t.jobs + max(0, p.jobs)
            out[p.county] = t
        }
        return out
    }
}
