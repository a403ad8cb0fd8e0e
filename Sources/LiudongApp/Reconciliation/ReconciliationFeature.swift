import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Quarterly reconciliation (对账): the item queue and the sign-off of organization pairs, with the national import
/// and the inflow side's lists (`Reconciliation/Imports`) and the three-way matching (`Reconciliation/Matching`).
struct ReconciliationFeature: Feature {
    let name = "reconciliation"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(11, CreateReconciliation()),
            NumberedMigration(29, KeyNationalFingerprints(cipher: app.cipher)),
            NumberedMigration(61, IndexReconciliationItems()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try ReconciliationController().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 70, permission: .viewReconciliation, link: { _ in ("/reconcile", "对账") })
        ]
    }

    /// The national exports, the inflow side's lists and the reconciliation items this member appears in.
    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        let sql = try db.sql()
        var entries: [ArchiveEntry] = []
        for record in try await ReconciliationStore.nationalRecords(idHash: member.idNumberHash, on: sql) {
            let quarter = Quarter(record.quarter)
            let yes = { (flag: Bool) in flag ? "是" : "否" }
            entries.append(
                ArchiveEntry(
                    at: quarter.map { $0.firstDay.description } ?? record.quarter, side: "全国系统", kind: "导入",
                    text: "\(quarter?.chinese ?? record.quarter)全国党员管理信息系统导出：所在党支部 \(record.branch_name)，"
                        + "是否流动 \(yes(record.is_mobile))，是否失联 \(yes(record.is_lost))"))
        }
        for entry in try await ReconciliationStore.inflowEntries(idHash: member.idNumberHash, on: sql) {
            let how = InflowListSource(rawValue: entry.source)?.label ?? entry.source
            let quarter = Quarter(entry.quarter)?.chinese ?? entry.quarter
            entries.append(
                ArchiveEntry(
                    at: Format.dateTime(entry.created_at), side: "流入地", kind: "流入地台账",
                    text: "\(entry.org)\(how)的\(quarter)流入党员名单中有此人"))
        }
        for item in try await ReconciliationStore.items(idHash: member.idNumberHash, on: sql) {
            let label = ReconcileService.Category(rawValue: item.category)?.label ?? item.category
            let quarter = Quarter(item.quarter)?.chinese ?? item.quarter
            entries.append(
                ArchiveEntry(
                    at: Format.dateTime(item.created_at), side: "对账", kind: "对账",
                    text: "\(quarter)对账发现：\(label)"))
            if item.status != ItemStatus.open.rawValue, let at = item.resolved_at {
                let outcome = item.resolution.map { ItemResolution(rawValue: $0)?.label ?? $0 } ?? ""
                let note = item.note.map { "：" + $0 } ?? ""
                let by = item.resolved_by.map { "（\($0)）" } ?? ""
                entries.append(
                    ArchiveEntry(
                        at: Format.dateTime(at), side: "对账", kind: "对账",
                        text: "“\(label)”\(outcome)\(note)\(by)"))
            }
        }
        return entries
    }

    /// Items assigned to the account's organizations (earlier quarters' still open are overdue), and pairs whose
    /// sign-off waits for this account's side.
    /// The home page's reconciliation progress: the pairs per county, and how many are signed by both sides.
    var rolledCounts: [RolledCount] {
        [
            RolledCount(kinds: ["reconPairs", "reconPairsSigned", "reconSignoffs", "reconSignoffsInflow"]) {
                try await ReconciliationProgress.pairCounts(
                    quarter: Quarter(containing: $0.today), under: $0.path, on: $0.sql())
            },
            // Open items assigned to the organizations under the scope (earlier quarters' are overdue).
            RolledCount("reconciliationItems") {
                PerOrg(
                    try await ReconciliationStore.openAssigned(
                        .under($0.path), currentQuarter: Quarter(containing: $0.today), on: $0.sql()))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        let sql = try scope.sql()
        let current = AppClock.quarter
        // An inflow organization's own items; a tree account's from the roll-up when it reads one.
        let assigned =
            user.isInflowSide
            ? PerOrg(try await ReconciliationStore.openAssigned(.org(user.scopeID), currentQuarter: current, on: sql))
            : try await scope.counts("reconciliationItems", in: self)
        var tallies = [
            WorkTally(
                kind: "reconciliationItems", label: "对账差异待处理", href: "/reconcile",
                counts: assigned.counts, overdue: assigned.late)
        ]
        guard ReconciliationController.canRun(user) || user.isInflowSide,
            let org = try await Organization.find(user.scopeID, on: scope.db)
        else { return tallies }
        // Nothing can be signed before the quarter's reconciliation has run.
        let runs = try await ReconcileService.runScopes(quarter: current, on: sql)
        guard !runs.isEmpty else { return tallies }
        // What the account signs as the inflow side is its own (not a child organization's): counted under its scope.
        var waiting: [Int: Int] = [:]
        if user.isInflowSide {
            // An inflow organization's pairs (few): counted now.
            let (pairs, _) = try await ReconciliationProgress.pairs(quarter: current, scope: org, user: user, on: sql)
            waiting[user.scopeID] = pairs.filter { $0.canSignInflow && $0.openItems == 0 }.count { pair in
                runs.contains { pair.countyPath.hasPrefix($0) }
            }
        } else {
            // A county or city: its counties' pairs waiting for their signature (rolled up for the wide scopes), then
            // those the county signed that wait for an inflow organization the account signs for.
            waiting = try await scope.counts("reconSignoffs", in: self).counts
            if user.seesExternal {
                waiting[user.scopeID, default: 0] += try await scope.counts("reconSignoffsInflow", in: self).counts
                    .values.reduce(0, +)
            } else {
                // Pairs whose inflow organization is the account's own (from its counties' members): few.
                let own = try await ReconciliationStore.pairs(
                    quarter: current, under: org.path, inflowOrgID: user.scopeID, on: sql)
                waiting[user.scopeID, default: 0] += ReconciliationProgress.unique(own).count {
                    ($0.county_path.hasPrefix(org.path) || org.path.hasPrefix($0.county_path))
                        && ($0.outflow_signed_by != nil || !$0.county_path.hasPrefix(org.path))
                        && $0.inflow_signed_by == nil && ReconciliationProgress.signable($0, runs: runs)
                }
            }
        }
        tallies.append(WorkTally(kind: "signoffs", label: "对账待确认签字", href: "/reconcile", counts: waiting))
        return tallies
    }
}
