import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// 评优表彰: campaigns with quotas per county; a branch nominates its mobile members with a citation, the committee
/// approves, the county approves within its quota, the campaign's organization publishes; the record of each
/// candidate (points, contacts, organizational life, diary entries marked 优秀, approved help claims) beside them.
enum RecognitionActions {
    struct CampaignForm: Content {
        var name: String?
        var award: String?
        var year: String?
        var nominateUntil: String?
        /// `quota_<countyCode>` fields are read from the request itself.
    }

    static func create(
        _ f: CampaignForm, quotas: [Int: Int], org: Organization, by user: CurrentUser, today: CalendarDate,
        on db: Database
    ) async throws -> AwardCampaign {
        var errors: [FieldError] = []
        let award = f.award.flatMap(AwardKind.init(rawValue:))
        if award == nil { errors.append(FieldError("award", "请选择表彰项目")) }
        let year = f.year.flatMap { Int($0) }
        if year == nil || !((today.year - 1)...today.year).contains(year ?? 0) {
            errors.append(FieldError("year", "评选年度应为今年或去年"))
        }
        let until = f.nominateUntil.flatMap { CalendarDate($0) }
        if until == nil || (until.map { $0 < today } ?? true) {
            errors.append(FieldError("nominateUntil", "推荐截止日期不能早于今天"))
        }
        if quotas.values.contains(where: { !(0...500).contains($0) }) || quotas.values.reduce(0, +) == 0 {
            errors.append(FieldError("quota", "各旗县区名额应为0至500，合计至少1名"))
        }
        let name = Normalize.text(f.name) ?? award.map { "\(year ?? today.year)年度\($0.label)评选" }
        if (name?.count ?? 0) > 40 { errors.append(FieldError("name", "名称不能超过40字")) }
        guard errors.isEmpty, let award, let year, let until, let name else { throw AppError.invalid(errors) }
        let c = AwardCampaign()
        c.id = UUID()
        c.orgID = org.id!
        c.name = name
        c.award = award
        c.year = year
        c.nominateUntil = until.description
        c.status = "open"
        c.createdBy = user.username
        try await db.transaction { tx in
            try await c.create(on: tx)
            for (county, quota) in quotas {
                try await tx.sql().raw(
                    "INSERT INTO award_quotas (campaign_id, county_id, quota) VALUES (\(bind: c.id!), \(bind: county), \(bind: quota))"
                ).run()
            }
        }
        return c
    }

    static func quotas(_ c: AwardCampaign, on db: Database) async throws -> [Int: Int] {
        struct Q: Decodable {
            var county_id: Int
            var quota: Int
        }
        var out: [Int: Int] = [:]
        for q in try await db.sql().raw("SELECT county_id, quota FROM award_quotas WHERE campaign_id = \(bind: c.id!)")
            .all(decoding: Q.self)
        {
            out[q.county_id] = q.quota
        }
        return out
    }

    /// A branch nominates one of its mobile members (once per campaign), before the deadline, with a citation.
    static func nominate(
        _ c: AwardCampaign, member: Member, citation: String?, by user: CurrentUser, today: CalendarDate,
        on db: Database
    ) async throws -> AwardNomination {
        guard c.status == "open", today.description <= c.nominateUntil else {
            throw AppError.conflict("推荐已截止")
        }
        guard let text = Normalize.text(citation), text.count >= 20, text.count <= 1_000 else {
            throw AppError.invalid([FieldError("citation", "请写明推荐理由（主要事迹，20至1000字）")])
        }
        guard
            try await Flow.query(on: db).filter(\.$memberID == member.id!)
                .filter(\.$status ~~ FlowState.allCases.filter(\.isOpen)).first() != nil
        else { throw AppError.conflict("\(member.name)目前不是流动党员") }
        guard let branch = try await Organization.find(member.organizationID, on: db),
            let county = try await OrgTree.county(of: branch, on: db),
            try await quotas(c, on: db)[county.id!] != nil
        else { throw AppError.conflict("本旗县区没有这项表彰的名额") }
        if try await AwardNomination.query(on: db).filter(\.$campaignID == c.id!).filter(\.$memberID == member.id!)
            .first() != nil
        {
            throw AppError.conflict("\(member.name)已经被推荐过")
        }
        let n = AwardNomination()
        n.id = UUID()
        n.campaignID = c.id!
        n.memberID = member.id!
        n.branchID = branch.id!
        n.countyID = county.id!
        n.citation = text
        n.status = .nominated
        n.nominatedBy = user.username
        try await n.create(on: db)
        return n
    }

