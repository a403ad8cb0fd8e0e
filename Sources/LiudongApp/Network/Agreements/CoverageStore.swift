import Fluent
import LiudongCore
import SQLKit
import Vapor

/// 流动党员党组织覆盖率. A mobile member (a member whose flow is open) is covered on a day when
/// - **by a mobile organization**: they report to one of our open mobile organizations, or take part in one
///   (`mobile_org_members`, joined on or before the day and not left); or else
/// - **by an agreement**: they report to an organization with which their branch, or a committee or county above
///   it, has an agreement in force that day (signed, within its dates, not terminated) covering all its members
///   there or listing them.
enum CoverageStore {
    struct Counts: Sendable, Equatable {
        var mobile = 0
        var byMobileOrg = 0
        var byAgreement = 0
        var covered: Int { byMobileOrg + byAgreement }
        var rate: Double { mobile == 0 ? 0 : Double(covered) / Double(mobile) }
        var percent: String { mobile == 0 ? "—" : String(format: "%.1f%%", rate * 100) }
    }

    /// The SQL of "covered by a mobile organization" for a member `member` reporting to `inflow` (an alias of
    /// `organizations`) on `day`.
    static func byMobileOrg(member: String, inflow: String, day: String) -> SQLQueryString {
        """
        ((COALESCE(\(unsafeRaw: inflow).kind, '') = 'mobile' AND \(unsafeRaw: inflow).closed_at IS NULL)
          OR EXISTS (SELECT 1 FROM mobile_org_members mm WHERE mm.member_id = \(unsafeRaw: member)
                     AND mm.joined_on <= \(bind: day) AND (mm.left_on IS NULL OR mm.left_on > \(bind: day))))
        """
    }

    /// The SQL of "agreement `a` is in force on `day`": signed, within its dates, not yet terminated.
    static func inForce(on day: String) -> SQLQueryString {
        """
        a.signed_on IS NOT NULL AND a.valid_from <= \(bind: day) AND a.valid_to >= \(bind: day)
          AND (a.terminated_on IS NULL OR a.terminated_on > \(bind: day))
        """
    }

    /// The SQL of "agreement `a` counts toward coverage on `day`" (`AgreementRules.countsTowardCoverage`): in force,
    /// and confirmed by the other side or with the signed scan on file.
    static func counted(on day: String) -> SQLQueryString {
        inForce(on: day) + " AND (a.confirmed_at IS NOT NULL OR a.scan_sha256 IS NOT NULL)"
    }

