import Fluent
import LiudongCore
import Vapor

/// Rankings: staff see the full list of their scope (`/points/ranking`), live during the year and frozen once
/// published (`POST /points/publish`); members see the county's published ranking in the form the county chose
/// (`/my/points/ranking`).
struct PointRankingPages {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.reviewPoints).get("points", "ranking", use: ranking)
        r.signedIn(.managePoints).post("points", "publish", use: publish)
        r.member.get("my", "points", "ranking", use: mine)
    }

    struct StaffView: Encodable {
        var org: String
        var orgName: String
        var county: String
        var year: Int
        var published: Bool
        var publishedNote: String?
        var count: Int
        var rows: [PointRankingStore.Row]
        var bands: [Pair]
        var page: Int
        var pages: Int
        var prev: Int?
        var next: Int?
        var counties: [Pair]
    }

    /// `/points/ranking?org=&year=&page=`.
    func ranking(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let org = try await req.scopeOrganization()
        var found = try await OrgTree.county(of: org, on: req.db)
        if found == nil { found = try await PointRulesStore.firstPilot(under: org, on: req.db) }
        guard let county = found else { throw AppError.notFound }
        let scoped = county.path.hasPrefix(org.path) ? county : org
        let year = req.yearParameter()
        let pageNo = req.pageNumber()
        let size = 50
        let page = try await PointRankingStore.page(
            org: scoped, county: county, year: year, limit: size, offset: (pageNo - 1) * size, today: AppClock.today,
            on: req.db)
        let pages = max(1, (page.count + size - 1) / size)
        let pilots = try await PointRulesStore.pilots(on: req.db).compactMap(\.id)
        let counties = try await PointRulesStore.counties(for: user, on: req.db)
            .filter { pilots.contains($0.id!) && $0.path.hasPrefix(user.scopePath) }
        return try await req.page(
            "points/ranking", title: "积分排名",
            StaffView(
                org: scoped.code, orgName: scoped.shortName, county: county.shortName, year: year,
                published: page.published,
                publishedNote: page.publication.map {
                    "\(year)年评比已于\(CalendarDate(date: $0.publishedAt ?? AppClock.now))公布并冻结（向党员\($0.publicForm.label)）；"
                        + PointNoticeRules.status(until: $0.noticeUntil, today: AppClock.today)
                }, count: page.count, rows: page.rows, bands: page.bands.map { Pair($0.label, String($0.count)) },
                page: pageNo, pages: pages, prev: pageNo > 1 ? pageNo - 1 : nil,
                next: pageNo < pages ? pageNo + 1 : nil,
                counties: counties.map { Pair($0.code, $0.shortName) }))
    }

    struct PublishForm: Content {
        var county: String?
        var year: Int?
        var publicForm: String?
    }

    func publish(req: Request) async throws -> Response {
        let f = try req.content.decode(PublishForm.self)
        let county = try await req.managedPointCounty(f.county)
        let year = f.year ?? 0
        return try await req.act(back: "/points?county=\(county.code)&year=\(year)") {
            let form = f.publicForm.flatMap(PublicForm.init(rawValue:)) ?? .bands
            let p = try await PointRankingActions.publish(county: county, year: year, form: form, as: try req.acting)
            return "已公布\(year)年积分评比，\(p.members)名党员的排名已冻结"
        }
    }

    struct MyView: Encodable {
        var year: Int
        var county: String?
        var published: Bool
        var list: Bool
        var rows: [PointRankingStore.Row]
        var bands: [Pair]
        var mine: String?
        /// The notice period (公示期) and how to object.
        var notice: String?
        var objecting: Bool
        var page: Int
        var next: Int?
        var prev: Int?
    }

    /// The county's published ranking as the county chose to show it: the full list, or the members per band.
    func mine(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let year = PointSettingsRules.year(try? req.query.get(Int.self, at: "year")) ?? AppClock.today.year - 1
        let county = try await PointRulesStore.pilotCounty(of: m, on: req.db)
        let pub =
            try await county.asyncMap {
                try await PointRankingStore.publication(county: $0.id!, year: year, on: req.db)
            } ?? nil
        var view = MyView(
            year: year, county: county?.shortName, published: pub != nil, list: pub?.publicForm == .list, rows: [],
            bands: [], mine: nil,
            notice: pub.map { PointNoticeRules.status(until: $0.noticeUntil, today: AppClock.today) },
            objecting: PointNoticeRules.open(until: pub?.noticeUntil, today: AppClock.today), page: 1,
            next: nil, prev: nil)
        if let county, let pub {
            let pageNo = req.pageNumber()
            let size = 50
            let page = try await PointRankingStore.page(
                org: county, county: county, year: year, limit: pub.publicForm == .list ? size : 0,
                offset: (pageNo - 1) * size, today: AppClock.today, on: req.db)
            view.rows = page.rows
            view.bands = page.bands.map { Pair($0.label, String($0.count)) }
            view.page = pageNo
            view.prev = pageNo > 1 ? pageNo - 1 : nil
            view.next = pageNo * size < page.count && pub.publicForm == .list ? pageNo + 1 : nil
            if let s = try await PointRankingStore.standing(
                member: m.id!, county: county, year: year, today: AppClock.today, on: req.db)
            {
                view.mine =
                    "\(s.total)分，" + (pub.publicForm == .list ? "第\(s.rank)名（共\(s.count)人），" : "") + "档次：\(s.band)"
            }
        }
        return try await req.myPage("my/points-ranking", title: "积分评比结果", view)
    }
}
