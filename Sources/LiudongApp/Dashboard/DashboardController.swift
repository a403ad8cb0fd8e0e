import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The home page: the scope's counts at a glance.
struct DashboardController {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.ownAccount).get(use: index)
    }

    struct Tile: Encodable {
        var label: String
        var value: Int
        var href: String?
        /// Shown instead of `value` (a rate).
        var text: String? = nil
    }
    struct ChildRow: Encodable {
        var code: String
        var name: String
        var type: String
        var members: Int
        var mobile: Int
    }
    struct DashboardView: Encodable {
        var scopeName: String
        var scopeType: String
        var tiles: [Tile]
        var children: [ChildRow]
        var quarter: String
        var today: String
        var note: String?
        /// This quarter's reconciliation, county by county (city and county accounts).
        var reconciliation: [ReconciliationProgress.County] = []
        /// What the account must do now (待办), and the same per child organization.
        var worklist = WorklistView(items: [], children: [], childKinds: [])
    }

    /// The counts behind the dashboard, apart from HTTP. An account of the tree reads its figures from the minutely
    /// roll-up when it is fresh (`WorkRollup`; `rollup: false` counts live), the inflow side counts them now.
    static func view(
        for user: CurrentUser, features: [any Feature] = Features.all, on db: Database, settings: Settings,
        rollup: Bool = true
    ) async throws -> DashboardView {
        guard let scope = try await Organization.find(user.scopeID, on: db) else { throw AppError.notFound }
        let sql = try db.sql()
        let rolled =
            rollup ? try await WorkRollup.snapshot(for: user, features: features, today: AppClock.today, on: db) : nil
        let open = try await DashboardStore.openCounts(under: scope.path, on: sql)
        let branches = open.filter { $0.kind == OrgKind.regular.rawValue && $0.level == OrgLevel.branch.rawValue }
            .reduce(0) { $0 + $1.n }
        let mobileOrgs = open.filter { $0.kind == OrgKind.mobile.rawValue }.reduce(0) { $0 + $1.n }
        let childOrgs = try await DashboardStore.openChildren(of: user.scopeID, on: sql)
        let members: Int
        let probationary: Int
        let migrant: Int
        var mobile: Int
        var perChild: [Int: (members: Int, mobile: Int)] = [:]
        if let rolled, let all = rolled.total("homeMembers"), let p = rolled.total("homeProbationary"),
            let w = rolled.total("homeMigrant"), let m = rolled.total("homeMobile"),
            rolled.total("homeRegistered") != nil
        {
            (members, probationary, migrant, mobile) = (all, p, w, m)
            for c in childOrgs {
                perChild[c.id] = (rolled.child(c.id, "homeRegistered"), rolled.child(c.id, "homeMobile"))
            }
        } else if user.isInflowSide {
            (members, probationary, migrant) = try await DashboardStore.members(visibleTo: user, on: db)
            mobile = 0
        } else {
            // The same figures counted now, in one pass over the scope's members (a branch, a committee …).
            let figures = try await DashboardStore.memberFigures(under: scope.path, on: sql)
            let paths = try await DashboardStore.paths(under: scope.path, on: sql)
            func sums(_ kind: String) -> [Int: Int] {
                SubtreeSums.rollUp(figures[kind]?.counts ?? [:], paths: paths)
            }
            let (all, registered, mobiles) = (sums("homeMembers"), sums("homeRegistered"), sums("homeMobile"))
            members = all[scope.id!] ?? 0
            probationary = sums("homeProbationary")[scope.id!] ?? 0
            migrant = sums("homeMigrant")[scope.id!] ?? 0
            mobile = mobiles[scope.id!] ?? 0
            for c in childOrgs { perChild[c.id] = (registered[c.id] ?? 0, mobiles[c.id] ?? 0) }
        }
        if user.isInflowSide { mobile = 0 }
        var tiles = [
            Tile(label: "党员总数", value: members, href: "/members"),
            Tile(label: "流动党员", value: mobile, href: nil),
            Tile(label: "预备党员", value: probationary, href: nil),
            Tile(label: "农民工党员", value: migrant, href: nil),
        ]
        if !user.isInflowSide {
            tiles.append(Tile(label: "党支部", value: branches, href: "/orgs"))
            tiles.append(Tile(label: "流动党员党组织", value: mobileOrgs, href: "/mobile-orgs"))
            if user.can(.viewStatistics), scope.kind == .regular {
                let c = try await Self.coverage(of: scope, rolled: rolled, on: db)
                tiles.append(
                    Tile(label: "流动党员党组织覆盖率", value: c.covered, href: "/stats/\(scope.code)#coverage", text: c.percent))
            }
        }
        let children = childOrgs.map {
            ChildRow(
                code: $0.code, name: $0.short_name, type: $0.typeLabel, members: perChild[$0.id]?.members ?? 0,
                mobile: perChild[$0.id]?.mobile ?? 0)
        }
        var progress: [ReconciliationProgress.County] = []
        let tallies = try await Worklist.compute(
            for: user, features: features, on: db, settings: settings, rollup: rollup, rolled: rolled)
        try await WorklistCache.save(Worklist.items(tallies), for: user.username, on: db)
        let worklist = try await Worklist.children(tallies, for: user, children: childOrgs, on: db)
        if !user.isInflowSide, scope.kind == .regular, scope.level == .city || scope.level == .county {
            let quarter = Quarter(containing: AppClock.today)
            if let counted = try await ReconciliationProgress.counties(
                quarter: quarter, scope: scope, rolled: rolled, on: sql)
            {
                progress = counted
            } else {
                progress = try await ReconciliationProgress.pairs(quarter: quarter, scope: scope, user: user, on: sql).1
            }
        }
        return DashboardView(
            scopeName: scope.name, scopeType: scope.typeLabel, tiles: tiles, children: children,
            quarter: AppClock.quarter.chinese, today: AppClock.today.chinese,
            note: user.isInflowSide ? "流动党员扫码到达报到、经确认后，会出现在本组织的报到党员中。" : nil,
            reconciliation: progress, worklist: worklist)
    }

    /// The coverage tile's figure: from the roll-up when it counted coverage, else counted now.
    static func coverage(of scope: Organization, rolled: RollupSnapshot?, on db: Database) async throws
        -> CoverageStore.Counts
    {
        if let rolled, let mobile = rolled.total("coverageMobile"), let byOrg = rolled.total("coverageByMobileOrg"),
            let byAgreement = rolled.total("coverageByAgreement")
        {
            return CoverageStore.Counts(mobile: mobile, byMobileOrg: byOrg, byAgreement: byAgreement)
        }
        return try await CoverageStore.rolledUp(for: scope, on: db).total
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        return try await req.page(
            "dashboard", title: "首页",
            try await Self.view(
                for: user, features: req.application.features, on: req.db, settings: req.application.settings))
    }
}
