import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4c 丰富载体、抓实学习: organizational life at home and away credited to one record, the required
/// frequencies and the six-month alert, the learning menu, the weekly quiz, the vanguard-post diary, study
/// delivered home and red packages.
struct LearningFeature: Feature {
    let name = "learning"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(20, CreateOrgLifeAndLearning())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try OrgLifeController().boot(routes)
        try ComplianceController().boot(routes)
        try LearningAPIController().boot(routes)
        try MyLearningController().boot(routes)
        try LearningController().boot(routes)
        try CareController().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 66, permission: .recordOrgLife, link: { _ in ("/org-life", "组织生活") }),
            NavEntry(
                order: 67, permission: .manageLearning,
                link: { u in u.isInflowSide ? nil : ("/learning", "学习教育") }),
        ]
    }

    var openAPI: String? { LearningOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var entries: [ArchiveEntry] = []
        struct Row: Decodable {
            var held_on: String
            var org_id: Int
            var short_name: String
            var kind: String
            var topic: String
            var status: String
            var reason: String?
            var via: String
        }
        let rows = try await db.sql().raw(
            """
            SELECT e.held_on, e.org_id, o.short_name, e.kind, e.topic, a.status, a.reason, a.via
            FROM org_life_attendance a JOIN org_life_events e ON e.id = a.event_id JOIN organizations o ON o.id = e.org_id
            WHERE a.member_id = \(bind: id) ORDER BY e.held_on DESC LIMIT 200
            """
        ).all(decoding: Row.self)
        let home = try await Organization.find(member.organizationID, on: db)
        let homePath = home?.path ?? ""
        let paths = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ Array(Set(rows.map(\.org_id))))
                .all().map { ($0.id!, $0.path) })
        for r in rows {
            let away = !(homePath.hasPrefix(paths[r.org_id] ?? "\u{0}"))
            let status = AttendanceStatus(rawValue: r.status)
            let kind = OrgLifeKind(rawValue: r.kind)?.label ?? r.kind
            entries.append(
                ArchiveEntry(
                    at: r.held_on, side: away ? "流入地" : "流出地", kind: "组织生活",
                    text: "\(r.short_name)\(kind)“\(r.topic)”：\(status?.label ?? r.status)"
                        + (r.reason.map { "（\($0)）" } ?? "")
                        + (away && status == .present
                            ? "，计入本人组织生活记录（\(AttendanceVia(rawValue: r.via)?.label ?? "")）" : "")))
        }
        for d in try await DiaryEntry.query(on: db).filter(\.$memberID == id).sort(\.$onDay, .descending).range(0..<100)
            .all()
        {
            entries.append(
                ArchiveEntry(
                    at: d.onDay, side: "本人", kind: "先锋岗日记",
                    text: String(d.text.prefix(60)) + (d.text.count > 60 ? "…" : "") + (d.excellent ? "（优秀）" : "")
                        + (d.comment.map { " · 书记点评：\($0)" } ?? "")))
        }
        for p in try await RedPackage.query(on: db).filter(\.$memberID == id).all() {
            entries.append(
                ArchiveEntry(
                    at: p.sentOn, side: "流出地", kind: "红色包裹",
                    text: "寄出红色包裹（\(p.items.joined(separator: "、"))），\(p.courier) \(p.trackingNo)"
                        + (p.confirmedOn.map { "，\($0)本人确认收到" } ?? "，尚未确认收到")))
        }
        let reached = try await db.sql().raw(
            """
            SELECT s.on_day, s.topic FROM home_study_reached r JOIN home_study_sessions s ON s.id = r.session_id
            WHERE r.member_id = \(bind: id)
            """
        ).all()
        for r in reached {
            entries.append(
                ArchiveEntry(
                    at: try r.decode(column: "on_day", as: String.self), side: "流出地", kind: "送学上门",
                    text: "返乡期间送学上门：\(try r.decode(column: "topic", as: String.self))"))
        }
        return entries
    }

    /// Branches behind schedule last quarter, members silent for six months, diary entries to read, red packages
    /// unconfirmed after 30 days. Counties and below (the city reads the same on its pages).
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
                    counts: try await OrgLifeCompliance.behind(under: user.scopePath, today: scope.today, on: scope.db))
            )
            tallies.append(
                WorkTally(
                    kind: "sixMonthNoOrgLife", label: "连续6个月未参加组织生活的党员（提醒）", href: "/org-life/alerts",
                    counts: try await OrgLifeCompliance.sixMonthCounts(
                        under: user.scopePath, today: scope.today, on: sql)))
        }
        guard user.can(.manageLearning) else { return tallies }
        let diaries = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN diary_entries d ON d.member_id = m.id
            WHERE \(PathPrefix("o.path", user.scopePath)) AND d.comment IS NULL GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        tallies.append(
            WorkTally(
                kind: "diariesToRead", label: "待阅读点评的先锋岗日记", href: "/diaries",
                counts: Dictionary(diaries.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)))
        let late = scope.today.adding(days: -RedPackage.confirmDays).description
        let packages = try await sql.raw(
            """
            SELECT p.branch_id AS org_id, COUNT(*) AS n FROM organizations o JOIN red_packages p ON p.branch_id = o.id
            WHERE \(PathPrefix("o.path", user.scopePath)) AND p.confirmed_on IS NULL AND p.sent_on < \(bind: late)
            GROUP BY p.branch_id
            """
        ).all(decoding: OrgCount.self)
        tallies.append(
            WorkTally(
                kind: "redPackagesUnconfirmed", label: "寄出30天仍未确认收到的红色包裹", href: "/red-packages",
                counts: Dictionary(packages.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)))
        return tallies
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        var learning: [MyTile.Line] = []
        if let quiz = try await QuizService.current(for: member.memberID, on: db) {
            let a = try await QuizAnswer.query(on: db).filter(\.$quizID == quiz.id!)
                .filter(\.$memberID == member.memberID).first()
            learning.append(
                MyTile.Line(
                    text: "每周一学（\(quiz.week)）" + (a.map { "：已作答，得分\($0.score)/\($0.total)" } ?? "：本周尚未作答"),
                    actions: [.init(label: a == nil ? "去答题" : "看解析", path: "/my/quiz", primary: a == nil, link: true)]))
        }
        let menu = try await CourseService.menu(for: member.memberID, on: db)
        let done = try await CourseService.done(member.memberID, on: db)
        learning.append(
            MyTile.Line(
                text: "点学菜单：\(menu.count)门课程，已学\(menu.filter { done[$0.id!]?.completedOn != nil }.count)门",
                actions: [.init(label: "选课学习", path: "/my/courses", link: true)]))
        learning.append(
            MyTile.Line(
                text: "党员先锋岗工作日记", actions: [.init(label: "写日记", path: "/my/diary", link: true)]))
        var tiles = [
            MyTile(
                id: "org-life", title: "组织生活",
                lines: [
                    MyTile.Line(
                        text: "在流入地或流动党员党组织参加活动时，输入现场公布的签到码，记入您的组织生活记录",
                        actions: [.init(label: "签到", path: "/my/org-life", primary: true, link: true)])
                ]),
            MyTile(id: "learning", title: "学习", lines: learning),
        ]
        let packages = try await RedPackage.query(on: db).filter(\.$memberID == member.memberID)
            .filter(\.$confirmedOn == nil).sort(\.$sentOn).all()
        if !packages.isEmpty {
            tiles.append(
                MyTile(
                    id: "red-packages", title: "红色包裹",
                    lines: packages.map { p in
                        MyTile.Line(
                            text: "\(p.sentOn)寄出：\(p.items.joined(separator: "、"))",
                            note: "\(p.courier) 运单号 \(p.trackingNo)",
                            actions: [
                                .init(
                                    label: "确认收到", path: "/my/red-packages/\(p.id!.uuidString)/confirm", primary: true)
                            ])
                    }))
        }
        return tiles
    }

    /// Private files no row refers to (a write that failed halfway, a restart) go after a day.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        try await UploadLedger.sweepOrphans(app, "diary", table: "diary_entries", typeColumn: "photo_type")
            + UploadLedger.sweepOrphans(app, "org-life", table: "org_life_attachments", typeColumn: "file_type")
    }

    func loadDemo(_ demo: DemoContext) async throws { try await LearningDemo.load(demo) }
}
