import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The branch's side of the diary (read, comment, mark 优秀), study delivered home in a return season, and red
/// packages mailed to members.
struct StudyAtHomePages {
    func boot(_ r: FeatureRoutes) throws {
        let m = r.signedIn(.manageLearning)
        m.get("diaries", use: diaries)
        m.post("diaries", ":id", "review", use: review)
        m.get("diaries", ":id", "photo", use: photo)
        m.get("home-study", use: homeStudy)
        r.signedIn(.editOrganizations).post("home-study", "seasons", use: createSeason)
        m.post("home-study", "sessions", use: createSession)
        m.get("red-packages", use: packages)
        m.post("red-packages", use: send)
    }

    // MARK: Diary

    func diaries(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        struct Row: Decodable, Encodable {
            var id: UUID
            var name: String
            var branch: String
            var on_day: String
            var text: String
            var photo_sha256: String?
            var comment: String?
            var excellent: Bool
        }
        let rows = try await req.db.sql().raw(
            """
            SELECT d.id, m.name, o.short_name AS branch, d.on_day, d.text, d.photo_sha256, d.comment, d.excellent
            FROM organizations o JOIN members m ON m.organization_id = o.id JOIN diary_entries d ON d.member_id = m.id
            WHERE \(PathPrefix("o.path", org.path))
            ORDER BY d.comment IS NOT NULL, d.on_day DESC LIMIT 100
            """
        ).all(decoding: Row.self)
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [Row]
        }
        return try await req.page(
            "learning/diaries", title: "党员先锋岗工作日记", View(code: org.code, name: org.name, rows: rows))
    }

    static func entry(_ req: Request) async throws -> DiaryEntry {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let e = try await DiaryEntry.find(id, on: req.db),
            let m = try await Member.find(e.memberID, on: req.db),
            let branch = try await Organization.find(m.organizationID, on: req.db), user.covers(branch),
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
        let comment = Normalize.text(f.comment)
        guard (comment?.count ?? 0) <= 500 else { return req.redirect(to: back, flash: "点评请控制在500字以内") }
        e.comment = comment
        e.commentedBy = try req.user.displayName
        e.excellent = f.excellent != nil
        try await e.update(on: req.db)
        try await req.audit(
            .update, "diary", ref: e.id!.uuidString, summary: "点评先锋岗日记\(e.onDay)" + (e.excellent ? "，评为优秀" : ""))
        return req.redirect(to: back, flash: e.excellent ? "已点评并评为优秀" : "已点评")
    }

    func photo(req: Request) async throws -> Response {
        try MyDiaryPages.servePhoto(req, try await Self.entry(req))
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
        let seasons = try await ReturnSeason.query(on: req.db).filter(\.$orgID ~~ org.pathIDs).sort(
            \.$startsOn, .descending
        ).all()
        let chosen =
            (try? req.query.get(String.self, at: "season")).flatMap({ UUID(uuidString: $0) }).flatMap { id in
                seasons.first { $0.id == id }
            } ?? seasons.first
        var expected: [Expected] = []
        var sessions: [SessionRow] = []
        if let s = chosen, org.level == .branch {
            struct Row: Decodable {
                var id: UUID
                var name: String
                var expected_return_on: String?
                var returned_on: String?
            }
            let rows = try await req.db.sql().raw(
                """
                SELECT m.id, m.name, f.expected_return_on, f.returned_on FROM members m JOIN flows f ON f.member_id = m.id
                WHERE m.organization_id = \(bind: org.id!)
                  AND ((f.expected_return_on >= \(bind: s.startsOn) AND f.expected_return_on <= \(bind: s.endsOn))
                    OR (f.returned_on >= \(bind: s.startsOn) AND f.returned_on <= \(bind: s.endsOn)))
                ORDER BY m.name
                """
            ).all(decoding: Row.self)
            let mine = try await HomeStudySession.query(on: req.db).filter(\.$seasonID == s.id!).filter(
                \.$branchID == org.id!
            ).sort(\.$onDay).all()
            var reachedBy: [UUID: [UUID]] = [:]
            if !mine.isEmpty {
                for row in try await req.db.sql().raw(
                    "SELECT session_id, member_id FROM home_study_reached WHERE session_id IN \(SQLBind.group(mine.map { $0.id! }))"
                ).all() {
                    reachedBy[try row.decode(column: "session_id", as: UUID.self), default: []].append(
                        try row.decode(column: "member_id", as: UUID.self))
                }
            }
            let names: [UUID: String] = Dictionary(
                rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let reachedAll = Set(reachedBy.values.flatMap { $0 })
            var seen = Set<UUID>()
            for r in rows where seen.insert(r.id).inserted {
                expected.append(
                    Expected(
                        id: r.id.uuidString, name: r.name,
                        why: r.returned_on.map { "\($0)已返回" } ?? "预计\(r.expected_return_on ?? "")返回",
                        reached: reachedAll.contains(r.id)))
            }
            sessions = mine.map { session in
                SessionRow(
                    on: session.onDay, place: session.place, topic: session.topic,
                    reached: (reachedBy[session.id!] ?? []).map { names[$0] ?? "（已不在本支部）" })
            }
        }
        struct View: Encodable {
            var code: String
            var name: String
            var isBranch: Bool
            var seasons: [SeasonRow]
            var season: SeasonRow?
            var expected: [Expected]
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
                season: rows.first(where: \.selected), expected: expected, sessions: sessions,
                canCreateSeason: user.can(.editOrganizations) && org.id == user.scopeID,
                reachedCount: expected.filter(\.reached).count))
    }

    struct SeasonForm: Content {
        var name: String?
        var startsOn: String?
        var endsOn: String?
    }

    func createSeason(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(SeasonForm.self)
        guard let name = Normalize.text(f.name), name.count <= 30,
            let from = Normalize.text(f.startsOn).flatMap({ CalendarDate($0) }),
            let to = Normalize.text(f.endsOn).flatMap({ CalendarDate($0) }), from <= to, to <= from.adding(days: 120)
        else {
            return req.redirect(to: "/home-study", flash: "请填写名称（30字以内）和起止日期（不超过120天）")
        }
        let s = ReturnSeason()
        s.orgID = user.scopeID
        s.name = name
        s.startsOn = from.description
        s.endsOn = to.description
        s.createdBy = user.username
        try await s.create(on: req.db)
        try await req.audit(.create, "return-season", ref: s.id!.uuidString, summary: "设定返乡时段：\(name)（\(from)至\(to)）")
        return req.redirect(to: "/home-study?season=\(s.id!.uuidString)", flash: "已设定：\(name)")
    }

    /// A session of a branch in a season, with the expected members it reached (`r_{memberId}`).
    func createSession(req: Request) async throws -> Response {
        let user = try req.user
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let branch = try await req.scopeOrganization(code: form["org"] ?? "")
        guard branch.level == .branch, !user.isInflowSide,
            let season = try await form["season"].flatMap({ UUID(uuidString: $0) }).asyncMap({
                try await ReturnSeason.find($0, on: req.db)
            }) ?? nil, branch.pathIDs.contains(season.orgID)
        else { throw AppError.notFound }
        let back = "/home-study?org=\(branch.code)&season=\(season.id!.uuidString)"
        guard let day = Normalize.text(form["onDay"]).flatMap({ CalendarDate($0) }),
            day.description >= season.startsOn, day.description <= season.endsOn,
            let place = Normalize.text(form["place"]), place.count <= 100,
            let topic = Normalize.text(form["topic"]), topic.count <= 200
        else { return req.redirect(to: back, flash: "请填写返乡时段内的日期、地点（100字内）和学习内容（200字内）") }
        let members = form.keys.filter { $0.hasPrefix("r_") }.compactMap { UUID(uuidString: String($0.dropFirst(2))) }
        let onRoster = try await Member.query(on: req.db).filter(\.$id ~~ members).filter(
            \.$organizationID == branch.id!
        ).all(\.$id)
        let s = HomeStudySession()
        s.seasonID = season.id!
        s.branchID = branch.id!
        s.onDay = day.description
        s.place = place
        s.topic = topic
        s.createdBy = user.username
        try await req.db.transaction { tx in
            try await s.create(on: tx)
            for m in Set(onRoster) {
                try await tx.sql().insert(into: "home_study_reached").columns("session_id", "member_id")
                    .values(SQLBind(s.id!), SQLBind(m)).run()
            }
        }
        try await req.audit(
            .create, "home-study", ref: s.id!.uuidString, summary: "送学上门：\(topic)，\(day)，送达\(onRoster.count)人")
        return req.redirect(to: back, flash: "已记录，送达\(onRoster.count)人")
    }

    // MARK: Red packages

    func packages(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        struct Row: Decodable, Encodable {
            var name: String
            var branch: String
            var contents: String
            var sent_on: String
            var courier: String
            var tracking_no: String
            var confirmed_on: String?
            var late: Bool?
        }
        let late = AppClock.today.adding(days: -RedPackage.confirmDays).description
        var rows = try await req.db.sql().raw(
            """
            SELECT m.name, o.short_name AS branch, p.contents, p.sent_on, p.courier, p.tracking_no, p.confirmed_on
            FROM organizations o JOIN red_packages p ON p.branch_id = o.id JOIN members m ON m.id = p.member_id
            WHERE \(PathPrefix("o.path", org.path)) ORDER BY p.confirmed_on IS NOT NULL, p.sent_on DESC LIMIT 200
            """
        ).all(decoding: Row.self)
        for i in rows.indices {
            rows[i].late = rows[i].confirmed_on == nil && rows[i].sent_on < late
            rows[i].contents = rows[i].contents.replacingOccurrences(of: "\n", with: "、")
        }
        struct Option: Encodable {
            var id: String
            var name: String
        }
        var mobile: [Option] = []
        if org.level == .branch {
            mobile = try await Member.query(on: req.db).filter(\.$organizationID == org.id!)
                .filter(\.$flowStatus != nil).sort(\.$name).all().map { Option(id: $0.id!.uuidString, name: $0.name) }
        }
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [Row]
            var mobile: [Option]
            var today: String
        }
        return try await req.page(
            "learning/red-packages", title: "红色包裹",
            View(code: org.code, name: org.name, rows: rows, mobile: mobile, today: AppClock.today.description))
    }

    struct PackageForm: Content {
        var org: String?
        var memberId: String?
        var contents: String?
        var sentOn: String?
        var courier: String?
        var trackingNo: String?
    }

    func send(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(PackageForm.self)
        let branch = try await req.scopeOrganization(code: f.org ?? "")
        guard !user.isInflowSide, branch.level == .branch else { throw AppError.notFound }
        let back = "/red-packages?org=\(branch.code)"
        guard let id = Normalize.text(f.memberId).flatMap({ UUID(uuidString: $0) }),
            let m = try await Member.find(id, on: req.db),
            m.organizationID == branch.id
        else { return req.redirect(to: back, flash: "请选择本支部的党员") }
        let items = (f.contents ?? "").split(whereSeparator: \.isNewline).compactMap { Normalize.text(String($0)) }
        guard !items.isEmpty, items.count <= 30, items.allSatisfy({ $0.count <= 100 }) else {
            return req.redirect(to: back, flash: "请逐行填写包裹内容（每行一项，最多30项）")
        }
        guard let day = Normalize.text(f.sentOn).flatMap({ CalendarDate($0) }), day <= AppClock.today,
            let courier = Normalize.text(f.courier), courier.count <= 30,
            let tracking = Normalize.text(f.trackingNo), tracking.count <= 40
        else { return req.redirect(to: back, flash: "请填写寄出日期（不晚于今天）、快递公司和运单号") }
        let p = RedPackage()
        p.memberID = m.id!
        p.branchID = branch.id!
        p.contents = items.joined(separator: "\n")
        p.sentOn = day.description
        p.courier = courier
        p.trackingNo = tracking
        p.createdBy = user.username
        try await p.create(on: req.db)
        try await req.audit(
            .create, "red-package", ref: p.id!.uuidString, summary: "向\(m.name)寄出红色包裹（\(courier) \(tracking)）")
        return req.redirect(to: back, flash: "已登记寄给\(m.name)的红色包裹，待本人确认收到")
    }
}
