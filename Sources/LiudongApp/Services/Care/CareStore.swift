import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Every query of hardship help and festival care: the register, the help given, campaigns with their targets and
/// visits, a member's lines for the archive, and the worklist's counts.
enum CareStore {
    /// The member's record in the register, if any.
    static func activeRecord(of member: UUID, on db: Database) async throws -> HardshipRecord? {
        try await HardshipRecord.query(on: db).filter(\.$memberID == member).filter(\.$status == .active).first()
    }

    /// A record with its member and the member's branch.
    static func record(_ id: UUID, on db: Database) async throws -> (HardshipRecord, Member, Organization)? {
        guard let r = try await HardshipRecord.find(id, on: db), let m = try await Member.find(r.memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db)
        else { return nil }
        return (r, m, branch)
    }

    /// The register under an organization: the most severe first (at most 500 lines).
    static func register(under path: String, on db: Database) async throws -> [HardshipRow] {
        try await db.sql().raw(
            """
            SELECT h.id, h.member_id, m.name, o.short_name AS branch, h.kind, h.level, h.verified_by, h.verified_on,
                   h.review_due, CAST((SELECT SUM(x.amount) FROM hardship_help x WHERE x.record_id = h.id) AS BIGINT) AS helped
            FROM hardship_records h JOIN members m ON m.id = h.member_id JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) AND h.status = 'active' ORDER BY h.level DESC, o.code, m.name LIMIT 500
            """
        ).all(decoding: HardshipRow.self)
    }

    /// Help given on a record, the latest first.
    static func helps(of record: UUID, on db: Database) async throws -> [HardshipHelp] {
        try await HardshipHelp.query(on: db).filter(\.$recordID == record).sort(\.$givenOn, .descending).all()
    }

    /// The latest 50 campaigns with the organization that runs each.
    static func campaigns(on db: Database) async throws -> [(CareCampaign, Organization)] {
        var out: [(CareCampaign, Organization)] = []
        for c in try await CareCampaign.query(on: db).sort(\.$startsOn, .descending).limit(50).all() {
            guard let o = try await Organization.find(c.orgID, on: db) else { continue }
            out.append((c, o))
        }
        return out
    }

    /// A campaign with the organization that runs it.
    static func campaign(_ id: UUID, on db: Database) async throws -> (CareCampaign, Organization)? {
        guard let c = try await CareCampaign.find(id, on: db), let owner = try await Organization.find(c.orgID, on: db)
        else { return nil }
        return (c, owner)
    }

    /// Campaigns running on a day.
    static func running(on day: CalendarDate, on db: Database) async throws -> [CareCampaign] {
        try await CareCampaign.query(on: db).filter(\.$startsOn <= day.description).filter(\.$endsOn >= day.description)
            .all()
    }

    /// Whether the member was already visited in the campaign.
    static func visited(_ member: UUID, in campaign: UUID, on db: Database) async throws -> Bool {
        try await CareVisit.query(on: db).filter(\.$campaignID == campaign).filter(\.$memberID == member).first() != nil
    }

