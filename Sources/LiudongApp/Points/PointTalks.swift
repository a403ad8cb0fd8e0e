import Fluent
import Foundation
import LiudongCore
import SQLKit

/// Long-term low scorers (约谈提醒): members of a pilot county who earned fewer points than the county's quarterly
/// line in each of the last two completed quarters, and whose secretary has not yet talked with them this quarter.
enum PointTalks {
    struct LowScorer: Decodable, Encodable, Sendable {
        var member_id: UUID
        var org_id: Int
        var name: String
        var branch: String
        var earlier: Int
        var later: Int
    }

    /// The two quarters judged on `today`: the last two completed ones.
    static func quarters(today: CalendarDate) -> (Quarter, Quarter)? {
        guard let later = Quarter(containing: today).previous, let earlier = later.previous else { return nil }
        return (earlier, later)
    }

    /// Low scorers under `path` (a county and below), per the rules in effect.
    static func lowScorers(under path: String, today: CalendarDate, limit: Int = 1000, on db: Database) async throws
        -> [LowScorer]
    {
        guard let (earlier, later) = quarters(today: today) else { return [] }
        let sql = try db.sql()
        let current = Quarter(containing: today).firstDay.description
        var out: [LowScorer] = []
        for s in try await PointCounty.query(on: db).filter(\.$enabled == true).all() {
            guard let county = try await Organization.find(s.id, on: db),
                county.path.hasPrefix(path) || path.hasPrefix(county.path)
            else { continue }
            // Only when rules were in effect from the start of the earlier quarter.
            let rules = try await PointLedger.versions(county: county.id!, year: earlier.year, on: db)
            let laterRules =
                earlier.year == later.year
                ? rules : try await PointLedger.versions(county: county.id!, year: later.year, on: db)
            guard rules.contains(where: { $0.effectiveFrom <= earlier.firstDay.description }), !laterRules.isEmpty
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
            try await lowScorers(under: path, today: today, limit: 100_000, on: db).map { ($0.org_id, 1) },
            uniquingKeysWith: +)
    }

    struct TalkInput: Decodable {
        var member: String?
        var talkedOn: String?
        var way: String?
        var summary: String?
        var steps: String?
    }

    static func record(_ input: TalkInput, member: Member, by user: CurrentUser, today: CalendarDate, on db: Database)
        async throws -> PointTalk
    {
        var errors: [FieldError] = []
        let day = Normalize.text(input.talkedOn).flatMap { CalendarDate($0) }
        if let d = day, d <= today, d >= Quarter(containing: today).firstDay {
        } else {
            errors.append(FieldError("talkedOn", "谈话日期应在本季度内且不晚于今天"))
        }
        let way = input.way.flatMap(TalkWay.init(rawValue:))
        if way == nil { errors.append(FieldError("way", "请选择谈话方式")) }
        let summary = Normalize.text(input.summary) ?? ""
        if summary.count < 10 || summary.count > 2000 { errors.append(FieldError("summary", "请用10–2000字记录谈话内容")) }
        let steps = Normalize.text(input.steps) ?? ""
        if steps.count < 4 || steps.count > 1000 { errors.append(FieldError("steps", "请写明商定的改进措施（4–1000字）")) }
        guard errors.isEmpty, let day, let way else { throw AppError.invalid(errors) }
        let t = PointTalk()
        t.id = UUID()
        t.memberID = member.id!
        t.talkedOn = day.description
        t.way = way
        t.summary = summary
        t.steps = steps
        t.quarters = quarters(today: today).map { "\($0.0),\($0.1)" } ?? ""
        t.recordedBy = user.username
        try await t.create(on: db)
        return t
    }
}
