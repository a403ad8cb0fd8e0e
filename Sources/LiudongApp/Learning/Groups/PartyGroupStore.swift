import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A person a group page lists: on the roster of the branch (or taking part in the mobile organization).
struct GroupPerson: Decodable, Sendable {
    var id: UUID
    var name: String
    var category: String
}

/// The queries of 党小组 and of each branch's requirement profile (`OrgLifeProfile`).
enum PartyGroupStore {
    /// The organization's people: its own roster for a branch, the members taking part for a mobile organization.
    static func people(of org: Organization, on db: Database) async throws -> [GroupPerson] {
        let sql = try db.sql()
        if org.kind == .mobile {
            return try await sql.raw(
                """
                SELECT m.id, m.name, m.category FROM mobile_org_members mm JOIN members m ON m.id = mm.member_id
                WHERE mm.org_id = \(bind: org.id!) AND mm.left_on IS NULL ORDER BY m.name, m.id
                """
            ).all(decoding: GroupPerson.self)
        }
        return try await sql.raw(
            """
            SELECT id, name, category FROM members WHERE organization_id = \(bind: org.id!) AND roster_state IS NULL ORDER BY name, id
            """
        ).all(decoding: GroupPerson.self)
    }

    /// The organization's open groups, oldest first.
    static func open(of org: Int, on db: Database) async throws -> [PartyGroup] {
        try await PartyGroup.query(on: db).filter(\.$orgID == org).filter(\.$closedOn == nil)
            .sort(\.$createdOn).sort(\.$name).all()
    }

    static func members(of groups: [UUID], on db: Database) async throws -> [UUID: [UUID]] {
        guard !groups.isEmpty else { return [:] }
        var out: [UUID: [UUID]] = [:]
        for m in try await PartyGroupMember.query(on: db).filter(\.$groupID ~~ groups).all() {
            out[m.groupID, default: []].append(m.memberID)
        }
        return out
    }

    /// The groups a member is or was in.
    static func groups(of member: UUID, on db: Database) async throws -> [PartyGroup] {
        let ids = try await PartyGroupMember.query(on: db).filter(\.$memberID == member).all(\.$groupID)
        guard !ids.isEmpty else { return [] }
        return try await PartyGroup.query(on: db).filter(\.$id ~~ ids).sort(\.$createdOn).all()
    }

    /// Saves a group and replaces its members, in one transaction.
    static func save(_ g: PartyGroup, members: [UUID], on db: Database) async throws {
        try await db.transaction { tx in
            try await g.save(on: tx)
            try await PartyGroupMember.query(on: tx).filter(\.$groupID == g.id!).delete()
            for m in members { try await PartyGroupMember(group: g.id!, member: m).create(on: tx) }
        }
    }

    /// Each open branch's (and mobile organization's) profile under `path` on `day`: its full members then (its
    /// roster; a mobile organization's members taking part) and the groups open then.
    static func profiles(under path: String, on day: CalendarDate, on db: Database) async throws
        -> [Int: OrgLifeProfile]
    {
        let sql = try db.sql()
        let d = day.description
        let full = MemberCategory.full.rawValue
        var members: [Int: Int] = [:]
        for r in try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            WHERE \(PathPrefix("o.path", path)) AND o.level = 'branch' AND m.roster_state IS NULL AND m.category = \(bind: full)
              AND m.joined_on <= \(bind: d) AND (m.full_on IS NULL OR m.full_on <= \(bind: d))
            GROUP BY m.organization_id
            UNION ALL
            SELECT mm.org_id, COUNT(*) AS n FROM organizations o JOIN mobile_org_members mm ON mm.org_id = o.id
              JOIN members m ON m.id = mm.member_id
            WHERE \(PathPrefix("o.path", path)) AND o.kind = 'mobile' AND m.category = \(bind: full)
              AND mm.joined_on <= \(bind: d) AND (mm.left_on IS NULL OR mm.left_on > \(bind: d))
              AND (m.full_on IS NULL OR m.full_on <= \(bind: d))
            GROUP BY mm.org_id
            """
        ).all(decoding: OrgCount.self) {
            members[r.org_id, default: 0] += r.n
        }
        var groups: [Int: Int] = [:]
        for r in try await sql.raw(
            """
            SELECT g.org_id, COUNT(*) AS n FROM organizations o JOIN party_groups g ON g.org_id = o.id
            WHERE \(PathPrefix("o.path", path)) AND g.created_on <= \(bind: d)
              AND (g.closed_on IS NULL OR g.closed_on > \(bind: d))
            GROUP BY g.org_id
            """
        ).all(decoding: OrgCount.self) {
            groups[r.org_id] = r.n
        }
        var out: [Int: OrgLifeProfile] = [:]
        for id in Set(members.keys).union(groups.keys) {
            out[id] = OrgLifeProfile(fullMembers: members[id] ?? 0, groups: groups[id] ?? 0)
        }
        return out
    }
}
