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
