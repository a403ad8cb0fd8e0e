import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Where a quarter's reconciliation stands: the organization pairs (outflow county × inflow organization) with their
/// sign-offs, and each county's share of differences resolved — for the reconciliation page and the home page.
enum ReconciliationProgress {
    /// Every pair signed by both sides and nothing open anywhere in the quarter: freeze it with its ledger snapshot.
    static func freezeIfAllSigned(_ q: Quarter, user: CurrentUser, app: Application, on db: Database) async throws
        -> String
    {
        guard let root = try await OrganizationService.root(on: db) else { return "已确认" }
        let sql = try db.sql()
        let (all, _) = try await ReconciliationProgress.pairs(
            quarter: q, scope: root, user: user, wholeTree: true, on: sql)
        let stillOpen = try await ReconciliationStore.openItems(quarter: q, on: sql)
        guard !all.isEmpty, stillOpen == 0, all.allSatisfy({ $0.outflowSigned != nil && $0.inflowSigned != nil }),
            !(try await LedgerSnapshot.closed(on: db)).contains(q), q.firstDay <= AppClock.today
        else { return "已确认" }
        do {
            let rows = try await LedgerSnapshot.close(q, by: "对账确认", gate: app.writeGate, on: db)
            return "已确认。\(q.chinese)全部对账已双方确认，台账已封存（\(rows)行）"
        } catch {
            // The other side's signature, at the same moment, froze it first: that is no error.
            guard try await LedgerSnapshot.closed(on: db).contains(q) else { throw error }
            return "已确认。\(q.chinese)全部对账已双方确认，台账已封存"
        }
    }

    struct Pair: Encodable {
        var countyID: Int
        var county: String
        var inflowID: Int
        var inflow: String
        var openItems: Int
        var outflowSigned: String?
        var inflowSigned: String?
        var canSignOutflow: Bool
        var canSignInflow: Bool
        var countyPath: String = ""
    }
    struct County: Encodable {
        var county: String
        var items: Int
        var resolved: Int
        var percent: Int
        var pairs: Int
        var signed: Int
    }
    /// Organization pairs (outflow county × inflow organization) with members flowing between them, their sign-offs,
    /// and each county's progress.
    /// `wholeTree`: every pair of the tree whatever the account's scope (to tell whether the quarter is fully signed).
    static func pairs(
        quarter: Quarter, scope: Organization, user: CurrentUser, wholeTree: Bool = false,
        on sql: SQLDatabase
    ) async throws -> ([Pair], [County]) {
        let inflowOnly = !wholeTree && user.isInflowSide
        let rows = try await ReconciliationStore.pairs(
            quarter: quarter, under: scope.path,
            inflowOrgID: inflowOnly ? user.scopeID : nil, on: sql)
        let pairs = unique(rows).sorted { ($0.county, $0.inflow) < ($1.county, $1.inflow) }.map { r in
            Pair(
                countyID: r.county_id, county: r.county, inflowID: r.inflow_id, inflow: r.inflow,
                openItems: r.open_items,
                outflowSigned: r.outflow_signed_by, inflowSigned: r.inflow_signed_by,
                canSignOutflow: r.outflow_signed_by == nil && ReconciliationController.canRun(user)
                    && r.county_path.hasPrefix(user.scopePath),
                canSignInflow: r.inflow_signed_by == nil && (user.scopeID == r.inflow_id || user.seesExternal),
                countyPath: r.county_path)
        }
        let perCounty =
            user.isInflowSide
            ? [] : try await ReconciliationStore.itemsPerCounty(quarter: quarter, under: scope.path, on: sql)
        let byCounty = Dictionary(perCounty.map { ($0.county_id, $0) }, uniquingKeysWith: { a, _ in a })
        let counties = user.isInflowSide ? [] : try await ReconciliationStore.counties(under: scope.path, on: sql)
        let progress = counties.map { c -> County in
            let g = byCounty[c.id]
            let countyPairs = pairs.filter { $0.countyID == c.id }
            return County(
                county: c.short_name, items: g?.n ?? 0, resolved: g?.resolved ?? 0,
                percent: percent(g?.resolved ?? 0, of: g?.n ?? 0),
                pairs: countyPairs.count,
                signed: countyPairs.filter { $0.outflowSigned != nil && $0.inflowSigned != nil }.count)
        }
        return (pairs, progress)
    }

