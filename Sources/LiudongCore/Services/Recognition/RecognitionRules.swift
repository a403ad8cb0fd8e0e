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

/// Where a recognition campaign stands; the raw value is what `award_campaigns.status` holds.
public enum AwardCampaignStatus: String, Codable, CaseIterable, Sendable {
    /// Nominations and approvals under way.
    case open
    /// The county-approved candidates are published: on their archives and phones.
    case published
}

/// Who decides a nomination, by the level of the account's organization.
public enum AwardDecider: Equatable, Sendable {
    /// The committee or general branch above the branch: approves what branches nominated.
    case committee
    /// The county (or the city): approves what committees approved, within the county's quota.
    case county
    /// Anyone else (a branch): may only reject what is not yet decided above it.
    case other

    public init(level: OrgLevel?) {
        switch level {
        case .county, .city: self = .county
        case .committee, .generalBranch: self = .committee
        case .branch, nil: self = .other
        }
    }
}

/// What a decision on a nomination does.
public enum AwardDecision: Equatable, Sendable {
    case reject(reason: String)
    case committeeApprove
    /// Approved by the county when its quota still has room (checked where the quota is held).
    case countyApprove
}

/// A recognition campaign as set up, checked.
public struct CheckedAwardCampaign: Equatable, Sendable {
    public var award: AwardKind
    public var year: Int
    public var nominateUntil: CalendarDate
    public var name: String
}

/// The decisions of recognition (评优表彰) over plain facts: a campaign's set-up, who may be nominated, the approval
/// chain branch → committee → county (within its quota), publication.
public enum RecognitionRules {
    /// A campaign: an award, this year's or last year's, a deadline not before today, quotas of 0 to 500 per county
    /// adding up to at least one, a name (made from the year and award when empty, at most 40 characters).
    public static func campaign(
        award: String?, year: String?, nominateUntil: String?, name: String?, quotas: [Int], today: CalendarDate
    ) -> Result<CheckedAwardCampaign, RuleError> {
        var errors: [RuleProblem] = []
        let award = award.flatMap(AwardKind.init(rawValue:))
        if award == nil { errors.append(RuleProblem("award", "请选择表彰项目")) }
        let year = year.flatMap { Int($0) }
        if year == nil || !((today.year - 1)...today.year).contains(year ?? 0) {
            errors.append(RuleProblem("year", "评选年度应为今年或去年"))
        }
        let until = nominateUntil.flatMap { CalendarDate($0) }
        if until == nil || (until.map { $0 < today } ?? true) {
            errors.append(RuleProblem("nominateUntil", "推荐截止日期不能早于今天"))
        }
        if quotas.contains(where: { !(0...500).contains($0) }) || quotas.reduce(0, { $0 + min(max($1, 0), 500) }) == 0 {
            errors.append(RuleProblem("quota", "各旗县区名额应为0至500，合计至少1名"))
        }
        let name = Normalize.text(name) ?? award.map { "\(year ?? today.year)年度\($0.label)评选" }
        if (name?.count ?? 0) > 40 { errors.append(RuleProblem("name", "名称不能超过40字")) }
        guard errors.isEmpty, let award, let year, let until, let name else { return .failure(.invalid(errors)) }
        return .success(CheckedAwardCampaign(award: award, year: year, nominateUntil: until, name: name))
    }

    /// Whether nominations are still taken on `today`.
    public static func nominating(_ status: AwardCampaignStatus, until: String, today: CalendarDate) -> Bool {
        status == .open && today.description <= until
    }

    /// A branch's nomination: while open and before the deadline, with a citation (20 to 1,000 characters), of a
    /// mobile member whose county has a quota, once per campaign. The checked citation.
    public static func nominate(
        _ status: AwardCampaignStatus, until: String, today: CalendarDate, citation: String?, memberName: String,
        isMobile: Bool, countyHasQuota: Bool, alreadyNominated: Bool
    ) -> Result<String, RuleError> {
        guard nominating(status, until: until, today: today) else { return .failure(.conflict("推荐已截止")) }
        guard let text = Normalize.text(citation), text.count >= 20, text.count <= 1_000 else {
            return .failure(.field("citation", "请写明推荐理由（主要事迹，20至1000字）"))
        }
        guard isMobile else { return .failure(.conflict("\(memberName)目前不是流动党员")) }
        guard countyHasQuota else { return .failure(.conflict("本旗县区没有这项表彰的名额")) }
        guard !alreadyNominated else { return .failure(.conflict("\(memberName)已经被推荐过")) }
        return .success(text)
    }

    /// A decision on a nomination: the committee approves nominated ones, the county those the committee approved;
    /// either rejects with a reason (2 to 200 characters) what is not yet rejected (the county also its own approvals).
    public static func decide(
        _ status: NominationStatus, campaign: AwardCampaignStatus, approve: Bool, reason: String?, by: AwardDecider
    ) -> Result<AwardDecision, RuleError> {
        guard campaign == .open else { return .failure(.conflict("这项表彰已经公布")) }
        if !approve {
            guard status != .rejected, status != .countyApproved || by == .county else {
                return .failure(.conflict("这项推荐已经处理"))
            }
            guard let r = Normalize.text(reason), r.count >= 2, r.count <= 200 else {
                return .failure(.field("reason", "请写明不通过的理由"))
            }
            return .success(.reject(reason: r))
        }
        if status == .nominated, by == .committee { return .success(.committeeApprove) }
        if status == .committeeApproved, by == .county { return .success(.countyApprove) }
        return .failure(
            .conflict(
                status == .nominated ? "请先由基层党委审核" : status == .committeeApproved ? "请由旗县区审定" : "这项推荐已经处理"))
    }

    /// Whether the page offers `by` the approve button for a nomination.
    public static func canApprove(_ status: NominationStatus, campaign: AwardCampaignStatus, by: AwardDecider) -> Bool {
        campaign == .open
            && ((status == .nominated && by == .committee) || (status == .committeeApproved && by == .county))
    }

    /// Publication: once, when the counties approved someone.
    public static func publish(_ status: AwardCampaignStatus, approved: Int) -> Result<Void, RuleError> {
        guard status == .open else { return .failure(.conflict("已经公布过")) }
        guard approved > 0 else { return .failure(.conflict("还没有旗县区审定的人选")) }
        return .success(())
    }
}
