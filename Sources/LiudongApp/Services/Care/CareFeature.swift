import Fluent
import LiudongCore
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
        let (records, helps, visits) = try await CareStore.history(of: id, on: db)
        for h in records {
            out.append(
                ArchiveEntry(
                    at: h.verifiedOn, side: "流出地", kind: "困难帮扶",
                    text: "登记为困难党员（\(h.kind.label)，\(HardshipLevel(rawValue: h.level)?.label ?? "")），核实人\(h.verifiedBy)"
                        + (h.status == .closed ? "；已销号：\(h.closedReason ?? "")" : "")))
        }
        for g in helps {
            out.append(
                ArchiveEntry(
                    at: g.givenOn, side: "流出地", kind: "困难帮扶",
                    text: (g.form == .money ? "帮扶资金\(g.amount)元" : "帮扶物资：\(g.goods ?? "")（折合\(g.amount)元）")
                        + "，\(g.givenBy)，来源\(g.source)"))
        }
        for (v, c) in visits {
            out.append(
                ArchiveEntry(
                    at: v.visitedOn, side: "流出地", kind: "节日慰问",
                    text: "\(c?.name ?? "慰问")：\(v.way.label)（\(v.visitor)），\(v.gifts)；近况：\(v.situation)"))
        }
        return out
    }

    /// Members in difficulty due for their yearly review, and care campaigns' targets not yet visited.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("hardshipReview") {
                PerOrg(counts: try await CareStore.reviewsDue(under: $0.path, today: $0.today, on: $0.sql()))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard user.can(.keepCareRegister), !user.isInflowSide else { return [] }
        let due = try await scope.counts("hardshipReview", in: self).counts
        // Care campaigns running now: targets not yet visited, per branch (the campaign's own subtree only) — for
        // branches and committees, who do the visiting. Counties and the city follow progress on the campaign's
        // page: listing a whole county's targets on every home page would cost more than the page itself.
        var open: [Int: Int] = [:]
        if [OrgLevel.branch, .generalBranch, .committee].contains(user.scopeLevel) {
            for c in try await CareStore.running(on: scope.today, on: scope.db) {
                guard let owner = try await Organization.find(c.orgID, on: scope.db) else { continue }
                let path = owner.path.hasPrefix(user.scopePath) ? owner.path : user.scopePath
                guard path.hasPrefix(owner.path) else { continue }
                for t in try await CareStore.targets(c, under: path, on: scope.db) where !t.visited {
                    open[t.orgID, default: 0] += 1
                }
            }
        }
        return [
            WorkTally(kind: "hardshipReview", label: "到期待复核的困难党员", href: "/care#register", counts: due),
            WorkTally(kind: "careVisits", label: "节日慰问待走访的党员", href: "/care#campaigns", counts: open),
        ]
    }

    func loadDemo(_ demo: DemoContext) async throws { try await CareDemo.load(demo) }
}
