import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The five service mechanisms (“5个机制”, 变安家为安心). Built so far: requests (诉求办理) with working-day deadlines,
/// routing to the side that can handle them (inflow organization, home branch, legal service station for rights
/// matters), transfer, escalation of overdue ones and the member's rating; the city's working-day calendar.
struct ServicesFeature: Feature {
    let name = "services"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(23, CreateServiceRequests()), NumberedMigration(24, CreateCare()),
            NumberedMigration(25, CreateTalent()), NumberedMigration(26, CreateRecognition()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try ServiceRequestsController().boot(routes)
        try WorkCalendarController().boot(routes)
        try MyRequestsController().boot(routes)
        try ServicesAPIController().boot(routes)
        try FestivalCareController().boot(routes)
        try TalentController().boot(routes)
        try MyTalentController().boot(routes)
        try RecognitionController().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 72, permission: .handleRequests, link: { _ in ("/requests", "诉求办理") }),
            NavEntry(
                order: 73, permission: .keepCareRegister, link: { u in u.isInflowSide ? nil : ("/care", "帮扶慰问") }),
            NavEntry(
                order: 74, permission: .keepTalentRegister,
                link: { u in u.isInflowSide ? nil : ("/talent", "人才回引") }),
            NavEntry(
                order: 75, permission: .nominateAwards, link: { u in u.isInflowSide ? nil : ("/awards", "评优表彰") }),
            NavEntry(
                order: 96, permission: .manageServiceSettings,
                link: { u in u.scopeLevel == .city ? ("/requests/calendar", "工作日历") : nil }),
        ]
    }

    var openAPI: String? { ServicesOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var out: [ArchiveEntry] = []
        for r in try await ServiceRequest.query(on: db).filter(\.$memberID == id).all() {
            let org = try await Organization.find(r.routedOrgID, on: db)
            var text = "\(r.kind.label)：\(r.title) — \(org?.shortName ?? "")办理，\(r.status.label)"
            if let stars = r.stars { text += "，本人评价\(stars)星" }
            if r.escalatedStage != nil { text += "（曾逾期督办）" }
            out.append(ArchiveEntry(at: r.submittedOn, side: r.side == .home ? "流出地" : "流入地", kind: "诉求", text: text))
        }
        for h in try await HardshipRecord.query(on: db).filter(\.$memberID == id).all() {
            out.append(
                ArchiveEntry(
                    at: h.verifiedOn, side: "流出地", kind: "困难帮扶",
                    text: "登记为困难党员（\(h.kind.label)，\(HardshipLevel(rawValue: h.level)?.label ?? "")），核实人\(h.verifiedBy)"
                        + (h.status == "closed" ? "；已销号：\(h.closedReason ?? "")" : "")))
        }
        for g in try await HardshipHelp.query(on: db).filter(\.$memberID == id).all() {
            out.append(
                ArchiveEntry(
                    at: g.givenOn, side: "流出地", kind: "困难帮扶",
                    text: (g.form == "money" ? "帮扶资金\(g.amount)元" : "帮扶物资：\(g.goods ?? "")（折合\(g.amount)元）")
                        + "，\(g.givenBy)，来源\(g.source)"))
        }
        for v in try await CareVisit.query(on: db).filter(\.$memberID == id).all() {
            let c = try await CareCampaign.find(v.campaignID, on: db)
            out.append(
                ArchiveEntry(
                    at: v.visitedOn, side: "流出地", kind: "节日慰问",
                    text: "\(c?.name ?? "慰问")：\(CareVisit.label(v.way))（\(v.visitor)），\(v.gifts)；近况：\(v.situation)"))
        }
        for a in try await awards(of: id, on: db) {
            out.append(ArchiveEntry(at: a.on, side: "流出地", kind: "评优表彰", text: "获评\(a.name)：\(a.citation)"))
        }
        return out
    }

    struct Award {
        var on: String
        var name: String
        var citation: String
    }

    /// The member's awards from published campaigns.
    func awards(of member: UUID, on db: Database) async throws -> [Award] {
        var out: [Award] = []
        for n in try await AwardNomination.query(on: db).filter(\.$memberID == member)
            .filter(\.$status == .countyApproved).all()
        {
            guard let c = try await AwardCampaign.find(n.campaignID, on: db), c.status == "published" else { continue }
            out.append(Award(on: c.publishedOn ?? "", name: c.name, citation: n.citation))
        }
        return out
    }

    /// Requests to acknowledge and to answer at the organizations handling them (the overdue ones counted apart), and
    /// overdue requests escalated to the account's organizations for supervision (督办).
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard user.can(.handleRequests) else { return [] }
        let sql = try scope.sql()
        let day = scope.today.description
        let mine: SQLQueryString =
            user.isInflowSide
            ? "r.routed_org_id = \(bind: user.scopeID)" : "\(PathPrefix("o.path", user.scopePath))"
        func tally(_ statuses: [String], deadline: String) async throws -> (counts: [Int: Int], overdue: [Int: Int]) {
            let rows = try await sql.raw(
                """
                SELECT r.routed_org_id AS org_id, COUNT(*) AS n,
                       SUM(CASE WHEN \(unsafeRaw: deadline) < \(bind: day) THEN 1 ELSE 0 END) AS late
                FROM service_requests r JOIN organizations o ON o.id = r.routed_org_id
                WHERE \(mine) AND r.status IN \(SQLBind.group(statuses)) GROUP BY r.routed_org_id
                """
            ).all(decoding: OrgCount.self)
            return (
                Dictionary(rows.map { ($0.org_id, $0.n) }, uniquingKeysWith: +),
                Dictionary(rows.map { ($0.org_id, $0.late ?? 0) }, uniquingKeysWith: +)
            )
        }
        let acknowledge = try await tally(["submitted"], deadline: "r.acknowledge_by")
        let answer = try await tally(["accepted", "inProgress"], deadline: "r.answer_by")
        let escalatedTo: SQLQueryString =
            user.isInflowSide
            ? "r.escalated_to_org_id = \(bind: user.scopeID)" : "\(PathPrefix("e.path", user.scopePath))"
        let escalated = try await sql.raw(
            """
            SELECT r.escalated_to_org_id AS org_id, COUNT(*) AS n FROM service_requests r
            JOIN organizations e ON e.id = r.escalated_to_org_id
            WHERE \(escalatedTo) AND r.status IN ('submitted', 'accepted', 'inProgress') GROUP BY r.escalated_to_org_id
            """
        ).all(decoding: OrgCount.self)
        var care: [WorkTally] = []
        if user.can(.keepCareRegister), !user.isInflowSide {
            let due = try await sql.raw(
                """
                SELECT m.organization_id AS org_id, COUNT(*) AS n FROM hardship_records h JOIN members m ON m.id = h.member_id
                JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", user.scopePath)) AND h.status = 'active' AND h.review_due < \(bind: day)
                GROUP BY m.organization_id
                """
            ).all(decoding: OrgCount.self)
            care.append(
                WorkTally(
                    kind: "hardshipReview", label: "到期待复核的困难党员", href: "/care#register",
                    counts: Dictionary(due.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)))
            // Care campaigns running now: targets not yet visited, per branch (the campaign's own subtree only) — for
            // branches and committees, who do the visiting. Counties and the city follow progress on the campaign's
            // page: listing a whole county's targets on every home page would cost more than the page itself.
            var open: [Int: Int] = [:]
            let visiting = [OrgLevel.branch, .generalBranch, .committee].contains(user.scopeLevel)
            let running =
                visiting
                ? try await CareCampaign.query(on: scope.db).filter(\.$startsOn <= day).filter(\.$endsOn >= day).all()
                : []
            for c in running {
                guard let owner = try await Organization.find(c.orgID, on: scope.db) else { continue }
                let path = owner.path.hasPrefix(user.scopePath) ? owner.path : user.scopePath
                guard path.hasPrefix(owner.path) else { continue }
                for t in try await CareService.targets(c, under: path, on: scope.db) where !t.visited {
                    open[t.orgID, default: 0] += 1
                }
            }
            care.append(
                WorkTally(kind: "careVisits", label: "节日慰问待走访的党员", href: "/care#campaigns", counts: open))
        }
        return care + [
            WorkTally(
                kind: "requestsToAcknowledge", label: "待受理的诉求", href: "/requests?status=submitted",
                counts: acknowledge.counts, overdue: acknowledge.overdue),
            WorkTally(
                kind: "requestsToAnswer", label: "办理中、待答复的诉求", href: "/requests?status=inProgress",
                counts: answer.counts, overdue: answer.overdue),
            WorkTally(
                kind: "requestsEscalated", label: "下级逾期、报本级督办的诉求", href: "/requests?overdue=1",
                counts: Dictionary(escalated.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)),
        ]
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let mine = try await ServiceRequest.query(on: db).filter(\.$memberID == member.memberID).all()
        let open = mine.filter { $0.status.isOpen }.count
        let toRate = mine.filter { $0.status == .answered }.count
        var text = "有困难、有需要，可以在这里提出，由流入地或家乡党组织限时办理"
        if open + toRate > 0 { text = "办理中\(open)件" + (toRate > 0 ? "，已答复待评价\(toRate)件" : "") }
        let talent = try await TalentProfile.find(member.memberID, on: db)
        var matched = 0
        if talent != nil, let m = try await Member.find(member.memberID, on: db) {
            matched = try await TalentService.matches(for: m, today: AppClock.today, on: db).count
        }
        let jobs = MyTile(
            id: "talent", title: "就业创业",
            lines: [
                MyTile.Line(
                    text: talent == nil
                        ? "填写行业和技能，家乡的岗位和创业扶持政策会推荐给您" : "为您推荐家乡的岗位和政策\(matched)条",
                    actions: [.init(label: talent == nil ? "填写" : "查看", path: "/my/talent", primary: true, link: true)])
            ])
        let honours = try await awards(of: member.memberID, on: db).map {
            MyTile.Line(text: "获评\($0.name)（\($0.on)公布）", note: $0.citation)
        }
        return (honours.isEmpty ? [] : [MyTile(id: "awards", title: "荣誉", lines: honours)]) + [
            MyTile(
                id: "requests", title: "诉求",
                lines: [
                    MyTile.Line(
                        text: text, note: "就业创业、法律援助、欠薪、子女入学、医疗社保、生活困难、组织关系证明等",
                        actions: [
                            .init(label: "提出诉求", path: "/my/requests#new", primary: true, link: true),
                            .init(label: "我的诉求", path: "/my/requests", link: true),
                        ])
                ]),
            jobs,
        ]
    }

    /// Escalates what passed a deadline and closes answers left unrated.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let (escalated, closed) = try await ServiceRequests.sweep(today: today, on: app.db)
        var out: [String] = []
        if escalated > 0 { out.append("诉求：\(escalated)件逾期，已报上级党组织督办") }
        if closed > 0 { out.append("诉求：\(closed)件答复后未评价，已自动办结") }
        return out
    }

    func loadDemo(_ demo: DemoContext) async throws {
        try await ServicesDemo.load(demo)
        try await CareDemo.load(demo)
        try await TalentDemo.load(demo)
        try await RecognitionDemo.load(demo)
    }
}
