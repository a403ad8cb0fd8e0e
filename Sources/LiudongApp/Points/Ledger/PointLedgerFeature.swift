import Fluent
import LiudongCore
import Vapor

/// Measure 4d — the ledger (积分明细): every point names the recorded fact it came from and the rule version that
/// gave it; recomputed from the facts, closed periods untouched. The member's phone shows it with the year's band.
struct PointLedgerFeature: Feature {
    let name = "points-ledger"

    func routes(_ routes: FeatureRoutes) throws {
        try PointLedgerPages().boot(routes)
        try PointLedgerAPI().boot(routes)
    }

    var commands: [(name: String, command: any AsyncCommand)] { [("points", PointsCommand())] }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        guard let m = try await Member.find(member.memberID, on: db),
            let county = try await PointRulesStore.pilotCounty(of: m, on: db)
        else { return [] }
        let today = AppClock.today
        let s = try await PointRankingStore.standing(
            member: m.id!, county: county, year: today.year, today: today, on: db)
        var lines = [
            MyTile.Line(
                text: "\(today.year)年积分：\(s?.total ?? 0)分" + (s.map { "，档次：\($0.band)" } ?? ""),
                note: "只记实际做了什么：学习、组织生活、先锋作用；每一分都可查看来由，有异议可申诉",
                actions: [
                    .init(label: "积分明细", path: "/my/points", primary: true, link: true),
                    .init(label: "申报", path: "/my/points#claim", link: true),
                ])
        ]
        if try await PointRankingStore.publication(county: county.id!, year: today.year - 1, on: db) != nil {
            lines.append(
                MyTile.Line(
                    text: "\(county.shortName)\(today.year - 1)年积分评比结果已公布",
                    actions: [.init(label: "查看", path: "/my/points/ranking?year=\(today.year - 1)", link: true)]))
        }
        return [MyTile(id: "points", title: "积分", lines: lines)]
    }
}
