import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Claims and appeals to decide, and talks with long-term low scorers: the branch secretary's side of the points.
struct PointsReviewController {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(.reviewPoints)
        review.get("points", "claims", use: claims)
        review.post("points", "claims", ":id", use: decideClaim)
        review.get("points", "claims", ":id", "photo", use: photo)
        review.get("points", "appeals", use: appeals)
        review.post("points", "appeals", ":id", use: decideAppeal)
        review.get("points", "talks", use: talks)
        review.post("points", "talks", use: recordTalk)
    }

    static func scopeOrg(_ req: Request) async throws -> Organization {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        return try await req.scopeOrganization()
    }

    func claims(req: Request) async throws -> Response {
        let org = try await Self.scopeOrg(req)
        struct Row: Decodable, Encodable, HasStatus {
            var id: UUID
            var member_id: UUID
            var name: String
            var branch: String
            var item_code: String
            var on_day: String
            var description: String
            var photo_sha256: String?
            var status: String
            var decision_reason: String?
            var decided_by: String?
        }
        let rows = try await req.db.sql().raw(
            """
            SELECT c.id, c.member_id, m.name, o.short_name AS branch, c.item_code, c.on_day, c.description,
                   c.photo_sha256, c.status, c.decision_reason, c.decided_by
            FROM point_claims c JOIN members m ON m.id = c.member_id JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", org.path))
            ORDER BY c.status <> 'pending', c.created_at DESC LIMIT 200
            """
        ).all(decoding: Row.self)
        return try await req.page(
            "points/claims", title: "积分申报审核", Queue(org, rows) { ClaimStatus(rawValue: $0)?.label ?? $0 })
    }

    /// A page of things to decide: those waiting, and those decided with their status in words.
    struct Queue<Row: Encodable & HasStatus>: Encodable {
        var org: String
        var orgName: String
        var pending: [Row]
        var decided: [Row]

        init(_ org: Organization, _ rows: [Row], label: (String) -> String) {
            self.org = org.code
            self.orgName = org.shortName
            pending = rows.filter { $0.status == "pending" }
            decided = rows.filter { $0.status != "pending" }.map {
                var r = $0
                r.status = label(r.status)
                return r
            }
        }
    }

    struct Decision: Content {
        var decision: String?
        var reason: String?
        var org: String?
    }

    func decideClaim(req: Request) async throws -> Response {
        let user = try req.user
        let (c, m) = try await PointClaimsService.claim(
            req.parameters.get("id").flatMap { UUID(uuidString: $0) }, for: user, on: req.db)
        let f = try req.content.decode(Decision.self)
        let approve = f.decision == "approve"
        return try await req.act(back: "/points/claims?org=\(OrgCode.clean(f.org))") {
            try await PointClaimsService.decide(c, member: m, approve: approve, reason: f.reason, by: user, on: req.db)
            try await req.audit(
                .update, "point-claim", ref: c.id!.uuidString,
                summary: "\(approve ? "通过" : "不通过")\(m.name)的积分申报（\(c.itemCode)，\(c.onDay)）"
                    + (f.reason.flatMap { Normalize.text($0) }.map { "：\($0)" } ?? ""))
            return approve ? "已通过\(m.name)的申报，积分已计入" : "已退回\(m.name)的申报，党员本人会看到理由"
        }
    }

    func photo(req: Request) async throws -> Response {
        let (c, _) = try await PointClaimsService.claim(
            req.parameters.get("id").flatMap { UUID(uuidString: $0) }, for: try req.user, on: req.db)
        return try Self.servePhoto(req, c)
    }

    static func servePhoto(_ req: Request, _ c: PointClaim) throws -> Response {
        guard let sha = c.photoSHA256, let kind = c.photoType.flatMap(ScanKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        return try PrivateFiles.serve(
            req, "points", name: "\(c.id!.uuidString).\(kind.fileExtension)", sha256: sha, kind: kind)
    }

    func appeals(req: Request) async throws -> Response {
        let org = try await Self.scopeOrg(req)
        struct Row: Decodable, Encodable, HasStatus {
            var id: UUID
            var member_id: UUID
            var name: String
            var branch: String
            var reason: String
            var status: String
            var outcome: String?
            var on_day: String?
            var item_name: String?
            var points: Int?
            var entry_reason: String?
        }
        let rows = try await req.db.sql().raw(
            """
            SELECT a.id, a.member_id, m.name, o.short_name AS branch, a.reason, a.status, a.outcome,
                   e.on_day, e.item_name, e.points, e.reason AS entry_reason
            FROM point_appeals a JOIN members m ON m.id = a.member_id JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN point_entries e ON e.id = a.entry_id
            WHERE \(PathPrefix("o.path", org.path))
            ORDER BY a.status <> 'pending', a.created_at DESC LIMIT 200
            """
        ).all(decoding: Row.self)
        return try await req.page(
            "points/appeals", title: "积分申诉处理", Queue(org, rows) { AppealStatus(rawValue: $0)?.label ?? $0 })
    }

    func decideAppeal(req: Request) async throws -> Response {
        let user = try req.user
        let (a, m) = try await PointClaimsService.appeal(
            req.parameters.get("id").flatMap { UUID(uuidString: $0) }, for: user, on: req.db)
        let f = try req.content.decode(Decision.self)
        let uphold = f.decision == "uphold"
        return try await req.act(back: "/points/appeals?org=\(OrgCode.clean(f.org))") {
            try await PointClaimsService.decide(a, member: m, uphold: uphold, outcome: f.reason, by: user, on: req.db)
            try await req.audit(
                .update, "point-appeal", ref: a.id!.uuidString,
                summary: "\(m.name)的积分申诉\(uphold ? "成立，撤销该条积分" : "不成立")")
            return uphold ? "申诉成立，该条积分已撤销" : "已答复申诉，该条积分保持不变"
        }
    }

    func talks(req: Request) async throws -> Response {
        let org = try await Self.scopeOrg(req)
        let today = AppClock.today
        let low = try await PointTalks.lowScorers(under: org.path, today: today, limit: 500, on: req.db)
        struct Talk: Decodable, Encodable {
            var name: String
            var branch: String
            var talked_on: String
            var way: String
            var summary: String
            var steps: String
            var recorded_by: String
        }
        let recent = try await req.db.sql().raw(
            """
            SELECT m.name, o.short_name AS branch, k.talked_on, k.way, k.summary, k.steps, k.recorded_by
            FROM point_talks k JOIN members m ON m.id = k.member_id JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", org.path)) ORDER BY k.talked_on DESC LIMIT 50
            """
        ).all(decoding: Talk.self).map {
            var t = $0
            t.way = TalkWay(rawValue: t.way)?.label ?? t.way
            return t
        }
        struct View: Encodable {
            var org: String
            var orgName: String
            var quarters: String
            var low: [PointTalks.LowScorer]
            var recent: [Talk]
            var ways: [Pair]
            var today: String
        }
        let q = PointTalks.quarters(today: today)
        return try await req.page(
            "points/talks", title: "约谈提醒",
            View(
                org: org.code, orgName: org.shortName, quarters: q.map { "\($0.0.chinese)和\($0.1.chinese)" } ?? "",
                low: low, recent: recent, ways: TalkWay.allCases.map { Pair($0.rawValue, $0.label) },
                today: today.description))
    }

    struct TalkForm: Content {
        var member: String?
        var talkedOn: String?
        var way: String?
        var summary: String?
        var steps: String?
        var org: String?
    }

    func recordTalk(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(TalkForm.self)
        guard let id = f.member.flatMap({ UUID(uuidString: $0) }), let m = try await Member.find(id, on: req.db),
            let branch = try await Organization.find(m.organizationID, on: req.db), user.covers(branch),
            !user.isInflowSide
        else { throw AppError.notFound }
        return try await req.act(back: "/points/talks?org=\(OrgCode.clean(f.org))") {
            let t = try await PointTalks.record(
                .init(member: f.member, talkedOn: f.talkedOn, way: f.way, summary: f.summary, steps: f.steps),
                member: m, by: user, today: AppClock.today, on: req.db)
            try await req.audit(
                .create, "point-talk", ref: m.id!.uuidString, summary: "记录与\(m.name)的约谈提醒（\(t.way.label)，\(t.talkedOn)）"
            )
            return "已记录与\(m.name)的谈话，记入本人档案"
        }
    }
}

/// A row of a decision queue: its status is `pending` until decided.
protocol HasStatus {
    var status: String { get set }
}
