import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4d 积分管理、激励担当: versioned point rules per pilot county, a ledger in which every point names the
/// recorded fact it came from, claims and appeals, rankings published at year end, and talks with long-term low
/// scorers.
struct PointsFeature: Feature {
    let name = "points"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(21, CreatePoints()), NumberedMigration(22, AddPointEntrySignature())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try PointsController().boot(routes)
        try PointsReviewController().boot(routes)
        try PointRulesController().boot(routes)
        try MyPointsController().boot(routes)
        try PointsAPIController().boot(routes)
    }

    var commands: [(name: String, command: any AsyncCommand)] { [("points", PointsCommand())] }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 68, permission: .reviewPoints, link: { u in u.isInflowSide ? nil : ("/points", "积分管理") })
        ]
    }

    var openAPI: String? { PointsOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var out: [ArchiveEntry] = []
        for t in try await talkLines(id, db) { out.append(t) }
        for c in try await PointClaim.query(on: db).filter(\.$memberID == id).filter(\.$status != .pending).all() {
            out.append(
                ArchiveEntry(
                    at: c.onDay, side: "本人", kind: "积分申报",
                    text: "申报“\(String(c.description.prefix(40)))”（\(c.itemCode)）：\(c.status.label)"
                        + (c.decisionReason.map { "，\($0)" } ?? "")))
        }
        return out
    }

    private func talkLines(_ id: UUID, _ db: Database) async throws -> [ArchiveEntry] {
        try await PointTalk.query(on: db).filter(\.$memberID == id).sort(\.$talkedOn, .descending).all().map {
            ArchiveEntry(
                at: $0.talkedOn, side: "流出地", kind: "约谈提醒",
                text:
                    "党支部书记\($0.way.label)（因\($0.quarters.replacingOccurrences(of: ",", with: "、"))积分偏低）：\($0.summary)；商定：\($0.steps)"
            )
        }
    }

    /// Claims and appeals waiting for the member's branch, and low scorers to talk with. Counties and below.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city, user.can(.reviewPoints) else { return [] }
        guard try await PointCounty.query(on: scope.db).filter(\.$enabled == true).count() > 0 else { return [] }
        let sql = try scope.sql()
        let claims = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN point_claims c ON c.member_id = m.id
            WHERE \(PathPrefix("o.path", user.scopePath)) AND c.status = 'pending' GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        let appeals = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN point_appeals a ON a.member_id = m.id
            WHERE \(PathPrefix("o.path", user.scopePath)) AND a.status = 'pending' GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        return [
            WorkTally(
                kind: "pointClaims", label: "待审核的积分申报", href: "/points/claims",
                counts: claims.counts),
            WorkTally(
                kind: "pointAppeals", label: "待处理的积分申诉", href: "/points/appeals",
                counts: appeals.counts),
            WorkTally(
                kind: "pointsTalk", label: "连续两个季度积分偏低、待约谈提醒的党员", href: "/points/talks",
                counts: try await PointTalks.counts(under: user.scopePath, today: scope.today, on: scope.db)),
        ]
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        guard let m = try await Member.find(member.memberID, on: db),
            let county = try await PointClaimsService.pilotCounty(of: m, on: db)
        else { return [] }
        let today = AppClock.today
        let s = try await PointRanking.standing(member: m.id!, county: county, year: today.year, today: today, on: db)
        var lines = [
            MyTile.Line(
                text: "\(today.year)年积分：\(s?.total ?? 0)分" + (s.map { "，档次：\($0.band)" } ?? ""),
                note: "只记实际做了什么：学习、组织生活、先锋作用；每一分都可查看来由，有异议可申诉",
                actions: [
                    .init(label: "积分明细", path: "/my/points", primary: true, link: true),
                    .init(label: "申报", path: "/my/points#claim", link: true),
                ])
        ]
        if try await PointRanking.publication(county: county.id!, year: today.year - 1, on: db) != nil {
            lines.append(
                MyTile.Line(
                    text: "\(county.shortName)\(today.year - 1)年积分评比结果已公布",
                    actions: [.init(label: "查看", path: "/my/points/ranking?year=\(today.year - 1)", link: true)]))
        }
        return [MyTile(id: "points", title: "积分", lines: lines)]
    }

    /// Carries the rules into a new year and recomputes every pilot county's year from the day's facts.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        var out: [String] = []
        for s in try await PointCounty.query(on: app.db).filter(\.$enabled == true).all() {
            guard let county = try await Organization.find(s.id, on: app.db) else { continue }
            _ = try await PointRulesService.ensureYear(county: county, year: today.year, by: "sweep", on: app.db)
            let r = try await PointLedger.recompute(county: county, year: today.year, on: app.db)
            out.append("积分：重算\(county.shortName)\(today.year)年，\(r.members)人，\(r.entries)条未结算记录")
        }
        // Claim photos no claim refers to (a write that failed halfway) go after a day.
        out += try await UploadLedger.sweepOrphans(app, "points", table: "point_claims", typeColumn: "photo_type")
        return out
    }

    func loadDemo(_ demo: DemoContext) async throws { try await PointsDemo.load(demo) }
}
