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
