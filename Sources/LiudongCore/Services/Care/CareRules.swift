/// Why a member is registered as in difficulty (困难党员).
public enum HardshipKind: String, CaseIterable, Codable, Sendable {
    case illness, disability, lowIncome, disaster, family

    public var label: String {
        switch self {
        case .illness: return "重病"
        case .disability: return "残疾"
        case .lowIncome: return "低收入"
        case .disaster: return "受灾"
        case .family: return "家庭变故"
        }
    }
}

/// How hard: 一般困难 / 比较困难 / 特别困难.
public enum HardshipLevel: Int, CaseIterable, Codable, Sendable {
    case ordinary = 1, serious = 2, severe = 3

    public var label: String {
        switch self {
        case .ordinary: return "一般困难"
        case .serious: return "比较困难"
        case .severe: return "特别困难"
        }
    }
}

/// The festival a care campaign (节日慰问) is for.
public enum CareFestival: String, CaseIterable, Codable, Sendable {
    case springFestival, julyFirst, doubleNinth, custom

    public var label: String {
        switch self {
        case .springFestival: return "春节"
        case .julyFirst: return "七一"
        case .doubleNinth: return "重阳"
        case .custom: return "其他"
        }
    }
}

/// Whom a care campaign visits: each criterion the campaign chose, tested on one member.
public struct CareCriteria: Codable, Equatable, Sendable {
    /// Registered as in difficulty (an open hardship record).
    public var hardship: Bool
    /// Aged 70 or more on the campaign's first day.
    public var aged70: Bool
    /// 50 years or more in the Party on the campaign's first day (光荣在党50年).
    public var party50: Bool
    /// Away on an open flow that began 180 days or more before the campaign's first day (long-term mobile members
    /// away for the festival).
    public var longAway: Bool

    public init(hardship: Bool = true, aged70: Bool = true, party50: Bool = true, longAway: Bool = true) {
        self.hardship = hardship
        self.aged70 = aged70
        self.party50 = party50
        self.longAway = longAway
    }

    public var any: Bool { hardship || aged70 || party50 || longAway }

    /// The reasons a member is a target (empty: not a target), in the order shown.
    public func reasons(
        start: CalendarDate, birth: CalendarDate?, joined: CalendarDate?, inHardship: Bool, awaySince: CalendarDate?
    ) -> [String] {
        var out: [String] = []
        if hardship, inHardship { out.append("困难党员") }
        if aged70, let b = birth, b.years(until: start) >= 70 { out.append("70岁以上") }
        if party50, let j = joined, j.years(until: start) >= 50 { out.append("党龄50年以上") }
        if longAway, let a = awaySince, a.adding(days: 180) <= start { out.append("长期在外流动") }
        return out
    }
}

/// The award of a recognition campaign (评优表彰).
public enum AwardKind: String, CaseIterable, Codable, Sendable {
    case excellentMobile, vanguardPost, custom

    public var label: String {
        switch self {
        case .excellentMobile: return "优秀流动党员"
        case .vanguardPost: return "流动党员先锋岗"
        case .custom: return "其他"
        }
    }
}

/// Where a nomination stands: the branch nominates, the committee approves, the county approves within its quota.
public enum NominationStatus: String, CaseIterable, Codable, Sendable {
    case nominated, committeeApproved, countyApproved, rejected

    public var label: String {
        switch self {
        case .nominated: return "党支部已推荐"
        case .committeeApproved: return "基层党委已审核"
        case .countyApproved: return "旗县区已审定"
        case .rejected: return "未通过"
        }
    }
}
