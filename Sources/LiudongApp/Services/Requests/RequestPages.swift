import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The handling side of requests: the list of what is routed (or escalated) to the account's organizations, one
/// request with its trail and the actions (受理, 办理进展, 答复, 转办), and the statistics per organization.
struct RequestPages {
    func boot(_ r: FeatureRoutes) throws {
        let handle = r.signedIn(.handleRequests)
        handle.get("requests", use: list)
        handle.get("requests", "stats", use: statsPage)
        handle.get("requests", ":id", use: show)
        handle.post("requests", ":id", "accept", use: accept)
        handle.post("requests", ":id", "progress", use: progress)
        handle.post("requests", ":id", "reply", use: reply)
        handle.post("requests", ":id", "transfer", use: transfer)
        handle.post("contacts", ":id", "request", use: fromContact)
    }

    static func id(_ req: Request) -> UUID? { req.parameters.get("id").flatMap { UUID(uuidString: $0) } }

    func list(req: Request) async throws -> Response {
        let user = try req.user
        let status = req.query[String.self, at: "status"].flatMap(ServiceRequestStatus.init(rawValue:))
        let overdue = req.query[String.self, at: "overdue"] == "1"
        let items = try await RequestStore.staff(
            user, status: status, overdueOnly: overdue, today: AppClock.today, on: req.db)
        struct View: Encodable {
            var items: [RequestStore.Item]
            var statuses: [Pair]
            var status: String
            var overdue: Bool
        }
        return try await req.page(
            "services/requests", title: "诉求办理",
            View(
                items: items, statuses: ServiceRequestStatus.allCases.map { Pair($0.rawValue, $0.label) },
                status: status?.rawValue ?? "", overdue: overdue))
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = Self.id(req), let (r, routed, up) = try await RequestStore.request(id, on: req.db),
            user.covers(routed) || up.map(user.covers) == true,
            let m = try await Member.find(r.memberID, on: req.db)
        else { throw AppError.notFound }
        let home = try await Organization.find(r.homeOrgID, on: req.db)
        let canTransfer = try await RequestActions.canTransfer(r, on: req.db)
        struct View: Encodable {
            var id: String
            var kind: String
            var title: String
            var details: String
            var place: String?
            var status: String
            var statusCode: String
            var side: String
            var routed: String
            var home: String
            var member: String
            var memberID: String
            var showMember: Bool
            var submittedOn: String
            var acknowledgeBy: String
            var answerBy: String
            var handler: String?
            var reply: String?
            var stars: Int?
            var comment: String?
            var escalated: String?
            var overdue: Bool
            var canTransfer: Bool
            var transferTo: String
            var trail: [RequestStore.Event]
        }
        let today = AppClock.today
        let place = r.divisionCode.map { Divisions.shared.slashedName($0) }
        return try await req.page(
            "services/request", title: "诉求 · \(r.title)",
            View(
                id: r.id!.uuidString, kind: r.kind.label, title: r.title, details: r.details, place: place,
                status: r.status.label, statusCode: r.status.rawValue, side: r.side.label, routed: routed.shortName,
                home: home?.shortName ?? "", member: m.name, memberID: m.id!.uuidString, showMember: !user.isInflowSide,
                submittedOn: r.submittedOn, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy,
                handler: r.handlerName, reply: r.reply, stars: r.stars, comment: r.ratingComment,
                escalated: up.map { "已报\($0.shortName)督办（\(r.escalatedOn ?? "")）" },
                overdue: RequestActions.overdueStage(r, today: today) != nil, canTransfer: canTransfer,
                transferTo: r.routedOrgID == r.homeOrgID ? "流入地党组织" : "流出地党支部",
                trail: try await RequestStore.trail(r.id!, on: req.db)))
    }

    struct ActionForm: Content {
        var handler: String?
        var note: String?
        var reply: String?
        var reason: String?
    }

