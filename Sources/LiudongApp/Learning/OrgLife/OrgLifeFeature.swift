import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4c 丰富载体、抓实学习, organizational life: events at home and away credited to one record (check-in
/// codes), the required frequencies per quarter and half, the six-month alert. The learning menu and the quiz are
/// `LearningMenu/`, the diary, study delivered home and red packages `StudyAtHome/`; the measure's tables came in one
/// migration (0020), which stays here, and its demo is one seeded sequence (`Learning/LearningDemo.swift`) loaded here.
struct OrgLifeFeature: Feature {
    let name = "org-life"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(20, CreateOrgLifeAndLearning())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try OrgLifePages().boot(routes)
        try CompliancePages().boot(routes)
        try OrgLifeAPI().boot(routes)
        try MyOrgLifePages().boot(routes)
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 66, permission: .recordOrgLife, link: { _ in ("/org-life", "组织生活") })]
    }

    var openAPI: String? { LearningOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var entries: [ArchiveEntry] = []
        let rows = try await OrgLifeStore.attended(by: id, limit: 200, on: db.sql())
        let home = try await Organization.find(member.organizationID, on: db)
        let homePath = home?.path ?? ""
        let paths = try await OrgLifeStore.paths(rows.map(\.orgID), on: db)
        for r in rows {
            let away = !(homePath.hasPrefix(paths[r.orgID] ?? "\u{0}"))
            let status = AttendanceStatus(rawValue: r.status)
            let kind = OrgLifeKind(rawValue: r.kind)?.label ?? r.kind
            entries.append(
                ArchiveEntry(
                    at: r.heldOn, side: away ? "流入地" : "流出地", kind: "组织生活",
                    text: "\(r.shortName)\(kind)“\(r.topic)”：\(status?.label ?? r.status)"
                        + (r.reason.map { "（\($0)）" } ?? "")
                        + (away && status == .present
                            ? "，计入本人组织生活记录（\(AttendanceVia(rawValue: r.via)?.label ?? "")）" : "")))
        }
        return entries
    }

    /// Branches behind schedule last quarter and members silent for six months. Counties and below (the city reads
    /// the same on its pages).
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city else { return [] }
        let sql = try scope.sql()
        var tallies: [WorkTally] = []
        if user.can(.recordOrgLife) {
            tallies.append(
                WorkTally(
                    kind: "orgLifeBehind", label: "上季度组织生活未达频次要求的党支部",
                    href:
                        "/org-life/compliance?quarter=\(Quarter(containing: scope.today).previous?.description ?? "")",
                    counts: try await ComplianceStore.behind(under: user.scopePath, today: scope.today, on: scope.db))
            )
            tallies.append(
                WorkTally(
                    kind: "sixMonthNoOrgLife", label: "连续6个月未参加组织生活的党员（提醒）", href: "/org-life/alerts",
                    counts: try await ComplianceStore.sixMonthCounts(
                        under: user.scopePath, today: scope.today, on: sql)))
        }
        return tallies
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        [
            MyTile(
                id: "org-life", title: "组织生活",
                lines: [
                    MyTile.Line(
                        text: "在流入地或流动党员党组织参加活动时，输入现场公布的签到码，记入您的组织生活记录",
                        actions: [.init(label: "签到", path: "/my/org-life", primary: true, link: true)])
                ])
        ]
    }

    /// Private files no row refers to (a write that failed halfway, a restart) go after a day.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        try await UploadLedger.sweepOrphans(app, "org-life", table: "org_life_attachments", typeColumn: "file_type")
    }

    func loadDemo(_ demo: DemoContext) async throws { try await LearningDemo.load(demo) }
}
