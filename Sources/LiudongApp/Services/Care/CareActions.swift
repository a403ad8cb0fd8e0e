import Fluent
import Foundation
import LiudongCore
import Vapor

/// Hardship help and festival care (困难帮扶、节日慰问): the register, the help given, campaigns, their targets per
/// branch and the visits recorded. Each action checks with `CareRules`, stores, and writes the audit line.
enum CareActions {
    struct RegisterForm: Content {
        var kind: String?
        var level: String?
        var description: String?
        var verifiedBy: String?
        var verifiedOn: String?
    }

    /// Registers a member in difficulty (one open record per member), verified by a named person on a day.
    static func register(_ f: RegisterForm, member: Member, as a: Acting) async throws -> HardshipRecord {
        let checked = try CareRules.hardship(
            kind: f.kind, level: f.level, description: f.description, verifiedBy: f.verifiedBy,
            verifiedOn: f.verifiedOn, today: a.today
        ).orThrow()
        if try await CareStore.activeRecord(of: member.requireID(), on: a.db) != nil {
            throw AppError.conflict("\(member.name)已在困难党员名册中，请在原记录上复核或记录帮扶")
        }
        let r = HardshipRecord()
        r.id = UUID()
        r.memberID = try member.requireID()
        r.kind = checked.kind
        r.level = checked.level.rawValue
        r.description = checked.description
        r.verifiedBy = checked.verifiedBy
        r.verifiedOn = checked.verifiedOn.description
        r.reviewDue = checked.reviewDue.description
        r.status = .active
        r.createdBy = a.name
        try await r.create(on: a.db)
        try await a.audit(.create, "hardship", ref: r.id!.uuidString, summary: "登记困难党员\(member.name)（\(r.kind.label)）")
        return r
    }

    /// The yearly review: still in difficulty (verified again, the next review a year on), or closed with a reason.
    static func review(_ r: HardshipRecord, member: Member, keep: Bool, note: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        if let reason = try CareRules.review(r.status, keep: keep, note: note).orThrow() {
            r.status = .closed
            r.closedReason = reason
        } else {
            r.verifiedBy = user.displayName
            r.verifiedOn = a.today.description
            r.reviewDue = a.today.adding(days: 365).description
        }
        try await r.update(on: a.db)
        try await a.audit(
            .update, "hardship", ref: r.id!.uuidString,
            summary: keep ? "复核困难党员\(member.name)：仍属困难" : "困难党员\(member.name)销号：\(r.closedReason ?? "")")
    }

    struct HelpForm: Content {
        var givenOn: String?
        var form: String?
        var amount: String?
        var goods: String?
        var givenBy: String?
        var source: String?
    }

    static func help(_ f: HelpForm, record: HardshipRecord, member: Member, as a: Acting) async throws -> HardshipHelp {
        let checked = try CareRules.help(
            givenOn: f.givenOn, form: f.form, amount: f.amount, goods: f.goods, givenBy: f.givenBy, source: f.source,
            status: record.status, today: a.today
        ).orThrow()
        let h = HardshipHelp()
        h.id = UUID()
        h.recordID = try record.requireID()
        h.memberID = record.memberID
        h.givenOn = checked.givenOn.description
        h.form = checked.kind
        h.amount = checked.amount
        h.goods = checked.goods
        h.givenBy = checked.givenBy
        h.source = checked.source
        h.recordedBy = a.name
        try await h.create(on: a.db)
        try await a.audit(
            .create, "hardship-help", ref: h.id!.uuidString, summary: "记录对\(member.name)的帮扶（\(h.amount)元，\(h.source)）")
        return h
    }

    struct CampaignForm: Content {
        var name: String?
        var festival: String?
        var startsOn: String?
        var endsOn: String?
        var hardship: String?
        var aged70: String?
        var party50: String?
        var longAway: String?
    }

    /// A campaign of the city or a county (the account's scope).
    static func createCampaign(_ f: CampaignForm, org: Organization, as a: Acting) async throws -> CareCampaign {
        let checked = try CareRules.campaign(
            festival: f.festival, name: f.name, startsOn: f.startsOn, endsOn: f.endsOn,
            criteria: CareCriteria(
                hardship: f.hardship != nil, aged70: f.aged70 != nil, party50: f.party50 != nil,
                longAway: f.longAway != nil), today: a.today
        ).orThrow()
        let c = CareCampaign()
        c.id = UUID()
        c.orgID = try org.requireID()
        c.name = checked.name
        c.festival = checked.festival
        c.startsOn = checked.startsOn.description
        c.endsOn = checked.endsOn.description
        c.criteriaJSON = String(decoding: try JSONEncoder().encode(checked.criteria), as: UTF8.self)
        c.createdBy = a.name
        try await c.create(on: a.db)
        try await a.audit(.create, "care-campaign", ref: c.id!.uuidString, summary: "发起慰问活动：\(c.name)")
        return c
    }

    struct OrgProgress: Content {
        var orgCode: String
        var name: String?
        var targets: Int
        var visited: Int
    }

    struct Progress: Content {
        var targets: Int
        var visited: Int
        var byOrg: [OrgProgress]
    }

    /// Targets and visits per child organization of `org` (per branch when `org` is a branch or has none).
    static func progress(_ c: CareCampaign, org: Organization, on db: Database) async throws -> Progress {
        let all = try await CareStore.targets(c, under: org.path, on: db)
        let children = try await OrgTree.children(of: org, on: db).sorted { $0.code < $1.code }
        let rows: [OrgProgress] =
            children.isEmpty
            ? [
                OrgProgress(
                    orgCode: org.code, name: org.shortName, targets: all.count, visited: all.filter(\.visited).count)
            ]
            : CareRules.progress(
                targets: all.map { ($0.branchPath, $0.visited) },
                children: children.map { ($0.code, $0.shortName, $0.path) }
            ).map { OrgProgress(orgCode: $0.code, name: $0.name, targets: $0.targets, visited: $0.visited) }
        return Progress(targets: all.count, visited: all.filter(\.visited).count, byOrg: rows)
    }

    struct VisitForm: Content {
        var member: String?
        var visitedOn: String?
        var way: String?
        var visitor: String?
        var gifts: String?
        var situation: String?
    }

    /// Records a visit or call to a target of the campaign (once per member; within the campaign, not in the future).
    static func visit(_ f: VisitForm, campaign c: CareCampaign, target: Member, as a: Acting) async throws -> CareVisit
    {
        let checked = try CareRules.visit(
            visitedOn: f.visitedOn, way: f.way, visitor: f.visitor, gifts: f.gifts, situation: f.situation,
            startsOn: c.startsOn, endsOn: c.endsOn, today: a.today
        ).orThrow()
        if try await CareStore.visited(target.requireID(), in: c.requireID(), on: a.db) {
            throw AppError.conflict("\(target.name)本次活动已经慰问过")
        }
        let v = CareVisit()
        v.id = UUID()
        v.campaignID = try c.requireID()
        v.memberID = try target.requireID()
        v.orgID = target.organizationID
        v.visitedOn = checked.visitedOn.description
        v.way = checked.way
        v.visitor = checked.visitor
        v.gifts = checked.gifts
        v.situation = checked.situation
        v.recordedBy = a.name
        try await v.create(on: a.db)
        try await a.audit(.create, "care-visit", ref: v.id!.uuidString, summary: "\(c.name)：慰问\(target.name)")
        return v
    }
}
