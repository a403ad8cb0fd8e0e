import Fluent
import LiudongCore
import SQLKit
import Vapor

/// 困难帮扶、节日慰问 (care), a service mechanism: the register of members in difficulty with the help given and the
/// yearly review, and care campaigns with their targets per branch and every visit.
struct CareFeature: Feature {
    let name = "care"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(24, CreateCare())] }

    func routes(_ routes: FeatureRoutes) throws { try CarePages().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 73, permission: .keepCareRegister, link: { u in u.isInflowSide ? nil : ("/care", "帮扶慰问") })
        ]
    }

    var openAPI: String? { CareOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var out: [ArchiveEntry] = []
        for h in try await HardshipRecord.query(on: db).filter(\.$memberID == id).all() {
            out.append(
                ArchiveEntry(
                    at: h.verifiedOn, side: "流出地", kind: "困难帮扶",
                    text: "登记为困难党员（\(h.kind.label)，\(HardshipLevel(rawValue: h.level)?.label ?? "")），核实人\(h.verifiedBy)"
                        + (h.status == "closed" ? "；已销号：\(h.closedReason ?? "")" : "")))
        }
        for g in try await HardshipHelp.query(on: db).filter(\.$memberID == id).all() {
            out.append(
                ArchiveEntry(
                    at: g.givenOn, side: "流出地", kind: "困难帮扶",
                    text: (g.form == "money" ? "帮扶资金\(g.amount)元" : "帮扶物资：\(g.goods ?? "")（折合\(g.amount)元）")
                        + "，\(g.givenBy)，来源\(g.source)"))
        }
        for v in try await CareVisit.query(on: db).filter(\.$memberID == id).all() {
            let c = try await CareCampaign.find(v.campaignID, on: db)
            out.append(
                ArchiveEntry(
                    at: v.visitedOn, side: "流出地", kind: "节日慰问",
                    text: "\(c?.name ?? "慰问")：\(CareVisit.label(v.way))（\(v.visitor)），\(v.gifts)；近况：\(v.situation)"))
        }
        return out
    }

    /// Members in difficulty due for their yearly review, and care campaigns' targets not yet visited.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        let sql = try scope.sql()
        let day = scope.today.description
        var care: [WorkTally] = []
        if user.can(.keepCareRegister), !user.isInflowSide {
            let due = try await sql.raw(
                """
                SELECT m.organization_id AS org_id, COUNT(*) AS n FROM hardship_records h JOIN members m ON m.id = h.member_id
                JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", user.scopePath)) AND h.status = 'active' AND h.review_due < \(bind: day)
                GROUP BY m.organization_id
                """
            ).all(decoding: OrgCount.self)
            care.append(
                WorkTally(
                    kind: "hardshipReview", label: "到期待复核的困难党员", href: "/care#register",
                    counts: Dictionary(due.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)))
            // Care campaigns running now: targets not yet visited, per branch (the campaign's own subtree only) — for
            // branches and committees, who do the visiting. Counties and the city follow progress on the campaign's
            // page: listing a whole county's targets on every home page would cost more than the page itself.
            var open: [Int: Int] = [:]
            let visiting = [OrgLevel.branch, .generalBranch, .committee].contains(user.scopeLevel)
            let running =
                visiting
                ? try await CareCampaign.query(on: scope.db).filter(\.$startsOn <= day).filter(\.$endsOn >= day).all()
                : []
            for c in running {
                guard let owner = try await Organization.find(c.orgID, on: scope.db) else { continue }
                let path = owner.path.hasPrefix(user.scopePath) ? owner.path : user.scopePath
                guard path.hasPrefix(owner.path) else { continue }
                for t in try await CareActions.targets(c, under: path, on: scope.db) where !t.visited {
                    open[t.orgID, default: 0] += 1
                }
            }
            care.append(
                WorkTally(kind: "careVisits", label: "节日慰问待走访的党员", href: "/care#campaigns", counts: open))
        }
        return care
    }

    func loadDemo(_ demo: DemoContext) async throws { try await CareDemo.load(demo) }
}
