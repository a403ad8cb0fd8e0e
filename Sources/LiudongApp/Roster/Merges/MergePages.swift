import Fluent
import LiudongCore
import Vapor

/// 重复登记 at `/roster/duplicates?org=`: entries sharing a name and birth date, two by two, to merge with a reason
/// (the county), and the merges of the last 30 days to undo.
struct MergePages {
    func boot(_ r: FeatureRoutes) throws {
        let dept = r.signedIn(.editOrganizations)
        dept.get("roster", "duplicates", use: page)
        dept.post("roster", "duplicates", "merge", use: merge)
        dept.post("roster", "merges", ":id", "undo", use: undo)
    }

    func page(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let rows = try await MergeStore.candidates(under: org.path, on: req.db)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        struct Entry: Encodable {
            var id: String
            var name: String
            var birth: String
            var place: String
            var branch: String
            var flow: String
        }
        struct Pair: Encodable {
            var a: Entry
            var b: Entry
        }
        struct Done: Encodable {
            var id: String
            var name: String
            var keptID: String
            var reason: String
            var on: String
            var by: String
            var undone: String?
            var canUndo: Bool
        }
        func entry(_ r: CandidateMemberRow) -> Entry {
            Entry(
                id: r.id.uuidString, name: r.name, birth: r.birthDate, place: Divisions.shared.fullName(r.idPrefix),
                branch: r.branch, flow: r.flowStatus.flatMap(FlowState.init(rawValue:))?.label ?? "未流动")
        }
        let pairs = MergeRules.pairs(rows.map { ($0.id, $0.name, $0.birthDate) }).compactMap { p -> Pair? in
            guard let a = byID[p.a], let b = byID[p.b] else { return nil }
            return Pair(a: entry(a), b: entry(b))
        }
        let done = try await MergeStore.merges(under: org.path, on: req.db).map { g in
            Done(
                id: g.id.uuidString, name: g.name, keptID: g.keptID.uuidString, reason: g.reason, on: g.mergedOn,
                by: g.mergedBy, undone: g.undoneOn,
                canUndo: g.undoneOn == nil
                    && (CalendarDate(g.mergedOn).map { MergeRules.canUndo(mergedOn: $0, today: today) } ?? false))
        }
        struct View: Encodable {
            var code: String
            var name: String
            var pairs: [Pair]
            var merges: [Done]
        }
        return try await req.page(
            "roster/duplicates", title: "重复登记核对与合并",
            View(code: org.code, name: org.shortName, pairs: pairs, merges: done))
    }

    /// The pair (`a`, `b`) and which to keep (`keep`, one of them); the other is merged into it.
    struct MergeForm: Content {
        var a: String?
        var b: String?
        var keep: String?
        var reason: String?
    }

    func merge(req: Request) async throws -> Response {
        let f = try req.content.decode(MergeForm.self)
        let a = Normalize.text(f.a).flatMap(UUID.init(uuidString:))
        let b = Normalize.text(f.b).flatMap(UUID.init(uuidString:))
        let k = Normalize.text(f.keep).flatMap(UUID.init(uuidString:))
        guard let a, let b, let k, k == a || k == b else { throw AppError.notFound }
        let keep = try await req.rosterMember(id: k)
        let drop = try await req.rosterMember(id: k == a ? b : a)
        return try await req.act(back: "/roster/duplicates") {
            _ = try await MergeActions.merge(keep: keep, drop: drop, reason: f.reason, as: try req.acting)
            return "已合并：保留的登记接收了另一条登记的全部记录；30天内可撤销"
        }
    }

    func undo(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let g = try await MemberMerge.find(id, on: req.db)
        else { throw AppError.notFound }
        guard !user.isInflowSide else { throw AppError.notFound }
        _ = try await req.rosterMember(id: g.keptID)
        return try await req.act(back: "/roster/duplicates") {
            try await MergeActions.undo(g, as: try req.acting)
            return "已撤销合并，两条登记恢复原状"
        }
    }
}
