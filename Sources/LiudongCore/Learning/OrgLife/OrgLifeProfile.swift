import Foundation

/// What a branch owes of organizational life, from its members and groups on the quarter's first day (issue 27
/// item 1): the member meeting each quarter; a 支委会 only where the branch has a committee — 7 or more full members
/// (below that the secretary alone); 党小组会 per group, only where it set groups up; party class, theme day and the
/// yearly kinds as the city's settings say. Mobile party organizations owe the same.
public struct OrgLifeProfile: Codable, Equatable, Sendable {
    /// A branch has a 支委会 from this many full members.
    public static let committeeFrom = 7

    public var fullMembers: Int
    public var groups: Int

    public init(fullMembers: Int, groups: Int) {
        self.fullMembers = max(0, fullMembers)
        self.groups = max(0, groups)
    }

    public var hasCommittee: Bool { fullMembers >= Self.committeeFrom }

    /// What the branch must hold of `kind` in a quarter under the setting (`OrgLifeRules.required`), or nil when
    /// the kind does not apply to it.
    public func required(_ kind: OrgLifeKind, period: OrgLifePeriod, minimum: Int) -> Int? {
        let each = OrgLifeRules.required(period: period, minimum: minimum)
        switch kind {
        case .committeeMeeting: return hasCommittee ? each : nil
        case .groupMeeting:
            guard groups > 0 else { return nil }
            let (n, overflow) = each.multipliedReportingOverflow(by: groups)
            return overflow ? Int.max : n
        default: return each
        }
    }

    /// Why a kind does not apply, for the pages ("不设支委会" …); nil when it does.
    public func exemption(_ kind: OrgLifeKind) -> String? {
        switch kind {
        case .committeeMeeting where !hasCommittee:
            return "正式党员\(fullMembers)人，不足\(Self.committeeFrom)人不设支委会（由书记负责）"
        case .groupMeeting where groups == 0: return "未设党小组"
        default: return nil
        }
    }

    /// "正式党员12人 · 设支委会 · 党小组2个".
    public var summary: String {
        "正式党员\(fullMembers)人 · " + (hasCommittee ? "设支委会" : "不设支委会") + " · "
            + (groups > 0 ? "党小组\(groups)个" : "未设党小组")
    }
}

/// A 党小组 as entered: a name, its members (on the branch's roster, in no other open group of the branch) and a
/// leader among them.
public struct CheckedPartyGroup: Equatable, Sendable {
    public var name: String
    public var leader: UUID
    public var members: [UUID]

    public init(name: String, leader: UUID, members: [UUID]) {
        self.name = name
        self.leader = leader
        self.members = members
    }
}

public enum PartyGroupRules {
    public static let maxMembers = 500

    /// Checks a group: `roster` the branch's members, `elsewhere` those already in another open group of the branch.
    public static func group(
        name: String?, leader: String?, members: [String], roster: Set<UUID>, elsewhere: Set<UUID>
    ) -> Result<CheckedPartyGroup, RuleError> {
        var errors: [RuleProblem] = []
        let name = Normalize.text(name)
        if name.map({ $0.count > 30 }) ?? true { errors.append(RuleProblem("name", "请填写党小组名称（30字以内）")) }
        var ids: [UUID] = []
        if members.count > maxMembers {
            errors.append(RuleProblem("members", "一个党小组最多\(maxMembers)人"))
        } else {
            var seen = Set<UUID>()
            for raw in members {
                guard let id = UUID(uuidString: raw.trimmingCharacters(in: .whitespaces)), seen.insert(id).inserted
                else { continue }
                ids.append(id)
            }
            if ids.isEmpty { errors.append(RuleProblem("members", "请选择党小组的党员")) }
            if ids.contains(where: { !roster.contains($0) }) {
                errors.append(RuleProblem("members", "只能选择本党支部名册中的党员"))
            }
            if ids.contains(where: { elsewhere.contains($0) }) {
                errors.append(RuleProblem("members", "有党员已在本支部的其他党小组，一名党员只编入一个党小组"))
            }
        }
        let leader = Normalize.text(leader).flatMap { UUID(uuidString: $0) }
        if leader.map({ !ids.contains($0) }) ?? true {
            errors.append(RuleProblem("leader", "请从党小组成员中选择党小组组长"))
        }
        guard errors.isEmpty, let name, let leader else { return .failure(.invalid(errors)) }
        return .success(CheckedPartyGroup(name: name, leader: leader, members: ids))
    }
}
