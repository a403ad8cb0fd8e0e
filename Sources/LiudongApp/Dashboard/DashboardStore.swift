import Fluent
import LiudongCore
import SQLKit

/// The home page's counts.
enum DashboardStore {
    /// The figures one pass over the members counts per organization (`memberFigures`), by kind.
    static let memberKinds = ["homeRegistered", "homeMembers", "homeProbationary", "homeMigrant", "homeMobile"]

    /// Members the account sees: all, probationary, migrant workers.
    static func members(visibleTo user: CurrentUser, on db: Database) async throws -> (
        all: Int, probationary: Int, migrant: Int
    ) {
        let all = try await user.visibleMembers(Member.query(on: db)).filter(\.$rosterState == nil).count()
        let probationary = try await user.visibleMembers(Member.query(on: db)).filter(\.$rosterState == nil).filter(
            \.$category == .probationary
        )
        .count()
        let migrant = try await user.visibleMembers(Member.query(on: db)).filter(\.$rosterState == nil).filter(
            \.$isMigrantWorker == true
        ).count()
        return (all, probationary, migrant)
    }

    /// Per organization under `path` in one pass: every member row (登记), members on the roster, probationary ones
    /// and migrant workers among them, and members whose flow is open (流动党员) — the kinds of `memberKinds`.
    static func memberFigures(under path: String, on sql: SQLDatabase) async throws -> [String: PerOrg] {
        let open = SQLBind.group(FlowState.allCases.filter(\.isOpen).map(\.rawValue))
        let rows = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS registered,
                SUM(CASE WHEN m.roster_state IS NULL THEN 1 ELSE 0 END) AS members,
                SUM(CASE WHEN m.roster_state IS NULL AND m.category = \(bind: MemberCategory.probationary.rawValue)
                    THEN 1 ELSE 0 END) AS probationary,
                SUM(CASE WHEN m.roster_state IS NULL AND m.is_migrant_worker THEN 1 ELSE 0 END) AS migrant,
                SUM(CASE WHEN m.flow_status IN \(open) THEN 1 ELSE 0 END) AS mobile
            FROM organizations o JOIN members m ON m.organization_id = o.id
            WHERE \(PathPrefix("o.path", path))
            GROUP BY m.organization_id
            """
        ).all(decoding: MemberFigureRow.self)
        func kind(_ value: (MemberFigureRow) -> Int?) -> PerOrg {
            PerOrg(counts: Dictionary(rows.map { ($0.org_id, value($0) ?? 0) }, uniquingKeysWith: +))
        }
        return [
            "homeRegistered": kind(\.registered), "homeMembers": kind(\.members),
            "homeProbationary": kind(\.probationary), "homeMigrant": kind(\.migrant), "homeMobile": kind(\.mobile),
        ]
    }

    /// Open organizations under the scope (the scope too) per kind and level: branches, mobile organizations …
    static func openCounts(under path: String, on sql: SQLDatabase) async throws -> [OrgKindLevelCount] {
        try await sql.raw(
            """
            SELECT kind, level, COUNT(*) AS n FROM organizations
            WHERE \(PathPrefix("path", path)) AND closed_at IS NULL GROUP BY kind, level
            """
        ).all(decoding: OrgKindLevelCount.self)
    }

    /// Every organization's path under `path` (the scope's included).
    static func paths(under path: String, on sql: SQLDatabase) async throws -> [Int: String] {
        let rows = try await sql.raw("SELECT id, path FROM organizations WHERE \(PathPrefix("path", path))")
            .all(decoding: OrgIDPath.self)
        return Dictionary(rows.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
    }

    /// The scope's open children, in their order: what the home page shows of each (a province has some 200; as
    /// whole models they took 15 ms to read).
    static func openChildren(of scopeID: Int, on sql: SQLDatabase) async throws -> [ChildOrgRow] {
        try await sql.select().columns("id", "code", "short_name", "level", "kind", "basis").from("organizations")
            .where("parent_id", .equal, scopeID).where("closed_at", .is, SQLLiteral.null)
            .orderBy("sort_order").orderBy("code").all(decoding: ChildOrgRow.self)
    }
}

struct ChildOrgRow: Decodable {
    var id: Int
    var code: String
    var short_name: String
    var level: String?
    var kind: String
    var basis: String?

    var typeLabel: String {
        Organization.typeLabel(
            kind: OrgKind(rawValue: kind) ?? .regular, level: level.flatMap(OrgLevel.init(rawValue:)),
            basis: basis.flatMap(MobileBasis.init(rawValue:)))
    }
}

struct MemberFigureRow: Decodable {
    var org_id: Int
    var registered: Int
    var members: Int?
    var probationary: Int?
    var migrant: Int?
    var mobile: Int?
}

struct OrgKindLevelCount: Decodable {
    var kind: String
    var level: String?
    var n: Int
}
