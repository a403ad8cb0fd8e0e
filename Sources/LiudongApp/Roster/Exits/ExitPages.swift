import Fluent
import LiudongCore
import Vapor

/// 党员减少 from the member's roster panel: record an exit, undo a mistake (the county), restore 停止党籍 (a committee
/// or above, within the period); the “已减少” list of an organization at `/members/reduced`.
struct ExitPages {
    func boot(_ r: FeatureRoutes) throws {
        let edit = r.signedIn(.editRoster)
        edit.post("members", ":id", "exit", use: exit)
        edit.post("members", "exits", ":eid", "undo", use: undo)
        edit.post("members", "exits", ":eid", "restore", use: restore)
        r.signedIn(.viewMembers).get("members", "reduced", use: reduced)
    }

    struct ExitForm: Content {
        var kind: String?
        var on: String?
        var reason: String?
    }

    func exit(req: Request) async throws -> Response {
        let m = try await req.rosterMember()
        let f = try req.content.decode(ExitForm.self)
        return try await req.act(back: "/members/\(m.id!.uuidString)/roster") {
            try await ExitActions.exit(m, kind: f.kind, on: f.on, reason: f.reason, as: try req.acting)
            return "已登记党员减少；该党员不再计入花名册和各项统计，档案保留"
        }
    }

    struct NoteForm: Content {
        var reason: String?
        var note: String?
    }

    /// The exit and its member, in the account's tree.
    private func found(_ req: Request) async throws -> (MemberExit, Member) {
        let user = try req.user
        guard let id = req.parameters.get("eid").flatMap(UUID.init(uuidString:)),
            let e = try await ExitStore.exit(id, on: req.db),
            let m = try await Member.find(e.memberID, on: req.db),
            let branch = try await Organization.find(m.organizationID, on: req.db), user.covers(branch)
        else { throw AppError.notFound }
        return (e, m)
    }

    func undo(req: Request) async throws -> Response {
        let (e, m) = try await found(req)
        let f = try req.content.decode(NoteForm.self)
        return try await req.act(back: "/members/\(m.id!.uuidString)/roster") {
            try await ExitActions.undo(e, member: m, reason: f.reason, as: try req.acting)
            return "已更正，该党员回到花名册"
        }
    }

    func restore(req: Request) async throws -> Response {
        let (e, m) = try await found(req)
        let f = try req.content.decode(NoteForm.self)
        return try await req.act(back: "/members/\(m.id!.uuidString)/roster") {
            try await ExitActions.restore(
                e, member: m, note: f.note, years: req.application.settings.restoreYears, as: try req.acting)
            return "已恢复党籍"
        }
    }

    func reduced(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        struct Row: Encodable {
            var id: String
            var name: String
            var branch: String
            var kind: String
            var on: String
            var reason: String
            var decidedBy: String
        }
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [Row]
        }
        let rows = try await ExitStore.reduced(under: org.path, on: req.db).map {
            Row(
                id: $0.id.uuidString, name: $0.name, branch: $0.branch, kind: $0.kind.label, on: $0.onDay,
                reason: $0.reason, decidedBy: $0.decidedBy)
        }
        return try await req.page(
            "roster/reduced", title: "已减少党员", View(code: org.code, name: org.shortName, rows: rows))
    }
}
