import Fluent
import LiudongCore
import Vapor

/// The branch's side of the diary (read, comment, mark 优秀) and study delivered home in a return season.
struct StudyAtHomePages {
    func boot(_ r: FeatureRoutes) throws {
        let m = r.signedIn(.manageLearning)
        m.get("diaries", use: diaries)
        m.post("diaries", ":id", "review", use: review)
        m.get("diaries", ":id", "photo", use: photo)
        m.get("home-study", use: homeStudy)
        r.signedIn(.editOrganizations).post("home-study", "seasons", use: createSeason)
        m.post("home-study", "sessions", use: createSession)
    }

    // MARK: Diary

    func diaries(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        let rows = try await StudyAtHomeStore.diaries(under: org.path, on: req.db)
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [DiaryRow]
        }
        return try await req.page(
            "learning/diaries", title: "党员先锋岗工作日记", View(code: org.code, name: org.name, rows: rows))
    }

    static func entry(_ req: Request) async throws -> DiaryEntry {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let (e, branch) = try await StudyAtHomeStore.entry(id, on: req.db), user.covers(branch),
            !user.isInflowSide
        else { throw AppError.notFound }
        return e
    }

    struct ReviewForm: Content {
        var comment: String?
        var excellent: String?
        var org: String?
    }

    func review(req: Request) async throws -> Response {
        let e = try await Self.entry(req)
        let f = try req.content.decode(ReviewForm.self)
        let back = "/diaries" + (Normalize.text(f.org).map { "?org=\($0.prefix(20))" } ?? "")
        return try await req.act(back: back) {
            try await StudyAtHomeActions.review(
                e, comment: f.comment, excellent: f.excellent != nil, as: try req.acting)
            return e.excellent ? "已点评并评为优秀" : "已点评"
        }
    }

    func photo(req: Request) async throws -> Response {
        try await Self.entry(req).servePhoto(req)
    }

    // MARK: Study delivered home

    struct SeasonRow: Encodable {
        var id: String
        var name: String
        var range: String
        var selected: Bool
    }
    struct Expected: Encodable {
        var id: String
        var name: String
        var why: String
        var reached: Bool
    }
    struct SessionRow: Encodable {
        var on: String
        var place: String
        var topic: String
        var reached: [String]
    }

    func homeStudy(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        let seasons = try await StudyAtHomeStore.seasons(for: org, on: req.db)
        let chosen = req.season(among: seasons)
        var expected: [Expected] = []
        var others: [Expected] = []
        var sessions: [SessionRow] = []
        var courses: [Pair] = []
        if let s = chosen, org.level == .branch {
            // Expected = 返乡预报 ∪ the flows returning in the season; any other mobile member may be added.
            let rows = try await StudyAtHomeStore.expected(branch: org.requireID(), season: s, on: req.db)
            let visits = try await HomeVisitStore.visits(
                branch: org.requireID(), startsOn: s.startsOn, endsOn: s.endsOn, on: req.db)
            let mobile = try await HomeVisitStore.mobile(branch: org.requireID(), on: req.db)
            let mine = try await StudyAtHomeStore.sessions(branch: org.requireID(), season: s.requireID(), on: req.db)
            var names: [UUID: String] = Dictionary(
                rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            for v in visits { names[v.member_id] = v.name }
            for m in mobile { names[m.id!] = m.name }
            let reached = Set(mine.flatMap { $0.1 })
            expected = HomeVisitRules.expected(
                visits: visits.map { ($0.member_id, $0.name, $0.from_on, $0.to_on, $0.place) },
                flows: rows.map { ($0.id, $0.name, $0.expectedReturnOn, $0.returnedOn) }, reached: reached
            ).map { Expected(id: $0.member.uuidString, name: $0.name, why: $0.why, reached: $0.reached) }
            let listed = Set(expected.map(\.id))
            others = mobile.filter { !listed.contains($0.id!.uuidString) }.map {
                Expected(id: $0.id!.uuidString, name: $0.name, why: "流动党员", reached: reached.contains($0.id!))
            }
            courses = try await StudyAtHomeStore.courses(for: org, on: req.db)
            sessions = mine.map { session, reached in
                SessionRow(
                    on: session.onDay, place: session.place, topic: session.topic,
                    reached: reached.map { names[$0] ?? "（已不在本支部）" })
            }
        }
        struct View: Encodable {
            var code: String
            var name: String
            var isBranch: Bool
            var seasons: [SeasonRow]
            var season: SeasonRow?
            var expected: [Expected]
            /// The branch's other mobile members, to add to a session.
            var others: [Expected]
            var courses: [Pair]
            var today: String
            var sessions: [SessionRow]
            var canCreateSeason: Bool
            var reachedCount: Int
        }
        let rows = seasons.map {
            SeasonRow(
                id: $0.id!.uuidString, name: $0.name, range: "\($0.startsOn) 至 \($0.endsOn)",
                selected: $0.id == chosen?.id)
        }
        return try await req.page(
            "learning/home-study", title: "集中返乡送学上门",
            View(
                code: org.code, name: org.name, isBranch: org.level == .branch, seasons: rows,
                season: rows.first(where: \.selected), expected: expected, others: others, courses: courses,
                today: AppClock.today.description, sessions: sessions,
                canCreateSeason: user.can(.editOrganizations) && org.id == user.scopeID,
                reachedCount: expected.filter(\.reached).count))
    }

    struct SeasonForm: Content {
        var name: String?
        var startsOn: String?
        var endsOn: String?
    }

    func createSeason(req: Request) async throws -> Response {
        let f = try req.content.decode(SeasonForm.self)
        do {
            let s = try await StudyAtHomeActions.createSeason(
                name: f.name, startsOn: f.startsOn, endsOn: f.endsOn, as: try req.acting)
            return req.redirect(to: "/home-study?season=\(s.id!.uuidString)", flash: "已设定：\(s.name)")
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/home-study", flash: errors.map(\.message).joined(separator: "；"))
        }
    }

    /// A session of a branch in a season, with the expected members it reached (`r_{memberId}`).
    func createSession(req: Request) async throws -> Response {
        let user = try req.user
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let branch = try await req.scopeOrganization(code: form["org"] ?? "")
        guard branch.level == .branch, !user.isInflowSide,
            let seasonID = form["season"].flatMap({ UUID(uuidString: $0) }),
            let season = try await StudyAtHomeStore.seasons(for: branch, on: req.db).first(where: { $0.id == seasonID })
        else { throw AppError.notFound }
        let back = "/home-study?org=\(branch.code)&season=\(season.id!.uuidString)"
        let members = form.keys.filter { $0.hasPrefix("r_") }.compactMap { UUID(uuidString: String($0.dropFirst(2))) }
        return try await req.act(back: back) {
            let n = try await StudyAtHomeActions.createSession(
                branch: branch, season: season, on: form["onDay"], place: form["place"], topic: form["topic"],
                course: form["course"].flatMap { UUID(uuidString: $0) }, reached: members, as: try req.acting)
            return "已记录，送达\(n)人，记入组织生活（座谈授课）"
        }
    }
}
