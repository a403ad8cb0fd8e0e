import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A 预报 with its member, as the branch's expected list reads it.
struct VisitRow: Decodable, Sendable {
    var member_id: UUID
    var name: String
    var from_on: String
    var to_on: String
    var place: String
}

/// One branch's season: members home (预报 ∪ flows returning in it) and reached.
struct SeasonReach: Sendable {
    var branch: Organization
    var home: Int
    var reached: Int
}

/// The queries of 返乡预报 and of a season's reach per branch.
enum HomeVisitStore {
    /// The member's 预报, latest first.
    static func visits(of member: UUID, on db: Database) async throws -> [HomeVisit] {
        try await HomeVisit.query(on: db).filter(\.$memberID == member).sort(\.$fromOn, .descending).range(0..<20).all()
    }

    /// 预报 of the branch's members overlapping the season.
    static func visits(branch: Int, startsOn: String, endsOn: String, on db: Database) async throws -> [VisitRow] {
        try await db.sql().raw(
            """
            SELECT v.member_id, m.name, v.from_on, v.to_on, v.place FROM home_visits v JOIN members m ON m.id = v.member_id
            WHERE m.organization_id = \(bind: branch) AND v.from_on <= \(bind: endsOn) AND v.to_on >= \(bind: startsOn)
            ORDER BY m.name, v.from_on
            """
        ).all(decoding: VisitRow.self)
    }

    /// The branch's mobile members now (an open flow), by name — any of them may be added to a session.
    static func mobile(branch: Int, on db: Database) async throws -> [Member] {
        try await Member.query(on: db).filter(\.$organizationID == branch)
            .filter(\.$flowStatus ~~ LedgerService.openStates).sort(\.$name).all()
    }

    /// Per branch under `org`: members home in the season (a 预报 overlapping it, or a flow expected back or
    /// returned in it, or reached by one of its sessions) and those a session of the season reached.
    static func reach(under org: Organization, season s: ReturnSeason, on db: Database) async throws -> [SeasonReach] {
        let sql = try db.sql()
        let branches = try await OrgTree.openBranches(under: org, on: db)
        var home: [Int: Set<UUID>] = [:]
        for r in try await sql.raw(
            """
            SELECT m.organization_id AS org_id, m.id AS member_id FROM organizations o JOIN members m ON m.organization_id = o.id
            WHERE \(PathPrefix("o.path", org.path)) AND (
              EXISTS (SELECT 1 FROM home_visits v WHERE v.member_id = m.id AND v.from_on <= \(bind: s.endsOn) AND v.to_on >= \(bind: s.startsOn))
              OR EXISTS (SELECT 1 FROM flows f WHERE f.member_id = m.id
                AND ((f.expected_return_on >= \(bind: s.startsOn) AND f.expected_return_on <= \(bind: s.endsOn))
                  OR (f.returned_on >= \(bind: s.startsOn) AND f.returned_on <= \(bind: s.endsOn)))))
            """
        ).all(decoding: OrgMember.self) {
            home[r.org_id, default: []].insert(r.member_id)
        }
        var reached: [Int: Set<UUID>] = [:]
        for r in try await sql.raw(
            """
            SELECT s.branch_id AS org_id, r.member_id FROM organizations o
            JOIN home_study_sessions s ON s.branch_id = o.id JOIN home_study_reached r ON r.session_id = s.id
            WHERE \(PathPrefix("o.path", org.path)) AND s.season_id = \(bind: s.id!)
            """
        ).all(decoding: OrgMember.self) {
            reached[r.org_id, default: []].insert(r.member_id)
        }
        return branches.compactMap { b in
            let r = reached[b.id!] ?? []
            let h = (home[b.id!] ?? []).union(r)
            return h.isEmpty ? nil : SeasonReach(branch: b, home: h.count, reached: r.count)
        }
    }
}

/// A member of an organization, as a query reads the pair.
private struct OrgMember: Decodable {
    var org_id: Int
    var member_id: UUID
}
