import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The account a worklist is computed for, with what the features need to count its work.
struct WorkScope: Sendable {
    let user: CurrentUser
    let db: Database
    let settings: Settings
    let today: CalendarDate
    /// The minutely roll-up's figures for this scope, when it reads them (see `WorkRollup`).
    var rolled: RollupSnapshot? = nil

    /// The database as SQL (every driver we run on speaks it).
    func sql() throws -> SQLDatabase { try db.sql() }
}

/// One kind of work a feature asks of an account, counted per organization it belongs to (the reviewing branch, the
/// member's branch, the assignee). The worklist sums it for the account and rolls it up per child organization.
struct WorkTally: Sendable {
    var kind: String
    var label: String
    var href: String
    /// How many, per organization id.
    var counts: [Int: Int]
    /// How many of those are overdue, per organization id.
    var overdue: [Int: Int] = [:]
    /// The account's own count (unread notices): not rolled up per child organization.
    var personal: Bool = false

    var total: Int { counts.values.reduce(0, +) }
    var overdueTotal: Int { overdue.values.reduce(0, +) }
}

/// One line of `GET /api/v1/worklist` and of the home page's 待办.
struct WorkItem: Content, Equatable {
    var kind: String
    var label: String
    var count: Int
    var overdue: Int
    var href: String
}

/// A child organization in the roll-up: its count for each kind (in the order of the worklist's items).
struct WorkChildRow: Encodable {
    var code: String
    var name: String
    var counts: [Int]
    var overdue: Int
    var total: Int
    /// Behind: it holds overdue work.
    var lagging: Bool
}

struct WorklistView: Encodable {
    var items: [WorkItem]
    var children: [WorkChildRow]
    var childKinds: [String]
}

enum Worklist {
    /// Every feature's items for the account, only what is non-zero (from the minutely
    /// roll-up when it is fresh, unless `rollup` is false): the most overdue first, the account's own
    /// (unread notices) after the organizations' work, otherwise in the order of the features.
    static func compute(
        for user: CurrentUser, features: [any Feature] = Features.all, on db: Database,
        settings: Settings, today: CalendarDate = AppClock.today, rollup: Bool = true,
        rolled: RollupSnapshot? = nil
    ) async throws -> [WorkTally] {
        var scope = WorkScope(user: user, db: db, settings: settings, today: today)
        if let rolled {
            scope.rolled = rolled
        } else if rollup {
            scope.rolled = try await WorkRollup.snapshot(for: user, features: features, today: today, on: db)
        }
        var tallies: [WorkTally] = []
        for feature in features { tallies += try await feature.worklist(scope) }
        return tallies.filter { $0.total > 0 }.enumerated().sorted { a, b in
            if a.element.overdueTotal != b.element.overdueTotal {
                return a.element.overdueTotal > b.element.overdueTotal
            }
            if a.element.personal != b.element.personal { return !a.element.personal }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func items(_ tallies: [WorkTally]) -> [WorkItem] {
        tallies.map {
            WorkItem(kind: $0.kind, label: $0.label, count: $0.total, overdue: $0.overdueTotal, href: $0.href)
        }
    }

    /// The same work per child organization of the scope (a committee, county or city account); lagging ones first.
    /// `children`: the scope's open children when the caller has read them already (the home page has).
    static func children(
        _ tallies: [WorkTally], for user: CurrentUser, children known: [ChildOrgRow]? = nil, on db: Database
    ) async throws -> WorklistView {
        let shared = tallies.filter { !$0.personal }
        let items = Self.items(tallies)
        guard !user.isInflowSide, !shared.isEmpty else {
            return WorklistView(items: items, children: [], childKinds: [])
        }
        let sql = try db.sql()
        let children: [ChildOrgRow]
        if let known {
            children = known
        } else {
            children = try await DashboardStore.openChildren(of: user.scopeID, on: sql)
        }
        let childIDs = Set(children.map(\.id))
        // Where the other organizations lie (counts from the roll-up are the children's already): by id when few,
        // else the whole subtree in one read (a province's live counts name thousands of organizations).
        let ids = Set(shared.flatMap { $0.counts.keys }).subtracting(childIDs).subtracting([user.scopeID])
        var paths: [Int: String] = [:]
        if ids.count > 1000 {
            let rows = try await sql.select().columns("id", "path").from("organizations")
                .where(PathPrefix("path", user.scopePath)).all(decoding: OrgIDPath.self)
            for row in rows where ids.contains(row.id) { paths[row.id] = row.path }
        } else {
            for chunk in Array(ids).chunked(500) {
                let rows = try await sql.select().columns("id", "path").from("organizations")
                    .where("id", .in, Array(chunk)).all(decoding: OrgIDPath.self)
                for row in rows { paths[row.id] = row.path }
            }
        }
        /// The child of the scope an organization lies under (its path's next segment after the scope's).
        func child(of orgID: Int) -> Int? {
            if childIDs.contains(orgID) { return orgID }
            guard let path = paths[orgID], path.hasPrefix(user.scopePath) else { return nil }
            let rest = path.dropFirst(user.scopePath.count)
            return rest.split(separator: "/").first.flatMap { Int($0) }.flatMap { childIDs.contains($0) ? $0 : nil }
        }
        var rows: [Int: WorkChildRow] = [:]
        for c in children {
            rows[c.id] = WorkChildRow(
                code: c.code, name: c.short_name, counts: Array(repeating: 0, count: shared.count),
                overdue: 0, total: 0, lagging: false)
        }
        for (index, tally) in shared.enumerated() {
            for (orgID, n) in tally.counts {
                guard let c = child(of: orgID) else { continue }
                rows[c]?.counts[index] += n
                rows[c]?.total += n
                rows[c]?.overdue += tally.overdue[orgID] ?? 0
            }
        }
        let ordered = children.compactMap { rows[$0.id] }.filter { $0.total > 0 }.map { row -> WorkChildRow in
            var r = row
            r.lagging = r.overdue > 0
            return r
        }.enumerated().sorted { ($0.element.overdue, -$0.offset) > ($1.element.overdue, -$1.offset) }.map(\.element)
        return WorklistView(items: items, children: ordered, childKinds: shared.map(\.label))
    }
}

/// `GET /api/v1/worklist`: the account's worklist as JSON.
struct WorklistController {
    struct Response: Content {
        var items: [WorkItem]
    }

    func boot(_ routes: FeatureRoutes) throws {
        routes.signedIn(.ownAccount).get("api", "v1", "worklist", use: list)
    }

    func list(req: Request) async throws -> Response {
        let user = try req.user
        let tallies = try await Worklist.compute(
            for: user, features: req.application.features, on: req.db, settings: req.application.settings)
        let items = Worklist.items(tallies)
        try await WorklistCache.save(items, for: user.username, on: req.db)
        return Response(items: items)
    }
}

extension Database {
    /// This database as SQL; every driver Liudong runs on (SQLite, PostgreSQL) is one.
    func sql() throws -> SQLDatabase {
        guard let sql = self as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
        return sql
    }
}

/// Counts per organization, as the worklist queries return them.
struct OrgCount: Decodable {
    var org_id: Int
    var n: Int
    var late: Int?
}

extension Array where Element == OrgCount {
    var counts: [Int: Int] { Dictionary(map { ($0.org_id, $0.n) }, uniquingKeysWith: +) }
    var late: [Int: Int] { Dictionary(map { ($0.org_id, $0.late ?? 0) }, uniquingKeysWith: +) }
}
