import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4c 丰富载体、抓实学习, organizational life: events at home and away credited to one record (check-in
/// codes), minutes, attachments and the quorum. The required frequencies and the six-month alert are `Compliance/`,
/// the learning menu and the quiz are
/// `LearningMenu/`, the diary, study delivered home and red packages `StudyAtHome/`; the measure's tables came in one
/// migration (0020), which stays here, and its demo is one seeded sequence (`Learning/LearningDemo.swift`) loaded here.
struct OrgLifeFeature: Feature {
    let name = "org-life"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(20, CreateOrgLifeAndLearning()), NumberedMigration(34, AddAttendanceApproval())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try OrgLifePages().boot(routes)
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
        let paths = try await OrgTree.paths(of: rows.map(\.orgID), on: db)
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

    var files: [FileReference] {
        [
            FileReference(
                table: "org_life_attachments", sha256Column: "sha256", legacyDirectory: "org-life",
                typeColumn: "file_type")
        ]
    }

    func loadDemo(_ demo: DemoContext) async throws { try await LearningDemo.load(demo) }
}
