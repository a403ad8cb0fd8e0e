import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The member's own points: this year's total, rank band and every entry with its reason; claims with an optional
/// photo; appeals; the county's published ranking in the form the county chose.
struct MyPointsController {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "points", use: points)
        my.on(
            .POST, "my", "points", "claims", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.photoLimit)),
            use: claim)
        my.post("my", "points", "appeals", use: appeal)
        my.get("my", "points", "claims", ":id", "photo", use: photo)
        my.get("my", "points", "ranking", use: ranking)
    }

    func points(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let today = AppClock.today
        let year = req.yearParameter()
        let ledger = try await MemberPoints.load(member: m, year: year, today: today, on: req.db)
        let county = try await PointClaimsService.pilotCounty(of: m, on: req.db)
        let items =
            try await county.asyncMap { try await PointClaimsService.claimItems(county: $0, on: today, db: req.db) }
            ?? []
        struct View: Encodable {
            var year: Int
            var ledger: MemberPoints
            var items: [Pair]
            var today: String
            var earliest: String
        }
        return try await req.myPage(
            "my/points", title: "我的积分",
            View(
                year: year, ledger: ledger,
                items: items.map { Pair($0.code, "\($0.name)（每次\(PointEngine.signed($0.points))分）") },
                today: today.description, earliest: today.adding(days: -90).description))
    }

    struct ClaimForm: Content {
        var itemCode: String?
        var on: String?
        var description: String?
        var photo: File?
    }

    func claim(req: Request) async throws -> Response {
        let me = try req.member
        let m = try await req.currentMemberRecord()
        guard let f = try? req.content.decode(ClaimForm.self) else {
            return req.redirect(to: "/my/points", flash: "未能读取表单，请重试")
        }
        let photo = f.photo.flatMap { $0.data.readableBytes > 0 ? Array(buffer: $0.data) : nil }
        return try await req.act(back: "/my/points") {
            let c = try await PointClaimsService.submit(
                .init(itemCode: f.itemCode, on: f.on, description: f.description), photo: photo, member: m,
                today: AppClock.today, app: req.application, on: req.db)
            try await Self.auditClaim(req, me, c)
            return "申报已提交，党支部书记审核后计入积分"
        }
    }

    static func auditClaim(_ req: Request, _ me: CurrentMember, _ c: PointClaim) async throws {
        try await Audit.record(
            .create, "point-claim", ref: c.id!.uuidString,
            summary: "党员本人申报积分（\(c.itemCode)，\(c.onDay)）" + (c.photoSHA256 == nil ? "" : "，附照片"), user: nil,
            username: me.auditName, client: req.clientAddress, on: req.db)
    }

    static func auditAppeal(_ req: Request, _ me: CurrentMember, _ a: PointAppeal) async throws {
        try await Audit.record(
            .create, "point-appeal", ref: a.id!.uuidString, summary: "党员本人对积分记录提出申诉", user: nil,
            username: me.auditName, client: req.clientAddress, on: req.db)
    }

    struct AppealForm: Content {
        var entryId: String?
        var reason: String?
    }

    func appeal(req: Request) async throws -> Response {
        let me = try req.member
        let f = try req.content.decode(AppealForm.self)
        return try await req.act(back: "/my/points") {
            let a = try await PointClaimsService.appeal(
                .init(entryId: f.entryId, reason: f.reason), member: me.memberID, on: req.db)
            try await Self.auditAppeal(req, me, a)
            return "申诉已提交，党支部书记处理后会在该条记录上答复"
        }
    }

    func photo(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let c = try await PointClaim.find(id, on: req.db), c.memberID == me.memberID
        else { throw AppError.notFound }
        return try PointsReviewController.servePhoto(req, c)
    }

    /// The county's published ranking as the county chose to show it: the full list, or the members per band.
    func ranking(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let year =
            (try? req.query.get(Int.self, at: "year")).flatMap { (2000...2100).contains($0) ? $0 : nil }
            ?? AppClock.today.year - 1
        let county = try await PointClaimsService.pilotCounty(of: m, on: req.db)
        let pub =
            try await county.asyncMap { try await PointRanking.publication(county: $0.id!, year: year, on: req.db) }
            ?? nil
        struct View: Encodable {
            var year: Int
            var county: String?
            var published: Bool
            var list: Bool
            var rows: [PointRanking.Row]
            var bands: [Pair]
            var mine: String?
            var page: Int
            var next: Int?
            var prev: Int?
        }
        var view = View(
            year: year, county: county?.shortName, published: pub != nil, list: pub?.publicForm == .list, rows: [],
            bands: [], mine: nil, page: 1, next: nil, prev: nil)
        if let county, let pub {
            let pageNo = req.pageNumber()
            let size = 50
            let page = try await PointRanking.page(
                org: county, county: county, year: year, limit: pub.publicForm == .list ? size : 0,
                offset: (pageNo - 1) * size, today: AppClock.today, on: req.db)
            view.rows = page.rows
            view.bands = page.bands.map { Pair($0.label, String($0.count)) }
            view.page = pageNo
            view.prev = pageNo > 1 ? pageNo - 1 : nil
            view.next = pageNo * size < page.count && pub.publicForm == .list ? pageNo + 1 : nil
            if let s = try await PointRanking.standing(
                member: m.id!, county: county, year: year, today: AppClock.today, on: req.db)
            {
                view.mine =
                    "\(s.total)分，" + (pub.publicForm == .list ? "第\(s.rank)名（共\(s.count)人），" : "") + "档次：\(s.band)"
            }
        }
        return try await req.myPage("my/points-ranking", title: "积分评比结果", view)
    }
}