    /// The committee (or a general branch) above the branch approves nominated ones; the county approves those the
    /// committee approved, within its quota. Either may reject with a reason.
    static func decide(
        _ n: AwardNomination, approve: Bool, reason: String?, by user: CurrentUser, gate: WriteGate, on db: Database
    ) async throws {
        guard let c = try await AwardCampaign.find(n.campaignID, on: db), c.status == "open" else {
            throw AppError.conflict("这项表彰已经公布")
        }
        let atCounty = user.scopeLevel == .county || user.scopeLevel == .city
        let atCommittee = user.scopeLevel == .committee || user.scopeLevel == .generalBranch
        if !approve {
            guard n.status != .rejected, n.status != .countyApproved || atCounty else {
                throw AppError.conflict("这项推荐已经处理")
            }
            guard let r = Normalize.text(reason), r.count >= 2, r.count <= 200 else {
                throw AppError.invalid([FieldError("reason", "请写明不通过的理由")])
            }
            n.status = .rejected
            n.rejectedReason = r
        } else if n.status == .nominated, atCommittee {
            n.status = .committeeApproved
            n.committeeBy = user.username
        } else if n.status == .committeeApproved, atCounty {
            try await approveWithinQuota(n, campaign: c, by: user.username, gate: gate, on: db)
            return
        } else {
            throw AppError.conflict(
                n.status == .nominated ? "请先由基层党委审核" : n.status == .committeeApproved ? "请由旗县区审定" : "这项推荐已经处理")
        }
        try await n.update(on: db)
    }

    private struct QuotaRow: Decodable { var quota: Int }
    private struct CountRow: Decodable { var n: Int }

    /// The county's approval, in one write transaction that holds the county's quota row (PostgreSQL: FOR UPDATE;
    /// SQLite: the write gate), so parallel approvals cannot pass the quota between a count and an update.
    private static func approveWithinQuota(
        _ n: AwardNomination, campaign c: AwardCampaign, by username: String, gate: WriteGate, on db: Database
    ) async throws {
        guard let campaignID = c.id, let nominationID = n.id else { throw AppError.notFound }
        let county = n.countyID
        let outcome: (approved: Bool, quota: Int) = try await db.writeTransaction(gate: gate) { tx in
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
        guard outcome.approved else { throw AppError.conflict("本旗县区名额（\(outcome.quota)名）已满") }
        n.status = .countyApproved
        n.countyBy = username
    }

    static func publish(_ c: AwardCampaign, today: CalendarDate, on db: Database) async throws -> Int {
        guard c.status == "open" else { throw AppError.conflict("已经公布过") }
        let n = try await AwardNomination.query(on: db).filter(\.$campaignID == c.id!)
            .filter(\.$status == .countyApproved).count()
        guard n > 0 else { throw AppError.conflict("还没有旗县区审定的人选") }
        c.status = "published"
        c.publishedOn = today.description
        try await c.update(on: db)
        return n
    }

    /// What a candidate did in the campaign's year: points (from `point_totals`, when the county pilots points),
    /// contacts confirmed, organizational life attended, diary entries marked 优秀, approved help and volunteer claims.
    struct Record: Encodable {
        var points: Int?
        var contacts: Int
        var orgLife: Int
        var diaries: Int
        var helped: Int
    }

    static func record(member: UUID, year: Int, on db: Database) async throws -> Record {
        struct R: Decodable {
            var points: Int?
            var contacts: Int
            var org_life: Int
            var diaries: Int
            var helped: Int
        }
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
        ).first(decoding: R.self)
        return Record(
            points: r?.points, contacts: r?.contacts ?? 0, orgLife: r?.org_life ?? 0, diaries: r?.diaries ?? 0,
            helped: r?.helped ?? 0)
    }
}