    /// Every target of the campaign under `path` (the campaign's organization's subtree), by branch then name.
    static func targets(_ c: CareCampaign, under path: String, on db: Database) async throws -> [CareTarget] {
        guard let start = CalendarDate(c.startsOn) else { return [] }
        let k = c.criteria
        let open = SQLBind.group(LedgerService.openStates)
        var any: [SQLQueryString] = []
        if k.hardship {
            // EXISTS per member, not `m.id IN (…)`: the list form gathered every such record of the province first
            // (65 ms on each branch home page at 1,000,000 members; 0.3 ms this way).
            any.append("EXISTS (SELECT 1 FROM hardship_records h WHERE h.member_id = m.id AND h.status = 'active')")
        }
        if k.aged70, let cut = CalendarDate(year: start.year - 70, month: start.month, day: min(start.day, 28)) {
            any.append("m.birth_date <= \(bind: cut.description)")
        }
        if k.party50, let cut = CalendarDate(year: start.year - 50, month: start.month, day: min(start.day, 28)) {
            any.append("m.joined_on <= \(bind: cut.description)")
        }
        if k.longAway {
            any.append(
                "EXISTS (SELECT 1 FROM flows f WHERE f.member_id = m.id AND f.status IN \(open) AND f.left_on <= \(bind: start.adding(days: -180).description))"
            )
        }
        guard !any.isEmpty else { return [] }
        var either = any[0]
        for a in any.dropFirst() { either = "\(either) OR \(a)" }
        let rows = try await db.sql().raw(
            """
            SELECT m.id, m.name, m.organization_id, o.code, o.short_name, o.path, m.birth_date, m.joined_on,
                   (SELECT COUNT(*) FROM hardship_records h WHERE h.member_id = m.id AND h.status = 'active') AS hardship,
                   (SELECT MIN(f.left_on) FROM flows f WHERE f.member_id = m.id AND f.status IN \(open)) AS away_since,
                   v.visited_on, v.way, v.visitor, v.gifts
            FROM members m JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN care_visits v ON v.member_id = m.id AND v.campaign_id = \(bind: c.id!)
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL AND (\(either))
            ORDER BY o.code, m.name, m.id LIMIT 20000
            """
        ).all(decoding: CareTargetRow.self)
        return rows.compactMap { r in
            // The SQL narrowed the list; the reasons are decided by the rule, exactly (ages to the day).
            let reasons = k.reasons(
                start: start, birth: CalendarDate(r.birthDate), joined: CalendarDate(r.joinedOn),
                inHardship: (r.hardship ?? 0) > 0, awaySince: r.awaySince.flatMap { CalendarDate($0) })
            guard !reasons.isEmpty else { return nil }
            return CareTarget(
                memberID: r.id.uuidString, name: r.name, orgID: r.organizationID, orgCode: r.code,
                branch: r.shortName, branchPath: r.path, reasons: reasons.joined(separator: "、"),
                visited: r.visitedOn != nil,
                visit: r.visitedOn.map {
                    "\($0) \(CareVisitWay.label(r.way ?? ""))（\(r.visitor ?? "")）：\(r.gifts ?? "")"
                })
        }
    }

    /// A member's records, help and visits (with each visit's campaign), for the archive.
    static func history(of member: UUID, on db: Database) async throws -> (
        records: [HardshipRecord], helps: [HardshipHelp], visits: [(CareVisit, CareCampaign?)]
    ) {
        let records = try await HardshipRecord.query(on: db).filter(\.$memberID == member).all()
        let helps = try await HardshipHelp.query(on: db).filter(\.$memberID == member).all()
        var visits: [(CareVisit, CareCampaign?)] = []
        for v in try await CareVisit.query(on: db).filter(\.$memberID == member).all() {
            visits.append((v, try await CareCampaign.find(v.campaignID, on: db)))
        }
        return (records, helps, visits)
    }

    /// Members in the register whose yearly review is past due, per branch under `path`.
    static func reviewsDue(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [Int: Int] {
        let due = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM hardship_records h JOIN members m ON m.id = h.member_id
            JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) AND h.status = 'active' AND h.review_due < \(bind: today.description)
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        return due.counts
    }
}

/// A member the campaign visits, with why, and the visit when recorded.
struct CareTarget: Encodable {
    var memberID: String
    var name: String
    var orgID: Int
    var orgCode: String
    var branch: String
    /// The branch's path in the tree (progress is rolled up from it); not shown.
    var branchPath: String
    var reasons: String
    var visited: Bool
    var visit: String?
}

/// One line of the register as the store reads it.
struct HardshipRow: Decodable {
    var id: UUID
    var memberID: UUID
    var name: String
    var branch: String
    var kind: String
    var level: Int
    var verifiedBy: String
    var verifiedOn: String
    var reviewDue: String
    var helped: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, branch, kind, level, helped
        case memberID = "member_id"
        case verifiedBy = "verified_by"
        case verifiedOn = "verified_on"
        case reviewDue = "review_due"
    }
}

/// A possible target of a campaign as the store reads it.
struct CareTargetRow: Decodable {
    var id: UUID
    var name: String
    var organizationID: Int
    var code: String
    var shortName: String
    var path: String
    var birthDate: String
    var joinedOn: String
    var hardship: Int?
    var awaySince: String?
    var visitedOn: String?
    var way: String?
    var visitor: String?
    var gifts: String?

    enum CodingKeys: String, CodingKey {
        case id, name, code, path, hardship, way, visitor, gifts
        case organizationID = "organization_id"
        case shortName = "short_name"
        case birthDate = "birth_date"
        case joinedOn = "joined_on"
        case awaySince = "away_since"
        case visitedOn = "visited_on"
    }
}
