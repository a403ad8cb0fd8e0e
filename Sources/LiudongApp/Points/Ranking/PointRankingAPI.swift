import Fluent
import LiudongCore
import Vapor

/// `GET /api/v1/points/ranking?org=CODE&year=2026[&limit=100&offset=0]`: a ranking page for staff.
struct PointRankingAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.reviewPoints).get("api", "v1", "points", "ranking", use: ranking)
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

    func ranking(req: Request) async throws -> Ranking {
        let org = try await req.pointsReviewScope()
        guard let county = try await OrgTree.county(of: org, on: req.db) else {
            throw AppError.invalid([FieldError("org", "请指定旗县区或其下的党组织代码")])
        }
        let year = req.yearParameter()
        let limit = min(max((try? req.query.get(Int.self, at: "limit")) ?? 100, 1), 1000)
        let offset = min(max((try? req.query.get(Int.self, at: "offset")) ?? 0, 0), 10_000_000)
        let page = try await PointRankingStore.page(
            org: org, county: county, year: year, limit: limit, offset: offset, today: AppClock.today, on: req.db)
        return Ranking(
            published: page.published, year: year, org: org.code, count: page.count,
            items: page.rows.map {
                RankItem(memberId: $0.memberId.uuidString, name: $0.name, total: $0.total, rank: $0.rank, band: $0.band)
            })
    }
}
