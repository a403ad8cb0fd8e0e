import Fluent
import LiudongCore
import Vapor

/// `/api/v1/points…`: a member's ledger (members their own, staff their scope), rankings, claims and appeals.
struct PointsAPIController {

    func boot(_ r: FeatureRoutes) throws {
        // Served to staff and members alike: the handler decides whose ledger each may read.
        r.public.get("api", "v1", "points", use: ledger)
        r.signedIn(.reviewPoints).get("api", "v1", "points", "ranking", use: ranking)
        r.member.get("api", "v1", "my", "points", use: mine)
        r.member.on(
            .POST, "api", "v1", "my", "points", "claims",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.claimLimit)), use: claim)
        r.member.post("api", "v1", "my", "points", "appeals", use: appeal)
    }

    struct Source: Content {
        var kind: String
        var id: String
    }

    struct Entry: Content {
        var id: String
        var on: String
        var item: String
        var itemCode: String
        var points: Int
        var capped: Bool
        var source: Source
        var status: String
        var ruleVersion: Int
        var reason: String
    }

    struct Ledger: Content {
        var member: String
        var year: Int
        var total: Int
        var band: String?
        var entries: [Entry]
    }

    static func ledger(_ m: Member, year: Int, on db: Database) async throws -> Ledger {
        let p = try await MemberPoints.load(member: m, year: year, today: AppClock.today, on: db)
        return Ledger(
            member: m.id!.uuidString, year: year, total: p.total, band: p.band,
            entries: p.entries.map {
                Entry(
                    id: $0.id, on: $0.on, item: $0.item, itemCode: $0.itemCode, points: $0.points, capped: $0.capped,
                    source: Source(kind: $0.sourceKind, id: $0.sourceId), status: $0.status,
                    ruleVersion: $0.ruleVersion,
                    reason: $0.reason)
            })
    }

    /// `GET /api/v1/points?member=ID&year=2026`: staff for a member of their scope; a member for themself only.
    func ledger(req: Request) async throws -> Ledger {
        let year = req.yearParameter()
        let id = (try? req.query.get(String.self, at: "member")).flatMap { UUID(uuidString: $0) }
        if let user = req.auth.get(CurrentUser.self) {
            guard user.can(.reviewPoints) else { throw AppError.forbidden }
            guard let id, let m = try await Member.find(id, on: req.db),
                let branch = try await Organization.find(m.organizationID, on: req.db), user.covers(branch),
                !user.isInflowSide
            else { throw AppError.notFound }
            return try await Self.ledger(m, year: year, on: req.db)
        }
        if let me = req.auth.get(CurrentMember.self) {
            guard id == nil || id == me.memberID, let m = try await Member.find(me.memberID, on: req.db) else {
                throw AppError.notFound
            }
            return try await Self.ledger(m, year: year, on: req.db)
        }
        throw AppError.unauthorized
    }

    func mine(req: Request) async throws -> Ledger {
        guard let m = try await Member.find(try req.member.memberID, on: req.db) else { throw AppError.notFound }
        return try await Self.ledger(m, year: req.yearParameter(), on: req.db)
    }

    struct RankItem: Content {
        var memberId: String
        var name: String
        var total: Int
        var rank: Int
        var band: String
    }

    struct Ranking: Content {
        var published: Bool
        var year: Int
        var org: String
        var count: Int
        var items: [RankItem]
    }

    /// `GET /api/v1/points/ranking?org=CODE&year=2026[&limit=100&offset=0]`.
    func ranking(req: Request) async throws -> Ranking {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let org = try await req.scopeOrganization()
        guard let county = try await OrgTree.county(of: org, on: req.db) else {
            throw AppError.invalid([FieldError("org", "请指定旗县区或其下的党组织代码")])
        }
        let year = req.yearParameter()
        let limit = min(max((try? req.query.get(Int.self, at: "limit")) ?? 100, 1), 1000)
        let offset = min(max((try? req.query.get(Int.self, at: "offset")) ?? 0, 0), 10_000_000)
        let page = try await PointRanking.page(
            org: org, county: county, year: year, limit: limit, offset: offset, today: AppClock.today, on: req.db)
        return Ranking(
            published: page.published, year: year, org: org.code, count: page.count,
            items: page.rows.map {
                RankItem(memberId: $0.memberId.uuidString, name: $0.name, total: $0.total, rank: $0.rank, band: $0.band)
            })
    }

    struct Created: Content {
        var id: String
        var status: String
    }

    /// `POST /api/v1/my/points/claims` `{"itemCode","on","description","photo"?}` (photo: base64 JPEG or PNG).
    func claim(req: Request) async throws -> Response {
        let me = try req.member
        guard let m = try await Member.find(me.memberID, on: req.db) else { throw AppError.notFound }
        let input = try req.content.decode(PointClaimsService.ClaimInput.self)
        var photo: [UInt8]?
        if let raw = input.photo, !raw.isEmpty {
            let text = raw.range(of: "base64,").map { String(raw[$0.upperBound...]) } ?? raw
            guard text.utf8.count <= CSRFMiddleware.claimLimit,
                let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            else { throw AppError.invalid([FieldError("photo", "照片应为 base64 编码的 JPG 或 PNG 图片")]) }
            photo = Array(data)
        }
        let c = try await PointClaimsService.submit(
            input, photo: photo, member: m, today: AppClock.today, app: req.application, on: req.db)
        try await MyPointsController.auditClaim(req, me, c)
        let res = Response(status: .created)
        try res.content.encode(Created(id: c.id!.uuidString, status: c.status.rawValue), as: .json)
        return res
    }

    /// `POST /api/v1/my/points/appeals` `{"entryId","reason"}`.
    func appeal(req: Request) async throws -> Response {
        let me = try req.member
        let input = try req.content.decode(PointClaimsService.AppealInput.self)
        let a = try await PointClaimsService.appeal(input, member: me.memberID, on: req.db)
        try await MyPointsController.auditAppeal(req, me, a)
        let res = Response(status: .created)
        try res.content.encode(Created(id: a.id!.uuidString, status: a.status.rawValue), as: .json)
        return res
    }
}
