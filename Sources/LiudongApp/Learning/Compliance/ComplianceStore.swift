import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The required frequencies of organizational life against what each branch held, and the six-month rule.
enum ComplianceStore {
    struct Requirement: Sendable {
        var kind: OrgLifeKind
        var period: OrgLifePeriod
        var minimum: Int
    }

    /// The settings table, in the order of the kinds (kinds missing from it require nothing).
    static func requirements(on db: Database) async throws -> [Requirement] {
        let rows = try await OrgLifeRequirement.query(on: db).all()
        return OrgLifeKind.allCases.compactMap { kind in
            rows.first { $0.id == kind.rawValue }.map {
                Requirement(kind: kind, period: $0.period, minimum: $0.minimum)
            }
        }
    }

    /// What a requirement asks within a quarter (`OrgLifeRules.required`).
    static func required(_ r: Requirement) -> Int { OrgLifeRules.required(period: r.period, minimum: r.minimum) }

    struct Item: Content, Sendable, Equatable {
        var orgCode: String
        var kind: String
        var required: Int
        var held: Int
        /// False when the kind does not apply to the branch (no 支委会 below 7 full members, no 党小组 set up):
        /// `required` is then 0.
        var applies: Bool
    }

    struct Branch: Decodable, Sendable {
        var id: Int
        var code: String
        var short_name: String
        var path: String
    }

    /// The open branches and mobile party organizations under `path` (the organization itself when it is one).
    static func branches(under path: String, on sql: SQLDatabase) async throws -> [Branch] {
        try await sql.raw(
            """
            SELECT id, code, short_name, path FROM organizations
            WHERE \(PathPrefix("path", path)) AND level = 'branch' AND kind IN ('regular', 'mobile') AND closed_at IS NULL
            ORDER BY path
            """
        ).all(decoding: Branch.self)
    }

    /// Each branch under `path` and each required kind: required (by the branch's profile on the quarter's first
    /// day, `OrgLifeProfile`) and held in `quarter`.
    /// `requirements`: the settings to judge by (read once by the caller that also labels them), else read here.
    static func items(
        under path: String, quarter: Quarter, requirements given: [Requirement]? = nil, on db: Database
    ) async throws -> [(Branch, [Item])] {
        let sql = try db.sql()
        var reqs = given ?? []
        if given == nil { reqs = try await requirements(on: db).filter { $0.minimum > 0 } }
        let branches = try await branches(under: path, on: sql)
        let yearStart = CalendarDate(year: quarter.year, month: 1, day: 1)!.description
        let rows = try await sql.raw(
            """
            SELECT e.org_id, e.kind, SUM(CASE WHEN e.held_on >= \(bind: quarter.firstDay.description) THEN 1 ELSE 0 END)
              AS in_quarter, COUNT(*) AS in_year
            FROM org_life_events e JOIN organizations o ON o.id = e.org_id
            WHERE \(PathPrefix("o.path", path)) AND o.level = 'branch'
              AND e.held_on >= \(bind: yearStart) AND e.held_on <= \(bind: quarter.lastDay.description)
            GROUP BY e.org_id, e.kind
            """
        ).all(decoding: HeldRow.self)
        var held: [Int: [String: HeldRow]] = [:]
        for r in rows { held[r.org_id, default: [:]][r.kind] = r }
        let profiles = try await PartyGroupStore.profiles(under: path, on: quarter.firstDay, on: db)
        return branches.map { b in
            let profile = profiles[b.id] ?? OrgLifeProfile(fullMembers: 0, groups: 0)
            return (
                b,
                reqs.map { r in
                    let h = held[b.id]?[r.kind.rawValue]
                    let owed = profile.required(r.kind, period: r.period, minimum: r.minimum)
                    return Item(
                        orgCode: b.code, kind: r.kind.rawValue, required: owed ?? 0,
                        held: r.period == .year ? (h?.in_year ?? 0) : (h?.in_quarter ?? 0), applies: owed != nil)
                }
            )
        }
    }

    /// Branches behind schedule, judged on the last completed quarter (yearly kinds when that quarter is the fourth).
    static func behind(under path: String, today: CalendarDate, on db: Database) async throws -> [Int: Int] {
        guard let last = Quarter(containing: today).previous else { return [:] }
        let all = try await requirements(on: db).filter { $0.minimum > 0 }
        let reqs = Dictionary(uniqueKeysWithValues: all.map { ($0.kind.rawValue, $0) })
        var out: [Int: Int] = [:]
        for (b, items) in try await items(under: path, quarter: last, requirements: all, on: db) {
            let late = items.contains { i in
                guard let r = reqs[i.kind] else { return false }
                return OrgLifeRules.behind(period: r.period, held: i.held, required: i.required, quarter: last)
            }
            if late { out[b.id] = 1 }
        }
        return out
    }

    /// Members (mobile or not) under `path` who joined the Party before the cut-off and took part in no
    /// organizational life anywhere since: counted per branch.
    static func sixMonthCounts(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [Int: Int]
    {
        let cutoff = OrgLifeRules.sixMonthsBefore(today).description
        let rows = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n
            FROM organizations o JOIN members m ON m.organization_id = o.id
            LEFT JOIN org_life_last l ON l.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL AND m.joined_on <= \(bind: cutoff)
              AND (l.last_on IS NULL OR l.last_on < \(bind: cutoff))
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        return rows.counts
    }

    struct Silent: Decodable, Sendable {
        var id: UUID
        var name: String
        var branch: String
        var flow_status: String?
        var last_on: String?
    }

    /// The members of the six-month alert under `path`, longest silent first.
    static func silent(under path: String, today: CalendarDate, limit: Int = 500, on sql: SQLDatabase) async throws
        -> [Silent]
    {
        let cutoff = OrgLifeRules.sixMonthsBefore(today).description
        return try await sql.raw(
            """
            SELECT m.id, m.name, o.short_name AS branch, m.flow_status, l.last_on
            FROM organizations o JOIN members m ON m.organization_id = o.id
            LEFT JOIN org_life_last l ON l.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL AND m.joined_on <= \(bind: cutoff)
              AND (l.last_on IS NULL OR l.last_on < \(bind: cutoff))
            ORDER BY l.last_on IS NOT NULL, l.last_on, o.path, m.name LIMIT \(unsafeRaw: String(limit))
            """
        ).all(decoding: Silent.self)
    }
}

/// What a branch held of a kind, in a quarter and in the year so far.
struct HeldRow: Decodable {
    var org_id: Int
    var kind: String
    var in_quarter: Int
    var in_year: Int
}
