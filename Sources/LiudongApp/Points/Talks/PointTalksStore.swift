import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A member due a talk: the two quarters' points (the page shows the snake_case keys).
struct LowScorer: Codable, Sendable {
    var memberID: UUID
    var orgID: Int
    var name: String
    var branch: String
    var earlier: Int
    var later: Int

    enum CodingKeys: String, CodingKey {
        case name, branch, earlier, later
        case memberID = "member_id"
        case orgID = "org_id"
    }
}

/// A talk recorded under an organization, as the talks page lists it.
struct RecentTalk: Codable, Sendable {
    var name: String
    var branch: String
    var talkedOn: String
    var way: String
    var summary: String
    var steps: String
    var recordedBy: String

    enum CodingKeys: String, CodingKey {
        case name, branch, way, summary, steps
        case talkedOn = "talked_on"
        case recordedBy = "recorded_by"
    }
}

/// Long-term low scorers and the talks with them: every query of the talks sub-feature.
enum PointTalksStore {
    /// Low scorers under `path` (a county and below), per `PointTalkRules`: below each pilot county's quarterly line
    /// in both quarters judged, members since before the earlier one, not yet talked with this quarter.
    static func lowScorers(under path: String, today: CalendarDate, limit: Int = 1000, on db: Database) async throws
        -> [LowScorer]
    {
        guard let (earlier, later) = PointTalkRules.quarters(today: today) else { return [] }
        let sql = try db.sql()
        let current = Quarter(containing: today).firstDay.description
        var out: [LowScorer] = []
        for s in try await PointRulesStore.pilots(on: db) {
            guard let county = try await Organization.find(s.id, on: db),
                county.path.hasPrefix(path) || path.hasPrefix(county.path)
            else { continue }
            let rules = try await PointRulesStore.versions(county: county.id!, year: earlier.year, on: db)
            let laterRules =
                earlier.year == later.year
                ? rules : try await PointRulesStore.versions(county: county.id!, year: later.year, on: db)
            guard
                PointTalkRules.rulesCover(
                    earlier, earlierYearStarts: rules.map(\.effectiveFrom), laterYearHasRules: !laterRules.isEmpty)
            else { continue }
            let within = path.count > county.path.count ? path : county.path
            out += try await sql.raw(
                """
                SELECT a.member_id, a.org_id, m.name, o.short_name AS branch,
                       a.\(unsafeRaw: "q\(earlier.number)") AS earlier, b.\(unsafeRaw: "q\(later.number)") AS later
                FROM point_totals a JOIN point_totals b ON b.member_id = a.member_id AND b.year = \(bind: later.year)
                JOIN members m ON m.id = a.member_id JOIN organizations o ON o.id = a.org_id
                WHERE a.county_id = \(bind: county.id!) AND a.year = \(bind: earlier.year)
                  AND \(PathPrefix("o.path", within))
                  AND a.\(unsafeRaw: "q\(earlier.number)") < \(bind: s.lowQuarterBelow)
                  AND b.\(unsafeRaw: "q\(later.number)") < \(bind: s.lowQuarterBelow)
                  AND m.joined_on <= \(bind: earlier.firstDay.description)
                  AND NOT EXISTS (SELECT 1 FROM point_talks k WHERE k.member_id = a.member_id AND k.talked_on >= \(bind: current))
                ORDER BY o.short_name, m.name LIMIT \(unsafeRaw: String(max(1, limit)))
                """
            ).all(decoding: LowScorer.self)
        }
        return out
    }

    /// Low scorers per branch (the worklist's count).
    static func counts(under path: String, today: CalendarDate, on db: Database) async throws -> [Int: Int] {
        Dictionary(
            try await lowScorers(under: path, today: today, limit: 100_000, on: db).map { ($0.orgID, 1) },
            uniquingKeysWith: +)
    }

    /// The latest 50 talks under an organization, the way in words.
    static func recent(under path: String, on db: Database) async throws -> [RecentTalk] {
        try await db.sql().raw(
            """
            SELECT m.name, o.short_name AS branch, k.talked_on, k.way, k.summary, k.steps, k.recorded_by
            FROM point_talks k JOIN members m ON m.id = k.member_id JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) ORDER BY k.talked_on DESC LIMIT 50
            """
        ).all(decoding: RecentTalk.self).map {
            var t = $0
            t.way = TalkWay(rawValue: t.way)?.label ?? t.way
            return t
        }
    }

    /// A member's talks, newest first (for the archive).
    static func talks(of member: UUID, on db: Database) async throws -> [PointTalk] {
        try await PointTalk.query(on: db).filter(\.$memberID == member).sort(\.$talkedOn, .descending).all()
    }
}