    /// Runs an action on the request in the account's scope and goes back to it with the outcome as a flash.
    func act(_ req: Request, _ body: (ServiceRequest, Acting, ActionForm) async throws -> String) async throws
        -> Response
    {
        let a = try req.acting
        let (r, _) = try await RequestActions.find(Self.id(req), for: try a.staffUser(), on: req.db)
        let f = try req.content.decode(ActionForm.self)
        return try await req.act(back: "/requests/\(r.id!)") { try await body(r, a, f) }
    }

    func accept(req: Request) async throws -> Response {
        try await act(req) { r, a, f in
            try await RequestActions.accept(r, handler: f.handler, as: a)
            return "已受理，请在\(r.answerBy)前答复"
        }
    }

    func progress(req: Request) async throws -> Response {
        try await act(req) { r, a, f in
            try await RequestActions.progress(r, note: f.note, as: a)
            return "已记录办理进展"
        }
    }

    func reply(req: Request) async throws -> Response {
        try await act(req) { r, a, f in
            try await RequestActions.reply(r, text: f.reply, as: a)
            return "已答复，党员本人会看到并评价"
        }
    }

    func transfer(req: Request) async throws -> Response {
        let a = try req.acting
        let (r, _) = try await RequestActions.find(Self.id(req), for: try a.staffUser(), on: req.db)
        let f = try req.content.decode(ActionForm.self)
        var to: Organization?
        let back = try await req.act(back: "/requests/\(r.id!)") {
            let target = try await RequestActions.transfer(r, reason: f.reason, as: a)
            to = target
            return "已转\(target.shortName)办理"
        }
        // After a transfer the request may be outside this account's scope: back to the list.
        guard let to else { return back }
        return req.redirect(to: "/requests", flash: "已转\(to.shortName)办理")
    }

    /// A cadre records a need heard in a contact as a request on the member's behalf (linked to the contact).
    func fromContact(req: Request) async throws -> Response {
        let a = try req.acting
        let user = try a.staffUser()
        guard let id = Self.id(req), let (c, m, branch) = try await RequestStore.contact(id, on: req.db)
        else { throw AppError.notFound }
        guard user.covers(branch) || user.isInflowSide else { throw AppError.notFound }
        if user.isInflowSide {
            guard try await RequestStore.reportsTo(user.scopeID, member: m.requireID(), on: req.db) else {
                throw AppError.notFound
            }
        }
        let draft = try req.content.decode(RequestActions.Draft.self)
        return try await req.act(back: "/members/\(m.id!)/pairings") {
            let (_, org) = try await RequestActions.raise(draft, member: m, contact: c.id, as: a)
            return "已记录为诉求，转\(org.shortName)办理"
        }
    }

    func statsPage(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.scopeOrganization()
        let (from, to) = Self.period(req)
        let today = AppClock.today
        let children = try await OrgTree.children(of: org, on: req.db)
        struct Row: Encodable {
            var code: String
            var name: String
            var stats: RequestStats
        }
        var rows: [Row] = []
        for c in children where user.covers(c) {
            rows.append(
                Row(
                    code: c.code, name: c.shortName,
                    stats: try await RequestStore.stats(
                        path: c.path, from: from, to: to, today: today, on: req.db)))
        }
        struct View: Encodable {
            var org: String
            var orgName: String
            var from: String
            var to: String
            var total: RequestStats
            var rows: [Row]
        }
        return try await req.page(
            "services/stats", title: "诉求办理统计",
            View(
                org: org.code, orgName: org.shortName, from: from.description, to: to.description,
                total: try await RequestStore.stats(
                    path: org.path, from: from, to: to, today: today, on: req.db), rows: rows))
    }

    /// `from`/`to` from the query (default: this year so far); a reversed or unreadable period falls back.
    static func period(_ req: Request) -> (CalendarDate, CalendarDate) {
        let today = AppClock.today
        let from = req.query[String.self, at: "from"].flatMap { CalendarDate($0) }
        let to = req.query[String.self, at: "to"].flatMap { CalendarDate($0) }
        let start = from ?? CalendarDate(year: today.year, month: 1, day: 1) ?? today
        let end = to ?? today
        return start <= end ? (start, end) : (end, start)
    }
}