    /// The pairs per outflow county, how many both sides signed, and how many wait for a signature, for the roll-up:
    /// pairs belong to one county each, so a city's figure is the sum of its counties'.
    /// - `reconPairs`, `reconPairsSigned`: the home page's progress.
    /// - `reconSignoffs`: pairs an account at `path` may sign now as the outflow side (nothing open, the county
    ///   reconciled this quarter and under `path`, not yet signed by the county) — the worklist's `signoffs` of a
    ///   county or city account.
    /// - `reconSignoffsInflow`: the others waiting only for the inflow side's signature (a city account signs for
    ///   inflow organizations outside the tree).
    static func pairCounts(quarter: Quarter, under path: String, on sql: SQLDatabase) async throws -> [String: PerOrg] {
        let runs = try await ReconcileService.runScopes(quarter: quarter, on: sql)
        var pairs: [Int: Int] = [:]
        var signed: [Int: Int] = [:]
        var outflowWaits: [Int: Int] = [:]
        var inflowWaits: [Int: Int] = [:]
        for r in unique(try await ReconciliationStore.pairs(quarter: quarter, under: path, inflowOrgID: nil, on: sql)) {
            pairs[r.county_id, default: 0] += 1
            if r.outflow_signed_by != nil && r.inflow_signed_by != nil { signed[r.county_id, default: 0] += 1 }
            guard signable(r, runs: runs) else { continue }
            if r.outflow_signed_by == nil && r.county_path.hasPrefix(path) {
                outflowWaits[r.county_id, default: 0] += 1
            } else if r.inflow_signed_by == nil {
                inflowWaits[r.county_id, default: 0] += 1
            }
        }
        return [
            "reconPairs": PerOrg(counts: pairs), "reconPairsSigned": PerOrg(counts: signed),
            "reconSignoffs": PerOrg(counts: outflowWaits), "reconSignoffsInflow": PerOrg(counts: inflowWaits),
        ]
    }

    /// A pair may be signed once nothing of it is open and the quarter's reconciliation has run over its county.
    static func signable(_ pair: PairRow, runs: [String]) -> Bool {
        pair.open_items == 0 && runs.contains { pair.county_path.hasPrefix($0) }
    }

    /// One row per pair (the pairs query may give a pair once per way in).
    static func unique(_ rows: [PairRow]) -> [PairRow] {
        var seen: [String: PairRow] = [:]
        for r in rows { seen["\(r.county_id)-\(r.inflow_id)"] = r }
        return Array(seen.values)
    }

    /// Each county's progress under the scope with its pair counts from the roll-up (nil when the roll-up did not
    /// count them): what `pairs(…).1` gives, without going through every open flow of the scope.
    static func counties(quarter: Quarter, scope: Organization, rolled: RollupSnapshot?, on sql: SQLDatabase)
        async throws -> [County]?
    {
        guard let rolled, let pairs = rolled.shares["reconPairs"], let signed = rolled.shares["reconPairsSigned"]
        else { return nil }
        let perCounty = try await ReconciliationStore.itemsPerCounty(quarter: quarter, under: scope.path, on: sql)
        let byCounty = Dictionary(perCounty.map { ($0.county_id, $0) }, uniquingKeysWith: { a, _ in a })
        return try await ReconciliationStore.counties(under: scope.path, on: sql).map { c in
            let g = byCounty[c.id]
            return County(
                county: c.short_name, items: g?.n ?? 0, resolved: g?.resolved ?? 0,
                percent: percent(g?.resolved ?? 0, of: g?.n ?? 0), pairs: pairs.counts[c.id] ?? 0,
                signed: signed.counts[c.id] ?? 0)
        }
    }

    /// Share resolved, rounded down; nothing to resolve is 100%.
    static func percent(_ part: Int, of whole: Int) -> Int {
        whole <= 0 ? 100 : Int((Double(part) / Double(whole) * 100).rounded(.down))
    }
}

/// Which items the reconciliation queue lists (`?status=`): the open ones (the default), the resolved, or all.
enum QueueFilter: String {
    case open, resolved, all

    /// The stored state it selects (nil: any).
    var itemStatus: ItemStatus? {
        switch self {
        case .open: return .open
        case .resolved: return .resolved
        case .all: return nil
        }
    }
}
