import Fluent
import LiudongCore
import Vapor

/// Corrective items of 组织生活会: added and marked done from the meeting's page (`/org-life/{id}`), listed under an
/// organization at `/org-life/rectifications?org=CODE` (overdue first).
struct RectificationPages {
    func boot(_ r: FeatureRoutes) throws {
        let record = r.signedIn(.recordOrgLife)
        record.post("org-life", ":id", "rectifications", use: add)
        record.post("org-life", "rectifications", ":rid", "done", use: done)
        r.signedIn(.viewStatistics).get("org-life", "rectifications", use: list)
    }

    struct ItemForm: Content {
        var what: String?
        var who: String?
        var dueOn: String?
    }

    func add(req: Request) async throws -> Response {
        let (e, _) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: try req.user, on: req.db)
        let f = try req.content.decode(ItemForm.self)
        return try await req.act(back: "/org-life/\(e.id!.uuidString)#rectifications") {
            let r = try await RectificationActions.add(
                what: f.what, who: f.who, dueOn: f.dueOn, event: e, as: try req.acting)
            return "已记录整改事项，时限\(r.dueOn)"
        }
    }

    struct DoneForm: Content {
        var doneOn: String?
        var note: String?
    }

    func done(req: Request) async throws -> Response {
        guard let id = req.parameters.get("rid").flatMap(UUID.init(uuidString:)),
            let r = try await Rectification.find(id, on: req.db)
        else { throw AppError.notFound }
        let (e, _) = try await OrgLifeActions.find(r.eventID, for: try req.user, on: req.db)
        let f = try req.content.decode(DoneForm.self)
        return try await req.act(back: "/org-life/\(e.id!.uuidString)#rectifications") {
            try await RectificationActions.done(r, on: f.doneOn, note: f.note, event: e, as: try req.acting)
            return "已标记完成"
        }
    }

    struct Row: Encodable {
        var event: String
        var meeting: String
        var org: String
        var what: String
        var who: String
        var due: String
        var done: String
        var late: Bool
    }

    func list(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let rows = try await RectificationStore.under(org.path, on: req.db)
        struct View: Encodable {
            var code: String
            var name: String
            var overdue: Int
            var rows: [Row]
        }
        let views = rows.map { r in
            Row(
                event: r.event_id.uuidString, meeting: "\(r.held_on) \(r.topic)", org: r.short_name, what: r.what,
                who: r.who, due: r.due_on,
                done: r.done_on.map { "\($0)完成" + (r.done_note.map { "：\($0)" } ?? "") } ?? "未完成",
                late: CalendarDate(r.due_on).map {
                    RectificationRules.overdue(dueOn: $0, doneOn: r.done_on.flatMap { CalendarDate($0) }, today: today)
                } ?? false)
        }
        return try await req.page(
            "orglife/rectifications", title: "组织生活会整改事项",
            View(code: org.code, name: org.shortName, overdue: views.filter(\.late).count, rows: views))
    }
}
