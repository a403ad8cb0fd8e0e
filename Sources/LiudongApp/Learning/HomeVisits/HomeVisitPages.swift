import Fluent
import LiudongCore
import Vapor

/// 返乡预报 on the member's phone (`/my/home-visits`) and by the branch for a member (`POST /home-study/visits`);
/// a season's reach per branch for a county or committee (`/home-study/reach`).
struct HomeVisitPages {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("my", "home-visits", use: mine)
        r.member.post("my", "home-visits", use: file)
        let m = r.signedIn(.manageLearning)
        m.post("home-study", "visits", use: fileForMember)
        m.get("home-study", "reach", use: reach)
    }

    struct VisitView: Encodable {
        var from: String
        var to: String
        var place: String
        var by: String
    }

    func mine(req: Request) async throws -> Response {
        let me = try req.member
        let visits = try await HomeVisitStore.visits(of: me.memberID, on: req.db)
        struct View: Encodable {
            var rows: [VisitView]
            var today: String
        }
        return try await req.myPage(
            "my/home-visits", title: "返乡预报",
            View(
                rows: visits.map { VisitView(from: $0.fromOn, to: $0.toOn, place: $0.place, by: $0.reportedBy) },
                today: AppClock.today.description))
    }

    struct VisitForm: Content {
        var from: String?
        var to: String?
        var place: String?
        var org: String?
        var memberId: String?
    }

    func file(req: Request) async throws -> Response {
        let me = try req.member
        let f = try req.content.decode(VisitForm.self)
        return try await req.act(back: "/my/home-visits") {
            let v = try await HomeVisitActions.file(
                from: f.from, to: f.to, place: f.place, member: me.memberID, as: try req.actingMember)
            return "已告诉党支部：\(v.fromOn)至\(v.toOn)在\(v.place)。党支部会安排送学上门"
        }
    }

    /// The branch files a 预报 for one of its mobile members (heard on the phone).
    func fileForMember(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(VisitForm.self)
        let branch = try await req.scopeOrganization(code: f.org ?? "")
        guard !user.isInflowSide, branch.level == .branch else { throw AppError.notFound }
        let back = "/home-study?org=\(branch.code)"
        guard let id = Normalize.text(f.memberId).flatMap({ UUID(uuidString: $0) }),
            let m = try await Member.find(id, on: req.db), m.organizationID == branch.id
        else { return req.redirect(to: back, flash: "请选择本支部的党员") }
        return try await req.act(back: back) {
            try await HomeVisitActions.file(from: f.from, to: f.to, place: f.place, member: id, as: try req.acting)
            return "已登记\(m.name)的返乡预报"
        }
    }

    /// Reached ÷ home per branch for a season (the latest by default).
    func reach(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        let seasons = try await StudyAtHomeStore.seasons(for: org, on: req.db)
        let chosen = req.season(among: seasons)
        struct Row: Encodable {
            var code: String
            var name: String
            var share: String
            var low: Bool
        }
        struct View: Encodable {
            var code: String
            var name: String
            var season: String?
            var seasons: [Pair]
            var total: String
            var rows: [Row]
        }
        var rows: [Row] = []
        var home = 0
        var reached = 0
        if let s = chosen {
            for r in try await HomeVisitStore.reach(under: org, season: s, on: req.db) {
                home += r.home
                reached += r.reached
                rows.append(
                    Row(
                        code: r.branch.code, name: r.branch.shortName,
                        share: HomeVisitRules.share(reached: r.reached, home: r.home), low: r.reached * 2 < r.home))
            }
        }
        return try await req.page(
            "learning/home-reach", title: "送学上门覆盖情况",
            View(
                code: org.code, name: org.shortName, season: chosen.map { "\($0.name)（\($0.startsOn)至\($0.endsOn)）" },
                seasons: seasons.map { Pair($0.id!.uuidString, $0.name) },
                total: HomeVisitRules.share(reached: reached, home: home), rows: rows))
    }
}
