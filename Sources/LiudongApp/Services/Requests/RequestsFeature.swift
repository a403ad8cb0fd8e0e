import Fluent
import LiudongCore
import Vapor

/// Requests (诉求办理), the first of the five service mechanisms (“5个机制”, 变安家为安心): working-day deadlines,
/// routing to the side that can handle them (inflow organization, home branch, legal service station for rights
/// matters), transfer, escalation of overdue ones and the member's rating. Deadlines count in the city's working
/// days (`Calendar/`). Care (`Care/`), talent (`Talent/`) and recognition (`Recognition/`) are the other sub-features of `Services/`.
struct RequestsFeature: Feature {
    let name = "requests"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(23, CreateServiceRequests())] }

    func routes(_ routes: FeatureRoutes) throws {
        try RequestPages().boot(routes)
        try MyRequestPages().boot(routes)
        try RequestAPI().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 72, permission: .handleRequests, link: { _ in ("/requests", "诉求办理") })
        ]
    }

    var openAPI: String? { RequestsOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var out: [ArchiveEntry] = []
        for r in try await RequestStore.all(of: id, on: db) {
            let org = try await Organization.find(r.routedOrgID, on: db)
            var text = "\(r.kind.label)：\(r.title) — \(org?.shortName ?? "")办理，\(r.status.label)"
            if let stars = r.stars { text += "，本人评价\(stars)星" }
            if r.escalatedStage != nil { text += "（曾逾期督办）" }
            out.append(ArchiveEntry(at: r.submittedOn, side: r.side == .home ? "流出地" : "流入地", kind: "诉求", text: text))
        }
        return out
    }

    /// Requests to acknowledge and to answer at the organizations handling them (the overdue ones counted apart), and
    /// overdue requests escalated to the account's organizations for supervision (督办).
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard user.can(.handleRequests) else { return [] }
        let t = try await RequestStore.tallies(for: user, today: scope.today, on: try scope.sql())
        let (acknowledge, answer) = (t.acknowledge, t.answer)
        return [
            WorkTally(
                kind: "requestsToAcknowledge", label: "待受理的诉求", href: "/requests?status=submitted",
                counts: acknowledge.counts, overdue: acknowledge.overdue),
            WorkTally(
                kind: "requestsToAnswer", label: "办理中、待答复的诉求", href: "/requests?status=inProgress",
                counts: answer.counts, overdue: answer.overdue),
            WorkTally(
                kind: "requestsEscalated", label: "下级逾期、报本级督办的诉求", href: "/requests?overdue=1",
                counts: t.escalated),
        ]
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let mine = try await RequestStore.all(of: member.memberID, on: db)
        let open = mine.filter { $0.status.isOpen }.count
        let toRate = mine.filter { $0.status == .answered }.count
        var text = "有困难、有需要，可以在这里提出，由流入地或家乡党组织限时办理"
        if open + toRate > 0 { text = "办理中\(open)件" + (toRate > 0 ? "，已答复待评价\(toRate)件" : "") }
        return [
            MyTile(
                id: "requests", title: "诉求",
                lines: [
                    MyTile.Line(
                        text: text, note: "就业创业、法律援助、欠薪、子女入学、医疗社保、生活困难、组织关系证明等",
                        actions: [
                            .init(label: "提出诉求", path: "/my/requests#new", primary: true, link: true),
                            .init(label: "我的诉求", path: "/my/requests", link: true),
                        ])
                ])
        ]
    }

    /// Escalates what passed a deadline and closes answers left unrated.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let (escalated, closed) = try await RequestActions.sweep(today: today, on: app.db)
        var out: [String] = []
        if escalated > 0 { out.append("诉求：\(escalated)件逾期，已报上级党组织督办") }
        if closed > 0 { out.append("诉求：\(closed)件答复后未评价，已自动办结") }
        return out
    }

    func loadDemo(_ demo: DemoContext) async throws {
        try await RequestsDemo.load(demo)
    }
}