    /// The SQL of "covered by an agreement": `inflowID` the organization reported to, `branchPath` the member's
    /// branch path; only agreements that count (`counted(on:)`).
    static func byAgreement(member: String, inflowID: String, branchPath: String, day: String) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM agreements a JOIN organizations ao ON ao.id = a.outflow_org_id
                WHERE a.inflow_org_id = \(unsafeRaw: inflowID) AND \(counted(on: day))
                  AND \(unsafeRaw: branchPath) LIKE (ao.path || '%')
                  AND (a.covers = 'all' OR EXISTS (SELECT 1 FROM agreement_members am
                       WHERE am.agreement_id = a.id AND am.member_id = \(unsafeRaw: member))))
        """
    }

    private struct BranchRow: Decodable {
        var org_id: Int
        var mobile: Int
        var by_org: Int?
        var by_agreement: Int?
    }

    /// Today's figures per branch under `path` (live tables).
    static func perBranch(under path: String, on sql: SQLDatabase, today: CalendarDate = AppClock.today) async throws
        -> [Int: Counts]
    {
        let day = today.description
        let open = SQLBind.group(LedgerService.openStates)
        let rows = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS mobile,
                SUM(CASE WHEN \(byMobileOrg(member: "m.id", inflow: "i", day: day)) THEN 1 ELSE 0 END) AS by_org,
                SUM(CASE WHEN NOT \(byMobileOrg(member: "m.id", inflow: "i", day: day))
                     AND \(byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day)) THEN 1 ELSE 0 END) AS by_agreement
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open)
            GROUP BY m.organization_id
            """
        ).all(decoding: BranchRow.self)
        return Dictionary(
            rows.map {
                ($0.org_id, Counts(mobile: $0.mobile, byMobileOrg: $0.by_org ?? 0, byAgreement: $0.by_agreement ?? 0))
            },
            uniquingKeysWith: { a, _ in a })
    }

    /// Today's figures for `org`'s whole subtree, and per organization of it (each rolled up from its branches).
    static func rolledUp(for org: Organization, on db: Database, today: CalendarDate = AppClock.today) async throws
        -> (total: Counts, perOrg: [Int: Counts])
    {
        let branches = try await perBranch(under: org.path, on: db.sql(), today: today)
        let orgs = try await Organization.query(on: db).filter(\.$id ~~ Array(branches.keys)).all()
        var byPath: [String: MobileTally.Coverage] = [:]
        for o in orgs {
            guard let id = o.id, let c = branches[id] else { continue }
            byPath[o.path] = MobileTally.Coverage(
                mobile: c.mobile, byMobileOrg: c.byMobileOrg, byAgreement: c.byAgreement)
        }
        return rolledUp(branches: byPath, for: org)
    }

    /// A closed quarter's figure, from its ledger snapshot, judged on the quarter's last day.
    static func snapshot(_ quarter: Quarter, under path: String, on sql: SQLDatabase) async throws -> Counts {
        let day = quarter.lastDay.description
        let row = try await sql.raw(
            """
            SELECT 0 AS org_id, COUNT(*) AS mobile,
                SUM(CASE WHEN \(byMobileOrg(member: "s.member_id", inflow: "i", day: day)) THEN 1 ELSE 0 END) AS by_org,
                SUM(CASE WHEN NOT \(byMobileOrg(member: "s.member_id", inflow: "i", day: day))
                     AND \(byAgreement(member: "s.member_id", inflowID: "i.id", branchPath: "s.branch_path", day: day)) THEN 1 ELSE 0 END) AS by_agreement
            FROM ledger_snapshots s LEFT JOIN organizations i ON i.code = s.inflow_code
            WHERE s.quarter = \(bind: quarter.description) AND \(PathPrefix("s.branch_path", path))
            """
        ).first(decoding: BranchRow.self)
        return Counts(mobile: row?.mobile ?? 0, byMobileOrg: row?.by_org ?? 0, byAgreement: row?.by_agreement ?? 0)
    }

    /// The closed quarters' figures (oldest first, at most eight) and today's.
    static func trend(under path: String, on db: Database, current: Counts) async throws -> [(String, Counts)] {
        let closed = try await LedgerSnapshot.closed(on: db).prefix(8).reversed()
        var points: [(String, Counts)] = []
        for q in closed { points.append((q.chinese, try await snapshot(q, under: path, on: db.sql()))) }
        points.append(("\(AppClock.quarter.chinese)（当前）", current))
        return points
    }

    struct Destination: Content, Equatable {
        var code: String
        var name: String
        var members: Int
    }

    /// Where the uncovered members of the subtree are, most first, leaving out places where an organization of
    /// the subtree (or above it) already has an agreement in force with an organization there: where to sign next.
    static func uncoveredByDestination(
        under org: Organization, on db: Database, today: CalendarDate = AppClock.today, limit: Int = 20
    ) async throws -> [Destination] {
        let sql = try db.sql()
        let day = today.description
        let open = SQLBind.group(LedgerService.openStates)
        let rows = try await sql.raw(
            """
            SELECT f.destination_code AS code, COUNT(*) AS n
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(PathPrefix("o.path", org.path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open)
              AND NOT \(byMobileOrg(member: "m.id", inflow: "i", day: day))
              AND NOT \(byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day))
            GROUP BY f.destination_code
            """
        ).all(decoding: DestinationCount.self)
        var counts: [String: Int] = [:]
        for r in rows { if let code = r.code { counts[code] = r.n } }
        return try await destinations(counts, under: org, on: db, today: today, limit: limit)
    }

    /// Where to sign next from uncovered members already counted by destination county code: most first (then by
    /// code), leaving out places where an organization of the subtree (or above it) already has an agreement in
    /// force with an organization there.
    static func destinations(
        _ uncovered: [String: Int], under org: Organization, on db: Database, today: CalendarDate = AppClock.today,
        limit: Int = 20
    ) async throws -> [Destination] {
        let day = today.description
        let signed = try await db.sql().raw(
            """
            SELECT i.division_code FROM agreements a JOIN organizations ao ON ao.id = a.outflow_org_id
              JOIN organizations i ON i.id = a.inflow_org_id
            WHERE \(inForce(on: day))
              AND (\(PathPrefix("ao.path", org.path)) OR \(bind: org.path) LIKE (ao.path || '%'))
            """
        ).all(decoding: SignedPlace.self)
        let covered = Set(signed.map(\.divisionCode))
        return uncovered.filter { !covered.contains($0.key) }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(max(0, limit))
            .map { Destination(code: $0.key, name: Divisions.shared.fullName($0.key), members: $0.value) }
    }

    /// `rolledUp`'s figures from coverage already counted per branch (keyed by the branch's path): each branch's
    /// counts added to every organization on its path.
    static func rolledUp(branches: [String: MobileTally.Coverage], for org: Organization) -> (
        total: Counts, perOrg: [Int: Counts]
    ) {
        var perOrg: [Int: Counts] = [:]
        for (path, c) in branches {
            for ancestor in path.split(separator: "/").compactMap({ Int($0) }) {
                perOrg[ancestor, default: Counts()].mobile += c.mobile
                perOrg[ancestor, default: Counts()].byMobileOrg += c.byMobileOrg
                perOrg[ancestor, default: Counts()].byAgreement += c.byAgreement
            }
        }
        return (org.id.flatMap { perOrg[$0] } ?? Counts(), perOrg)
    }
}

/// Uncovered members at a destination.
private struct DestinationCount: Decodable {
    var code: String?
    var n: Int
}

/// Where an agreement in force has its other side.
private struct SignedPlace: Decodable {
    var divisionCode: String

    enum CodingKeys: String, CodingKey { case divisionCode = "division_code" }
}
