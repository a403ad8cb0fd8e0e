import Fluent
import Foundation
import LiudongCore

/// Setting up, changing and closing 党小组 (checked with `PartyGroupRules`), audited.
enum PartyGroupActions {
    struct Input: Sendable {
        var name: String?
        var leader: String?
        var members: [String]
    }

    /// Only a branch or a mobile party organization sets up groups.
    static func canHaveGroups(_ org: Organization) -> Bool {
        org.level == .branch && (org.kind == .regular || org.kind == .mobile) && org.closedAt == nil
    }

    /// Creates a group of `org` (or changes `existing`): name, leader and members replaced.
    @discardableResult
    static func save(_ input: Input, existing: PartyGroup? = nil, org: Organization, as a: Acting) async throws
        -> PartyGroup
    {
        guard canHaveGroups(org) else { throw AppError.conflict("只有党支部和流动党员党组织可以设立党小组") }
        let roster = Set(try await PartyGroupStore.people(of: org, on: a.db).map(\.id))
        let others = try await PartyGroupStore.open(of: org.id!, on: a.db).filter { $0.id != existing?.id }
        let elsewhere = Set(try await PartyGroupStore.members(of: others.compactMap(\.id), on: a.db).values.joined())
        let checked = try PartyGroupRules.group(
            name: input.name, leader: input.leader, members: input.members, roster: roster, elsewhere: elsewhere
        ).orThrow()
        let g = existing ?? PartyGroup()
        if existing == nil {
            g.orgID = org.id!
            g.createdOn = a.today.description
            g.createdBy = a.name
        }
        g.name = checked.name
        g.leaderID = checked.leader
        try await PartyGroupStore.save(g, members: checked.members, on: a.db)
        try await a.audit(
            existing == nil ? .create : .update, "party-group", ref: g.id!.uuidString,
            summary: "\(existing == nil ? "设立" : "调整")\(org.shortName)\(checked.name)（\(checked.members.count)人）")
        return g
    }

    /// Closes a group from today: it no longer owes a 党小组会 from the next quarter on.
    static func close(_ g: PartyGroup, org: Organization, as a: Acting) async throws {
        guard g.closedOn == nil else { throw AppError.conflict("该党小组已撤销") }
        g.closedOn = a.today.description
        try await g.update(on: a.db)
        try await a.audit(.update, "party-group", ref: g.id!.uuidString, summary: "撤销\(org.shortName)\(g.name)")
    }
}
