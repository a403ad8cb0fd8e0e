import Fluent
import LiudongCore
import Vapor

/// The branch secretary's queues of claims and appeals (`/points/claims`, `/points/appeals`) and the member's own
/// claim and appeal forms on `/my/points`.
struct PointClaimsPages {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(.reviewPoints)
        review.get("points", "claims", use: claims)
        review.post("points", "claims", ":id", use: decideClaim)
        review.get("points", "claims", ":id", "photo", use: photo)
        review.get("points", "appeals", use: appeals)
        review.post("points", "appeals", ":id", use: decideAppeal)
        let my = r.member
        my.on(
            .POST, "my", "points", "claims", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.photoLimit)),
            use: claim)
        my.post("my", "points", "appeals", use: appeal)
        my.get("my", "points", "claims", ":id", "photo", use: myPhoto)
    }

    /// A page of things to decide: those waiting, and those decided with their status in words.
    struct Queue<Row: Encodable>: Encodable {
        var org: String
        var orgName: String
        var pending: [Row]
        var decided: [Row]

        init(_ org: Organization, _ rows: [Row], pending isPending: (Row) -> Bool, labelled: (Row) -> Row) {
            self.org = org.code
            self.orgName = org.shortName
            pending = rows.filter(isPending)
            decided = rows.filter { !isPending($0) }.map(labelled)
        }
    }

    func claims(req: Request) async throws -> Response {
        let org = try await req.pointsReviewScope()
        let rows = try await PointClaimsStore.claimQueue(under: org.path, on: req.db)
        return try await req.page(
            "points/claims", title: "积分申报审核",
            Queue(org, rows, pending: { ClaimStatus(rawValue: $0.status) == .pending }) {
                var r = $0
                r.status = ClaimStatus(rawValue: r.status)?.label ?? r.status
                return r
            })
    }

    func appeals(req: Request) async throws -> Response {
        let org = try await req.pointsReviewScope()
        let rows = try await PointClaimsStore.appealQueue(under: org.path, on: req.db)
        return try await req.page(
            "points/appeals", title: "积分申诉处理",
            Queue(org, rows, pending: { AppealStatus(rawValue: $0.status) == .pending }) {
                var r = $0
                r.status = AppealStatus(rawValue: r.status)?.label ?? r.status
                return r
            })
    }

    struct Decision: Content {
        var decision: String?
        var reason: String?
        var org: String?
    }

    func decideClaim(req: Request) async throws -> Response {
        let (c, m) = try await req.reviewedClaim()
        let f = try req.content.decode(Decision.self)
        let approve = f.decision == "approve"
        return try await req.act(back: "/points/claims?org=\(OrgCode.clean(f.org))") {
            try await PointClaimsActions.decide(c, member: m, approve: approve, reason: f.reason, as: try req.acting)
            return approve ? "已通过\(m.name)的申报，积分已计入" : "已退回\(m.name)的申报，党员本人会看到理由"
        }
    }

    func decideAppeal(req: Request) async throws -> Response {
        _ = try req.user
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let a = try await PointClaimsStore.appeal(id, on: req.db)
        else { throw AppError.notFound }
        let (m, _) = try await req.pointsMember(a.memberID.uuidString)
        let f = try req.content.decode(Decision.self)
        let uphold = f.decision == "uphold"
        return try await req.act(back: "/points/appeals?org=\(OrgCode.clean(f.org))") {
            try await PointClaimsActions.decide(a, member: m, uphold: uphold, outcome: f.reason, as: try req.acting)
            return uphold ? "申诉成立，该条积分已撤销" : "已答复申诉，该条积分保持不变"
        }
    }

    func photo(req: Request) async throws -> Response {
        let (c, _) = try await req.reviewedClaim()
        return try await Self.servePhoto(req, c)
    }

    static func servePhoto(_ req: Request, _ c: PointClaim) async throws -> Response {
        guard let sha = c.photoSHA256, let kind = c.photoType.flatMap(ScanKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        return try await req.application.files.serve(req, sha256: sha, kind: kind)
    }

    struct ClaimForm: Content {
        var itemCode: String?
        var on: String?
        var description: String?
        var photo: File?
    }

    func claim(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        guard let f = try? req.content.decode(ClaimForm.self) else {
            return req.redirect(to: "/my/points", flash: "未能读取表单，请重试")
        }
        let photo = f.photo.flatMap { $0.data.readableBytes > 0 ? Array(buffer: $0.data) : nil }
        return try await req.act(back: "/my/points") {
            _ = try await PointClaimsActions.submit(
                .init(itemCode: f.itemCode, on: f.on, description: f.description), photo: photo, member: m,
                app: req.application, as: try req.actingMember)
            return "申报已提交，党支部书记审核后计入积分"
        }
    }

    func appeal(req: Request) async throws -> Response {
        let me = try req.member
        let f = try req.content.decode(PointClaimsActions.AppealInput.self)
        return try await req.act(back: "/my/points") {
            _ = try await PointClaimsActions.appeal(f, member: me.memberID, as: try req.actingMember)
            return "申诉已提交，党支部书记处理后会在该条记录上答复"
        }
    }

    func myPhoto(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let c = try await PointClaimsStore.claim(id, on: req.db), c.memberID == me.memberID
        else { throw AppError.notFound }
        return try await Self.servePhoto(req, c)
    }
}

extension Request {
    /// The organization whose points work the staff account reviews (`?org=`, within its scope; never the inflow
    /// side).
    func pointsReviewScope() async throws -> Organization {
        guard !(try user).isInflowSide else { throw AppError.notFound }
        return try await scopeOrganization()
    }

    /// The claim `:id` and its member, when the account's scope covers the member's branch (404 otherwise).
    func reviewedClaim() async throws -> (PointClaim, Member) {
        try await PointClaimsStore.claim(parameters.get("id").flatMap { UUID(uuidString: $0) }, for: user, on: db)
    }
}
