import Fluent
import LiudongCore
import Vapor

/// `/points/talks`: long-term low scorers to talk with, and the talks recorded under the organization.
struct PointTalksPages {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(.reviewPoints)
        review.get("points", "talks", use: talks)
        review.post("points", "talks", use: record)
    }

    struct View: Encodable {
        var org: String
        var orgName: String
        var quarters: String
        var low: [LowScorer]
        var recent: [RecentTalk]
        var ways: [Pair]
        var today: String
    }

    func talks(req: Request) async throws -> Response {
        let org = try await req.pointsReviewScope()
        let today = AppClock.today
        let low = try await PointTalksStore.lowScorers(under: org.path, today: today, limit: 500, on: req.db)
        let recent = try await PointTalksStore.recent(under: org.path, on: req.db)
        let q = PointTalkRules.quarters(today: today)
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

    func record(req: Request) async throws -> Response {
        let f = try req.content.decode(TalkForm.self)
        let (m, _) = try await req.pointsMember(f.member)
        return try await req.act(back: "/points/talks?org=\(OrgCode.clean(f.org))") {
            _ = try await PointTalksActions.record(
                .init(talkedOn: f.talkedOn, way: f.way, summary: f.summary, steps: f.steps), member: m,
                as: try req.acting)
            return "已记录与\(m.name)的谈话，记入本人档案"
        }
    }
}
