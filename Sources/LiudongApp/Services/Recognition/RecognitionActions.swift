import Fluent
import Foundation
import LiudongCore
import Vapor

/// 评优表彰: campaigns with quotas per county; a branch nominates its mobile members with a citation, the committee
/// approves, the county approves within its quota, the campaign's organization publishes; the record of each
/// candidate (points, contacts, organizational life, diary entries marked 优秀, approved help claims) beside them.
/// Each action loads its facts (`RecognitionStore`), asks `RecognitionRules`, stores, and writes the audit line.
enum RecognitionActions {
    struct CampaignForm: Content {
        var name: String?
        var award: String?
        var year: String?
        var nominateUntil: String?
        /// `quota_<countyCode>` fields are read from the request itself.
    }

    static func create(
        _ f: CampaignForm, quotas: [Int: Int], org: Organization, as a: Acting
    ) async throws -> AwardCampaign {
        let checked = try RecognitionRules.campaign(
            award: f.award, year: f.year, nominateUntil: f.nominateUntil, name: f.name, quotas: Array(quotas.values),
            today: a.today
        ).orThrow()
        let c = AwardCampaign()
        c.id = UUID()
        c.orgID = try org.requireID()
        c.name = checked.name
        c.award = checked.award
        c.year = checked.year
        c.nominateUntil = checked.nominateUntil.description
        c.status = .open
        c.createdBy = a.name
        try await RecognitionStore.create(c, quotas: quotas, on: a.db)
        try await a.audit(.create, "award-campaign", ref: c.id!.uuidString, summary: "发起评优表彰：\(c.name)")
        return c
    }

    /// A branch nominates one of its mobile members (once per campaign), before the deadline, with a citation.
    static func nominate(
        _ c: AwardCampaign, member: Member, citation: String?, as a: Acting
    ) async throws -> AwardNomination {
        let memberID = try member.requireID()
        let branch = try await Organization.find(member.organizationID, on: a.db)
        let county = try await branch.asyncMap { try await OrgTree.county(of: $0, on: a.db) } ?? nil
        let quotas = try await RecognitionStore.quotas(c, on: a.db)
        let text = try RecognitionRules.nominate(
            c.status, until: c.nominateUntil, today: a.today, citation: citation, memberName: member.name,
            isMobile: try await RecognitionStore.isMobile(memberID, on: a.db),
            countyHasQuota: county.flatMap { $0.id }.map { quotas[$0] != nil } ?? false,
            alreadyNominated: try await RecognitionStore.nominated(memberID, in: c.requireID(), on: a.db)
        ).orThrow()
        guard let branch, let county else { throw AppError.conflict("本旗县区没有这项表彰的名额") }
        let n = AwardNomination()
        n.id = UUID()
        n.campaignID = try c.requireID()
        n.memberID = memberID
        n.branchID = try branch.requireID()
        n.countyID = try county.requireID()
        n.citation = text
        n.status = .nominated
        n.nominatedBy = a.name
        try await n.create(on: a.db)
        try await a.audit(.create, "award-nomination", ref: n.id!.uuidString, summary: "推荐\(member.name)参评\(c.name)")
        return n
    }

    /// The committee (or a general branch) above the branch approves nominated ones; the county approves those the
    /// committee approved, within its quota. Either may reject with a reason.
    static func decide(
        _ n: AwardNomination, approve: Bool, reason: String?, gate: WriteGate, as a: Acting
    ) async throws {
        let user = try a.staffUser()
        guard let c = try await AwardCampaign.find(n.campaignID, on: a.db) else {
            throw AppError.conflict("这项表彰已经公布")
        }
        switch try RecognitionRules.decide(
            n.status, campaign: c.status, approve: approve, reason: reason, by: AwardDecider(level: user.scopeLevel)
        ).orThrow() {
        case .reject(let why):
            n.status = .rejected
            n.rejectedReason = why
            try await n.update(on: a.db)
        case .committeeApprove:
            n.status = .committeeApproved
            n.committeeBy = a.name
            try await n.update(on: a.db)
        case .countyApprove:
            let outcome = try await RecognitionStore.approveWithinQuota(n, by: a.name, gate: gate, on: a.db)
            guard outcome.approved else { throw AppError.conflict("本旗县区名额（\(outcome.quota)名）已满") }
            n.status = .countyApproved
            n.countyBy = a.name
        }
        try await a.audit(
            .update, "award-nomination", ref: n.id!.uuidString,
            summary: "\(n.status.label)" + (reason.map { "：\($0)" } ?? ""))
    }

    /// Publishes the county-approved candidates: on their archives and phones. How many.
    static func publish(_ c: AwardCampaign, as a: Acting) async throws -> Int {
        let n = try await RecognitionStore.approved(c, on: a.db)
        try RecognitionRules.publish(c.status, approved: n).orThrow()
        c.status = .published
        c.publishedOn = a.today.description
        try await c.update(on: a.db)
        try await a.audit(.update, "award-campaign", ref: c.id!.uuidString, summary: "公布\(c.name)：\(n)人")
        return n
    }
}
