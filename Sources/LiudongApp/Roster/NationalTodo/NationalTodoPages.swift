import Fluent
import LiudongCore
import Vapor

/// 全国系统待录入 at `/national-todo?org=&state=open|done|all`: the changes to enter into the national system, per
/// branch, open ones oldest first (over 30 days marked), and 已录入 with the day.
struct NationalTodoPages {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.viewMembers).get("national-todo", use: list)
        r.signedIn(.editRoster).post("national-todo", ":id", "done", use: done)
    }

    static func open(_ raw: String?) -> Bool? {
        switch raw {
        case "done": return false
        case "all": return nil
        default: return true
        }
    }

    func list(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let state = (try? req.query.get(String.self, at: "state")) ?? "open"
        struct Row: Encodable {
            var id: String
            var memberID: String
            var name: String
            var branch: String
            var change: String
            var detail: String
            var since: String
            var done: String?
            var overdue: Bool
        }
        struct View: Encodable {
            var code: String
            var name: String
            var state: String
            var rows: [Row]
            var today: String
        }
        let rows = try await NationalTodoStore.list(under: org.path, open: Self.open(state), on: req.db).map { r in
            Row(
                id: r.id.uuidString, memberID: r.memberID.uuidString, name: r.name, branch: r.branch,
                change: r.change.label, detail: r.detail, since: r.since,
                done: r.doneOn.map { "\($0)（\(r.doneBy ?? "")）" },
                overdue: r.doneOn == nil
                    && (CalendarDate(r.since).map { NationalTodoRules.overdue(since: $0, today: today) } ?? false))
        }
        return try await req.page(
            "roster/national-todo", title: "全国系统待录入",
            View(code: org.code, name: org.shortName, state: state, rows: rows, today: today.description))
    }

    struct DoneForm: Content { var on: String? }

    func done(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let t = try await NationalTodo.find(id, on: req.db),
            let branch = try await Organization.find(t.branchID, on: req.db), user.covers(branch), !user.isInflowSide
        else { throw AppError.notFound }
        let f = try req.content.decode(DoneForm.self)
        return try await req.act(back: "/national-todo") {
            try await NationalTodoActions.done(t, on: f.on, as: try req.acting)
            return "已标记为已录入全国系统"
        }
    }
}

/// `GET /api/v1/national-todo?org=&state=open|done|all`.
struct NationalTodoAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.viewMembers).get("api", "v1", "national-todo", use: list)
    }

    struct Item: Content {
        var id: UUID
        var memberId: UUID
        var name: String
        var change: String
        var since: String
        var overdue: Bool
    }

    struct Items: Content { var items: [Item] }

    func list(req: Request) async throws -> Items {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let raw = try? req.query.get(String.self, at: "state")
        guard raw == nil || ["open", "done", "all"].contains(raw!) else {
            throw AppError.invalid([FieldError("state", "state 应为 open、done 或 all")])
        }
        let rows = try await NationalTodoStore.list(under: org.path, open: NationalTodoPages.open(raw), on: req.db)
        return Items(
            items: rows.map { r in
                Item(
                    id: r.id, memberId: r.memberID, name: r.name, change: r.change.rawValue, since: r.since,
                    overdue: r.doneOn == nil
                        && (CalendarDate(r.since).map { NationalTodoRules.overdue(since: $0, today: today) } ?? false))
            })
    }
}
