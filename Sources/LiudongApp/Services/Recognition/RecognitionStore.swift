import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Every query of recognition: campaigns and their quotas, nominations with the facts a nomination is checked against,
/// the county's approval within its quota, each candidate's record, and a member's published awards.
enum RecognitionStore {
    /// The latest 50 campaigns with the organization that runs each.
    static func campaigns(on db: Database) async throws -> [(AwardCampaign, Organization)] {
        var out: [(AwardCampaign, Organization)] = []
        for c in try await AwardCampaign.query(on: db).sort(\.$createdAt, .descending).limit(50).all() {
            guard let owner = try await Organization.find(c.orgID, on: db) else { continue }
            out.append((c, owner))
        }
        return out
    }

    /// A campaign with the organization that runs it.
    static func campaign(_ id: UUID, on db: Database) async throws -> (AwardCampaign, Organization)? {
        guard let c = try await AwardCampaign.find(id, on: db), let owner = try await Organization.find(c.orgID, on: db)
        else { return nil }
        return (c, owner)
    }

    /// A new campaign with its quotas, in one transaction.
    static func create(_ c: AwardCampaign, quotas: [Int: Int], on db: Database) async throws {
        try await db.transaction { tx in
            try await c.create(on: tx)
            for (county, quota) in quotas {
                try await tx.sql().raw(
                    "INSERT INTO award_quotas (campaign_id, county_id, quota) VALUES (\(bind: c.id!), \(bind: county), \(bind: quota))"
                ).run()
            }
        }
    }

    /// The quota of each county of a campaign.
    static func quotas(_ c: AwardCampaign, on db: Database) async throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for q in try await db.sql().raw(
            "SELECT county_id, quota FROM award_quotas WHERE campaign_id = \(bind: c.requireID())"
        ).all(decoding: AwardQuotaRow.self) {
            out[q.countyID] = q.quota
        }
        return out
    }

    /// How many of a county's nominations the county approved.
    static func approved(_ c: AwardCampaign, county: Int? = nil, on db: Database) async throws -> Int {
        var q = AwardNomination.query(on: db).filter(\.$campaignID == (try c.requireID())).filter(
            \.$status == .countyApproved)
        if let county { q = q.filter(\.$countyID == county) }
        return try await q.count()
    }

    /// Whether the member has an open flow (is a mobile member now).
    static func isMobile(_ member: UUID, on db: Database) async throws -> Bool {
        try await Flow.query(on: db).filter(\.$memberID == member).filter(
            \.$status ~~ FlowState.allCases.filter(\.isOpen)
        )
        .first() != nil
    }

    /// Whether the member was already nominated in the campaign.
    static func nominated(_ member: UUID, in campaign: UUID, on db: Database) async throws -> Bool {
        try await AwardNomination.query(on: db).filter(\.$campaignID == campaign).filter(\.$memberID == member)
            .first() != nil
    }

    /// A nomination with the branch that made it.
    static func nomination(_ id: UUID, on db: Database) async throws -> (AwardNomination, Organization)? {
        guard let n = try await AwardNomination.find(id, on: db),
            let branch = try await Organization.find(n.branchID, on: db)
        else { return nil }
        return (n, branch)
    }

    /// The county's approval, in one write transaction that holds the county's quota row (PostgreSQL: FOR UPDATE;
    /// SQLite: the write gate), so parallel approvals cannot pass the quota between a count and an update. Whether it
    /// was approved, and the quota.
    static func approveWithinQuota(
        _ n: AwardNomination, by username: String, gate: WriteGate, on db: Database
    ) async throws -> (approved: Bool, quota: Int) {
        let campaignID = n.campaignID
        let nominationID = try n.requireID()
        let county = n.countyID
        return try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
            let quota =
                try await sql.raw(
                    """
                    SELECT quota FROM award_quotas WHERE campaign_id = \(bind: campaignID) AND county_id = \(bind: county)\(lock)
                    """
                ).first(decoding: QuotaRow.self)?.quota ?? 0
            let used =
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM award_nominations WHERE campaign_id = \(bind: campaignID)
                      AND county_id = \(bind: county) AND status = \(bind: NominationStatus.countyApproved.rawValue)
                    """
                ).first(decoding: CountRow.self)?.n ?? 0
            guard used < quota else { return (false, quota) }
            try await sql.raw(
                """
                UPDATE award_nominations SET status = \(bind: NominationStatus.countyApproved.rawValue),
                  county_by = \(bind: username)
                WHERE id = \(bind: nominationID) AND status = \(bind: NominationStatus.committeeApproved.rawValue)
                """
            ).run()
            return (true, quota)
        }
    }

    /// The nominations of a campaign from branches under `path`, by branch then name (at most 500).
    static func candidates(of c: AwardCampaign, under path: String, on db: Database) async throws -> [NominationRow] {
        try await db.sql().raw(
            """
            SELECT n.id, n.member_id, m.name, o.short_name AS branch, n.citation, n.status, n.rejected_reason
            FROM award_nominations n JOIN members m ON m.id = n.member_id JOIN organizations o ON o.id = n.branch_id
            WHERE n.campaign_id = \(bind: c.requireID()) AND \(PathPrefix("o.path", path)) ORDER BY o.code, m.name LIMIT 500
            """
        ).all(decoding: NominationRow.self)
    }

    /// What a candidate did in the campaign's year: points (from `point_totals`, when the county pilots points),
    /// contacts confirmed, organizational life attended, diary entries marked 优秀, approved help and volunteer claims.
    static func record(member: UUID, year: Int, on db: Database) async throws -> CandidateRecord {
        let from = "\(year)-01-01"
        let to = "\(year)-12-31"
        let r = try await db.sql().raw(
            """
            SELECT (SELECT t.total FROM point_totals t WHERE t.member_id = \(bind: member) AND t.year = \(bind: year)) AS points,
                   (SELECT COUNT(*) FROM contacts c WHERE c.member_id = \(bind: member) AND c.answer = 'confirmed'
                      AND c.contact_on >= \(bind: from) AND c.contact_on <= \(bind: to)) AS contacts,
                   (SELECT COUNT(*) FROM org_life_attendance a JOIN org_life_events e ON e.id = a.event_id
                      WHERE a.member_id = \(bind: member) AND a.status = 'present' AND e.held_on >= \(bind: from)
                      AND e.held_on <= \(bind: to)) AS org_life,
                   (SELECT COUNT(*) FROM diary_entries d WHERE d.member_id = \(bind: member) AND d.excellent = \(bind: true)
                      AND d.on_day >= \(bind: from) AND d.on_day <= \(bind: to)) AS diaries,
                   (SELECT COUNT(*) FROM point_claims p WHERE p.member_id = \(bind: member) AND p.status = 'approved'
                      AND p.on_day >= \(bind: from) AND p.on_day <= \(bind: to)) AS helped
            """
        ).first(decoding: CandidateRecordRow.self)
        return CandidateRecord(
            points: r?.points, contacts: r?.contacts ?? 0, orgLife: r?.orgLife ?? 0, diaries: r?.diaries ?? 0,
            helped: r?.helped ?? 0)
    }

    /// The member's awards from published campaigns.
    static func awards(of member: UUID, on db: Database) async throws -> [PublishedAward] {
        var out: [PublishedAward] = []
        for n in try await AwardNomination.query(on: db).filter(\.$memberID == member)
            .filter(\.$status == .countyApproved).all()
        {
            guard let c = try await AwardCampaign.find(n.campaignID, on: db), c.status == .published else { continue }
            out.append(PublishedAward(on: c.publishedOn ?? "", name: c.name, citation: n.citation))
        }
        return out
    }
}

/// An award a member received, as the archive and the phone show it.
struct PublishedAward {
    var on: String
    var name: String
    var citation: String
}

/// What a candidate did in the campaign's year (beside the nomination on the campaign's page).
struct CandidateRecord: Encodable {
    var points: Int?
    var contacts: Int
    var orgLife: Int
    var diaries: Int
    var helped: Int
}

/// A nomination as the campaign's page reads it.
struct NominationRow: Decodable {
    var id: UUID
    var memberID: UUID
    var name: String
    var branch: String
    var citation: String
    var status: String
    var rejectedReason: String?

    enum CodingKeys: String, CodingKey {
        case id, name, branch, citation, status
        case memberID = "member_id"
        case rejectedReason = "rejected_reason"
    }
}

struct AwardQuotaRow: Decodable {
    var countyID: Int
    var quota: Int

    enum CodingKeys: String, CodingKey {
        case quota
        case countyID = "county_id"
    }
}

struct CandidateRecordRow: Decodable {
    var points: Int?
    var contacts: Int
    var orgLife: Int
    var diaries: Int
    var helped: Int

    enum CodingKeys: String, CodingKey {
        case points, contacts, diaries, helped
        case orgLife = "org_life"
    }
}

private struct QuotaRow: Decodable { var quota: Int }
private struct CountRow: Decodable { var n: Int }
