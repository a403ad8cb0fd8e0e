import Fluent
import Foundation
import LiudongCore
import SQLKit

/// Reads the recorded facts that earn points for the members of a county who were ever mobile (or one member) in a
/// year — the ledger keeps those of the months each was mobile (`PointMobility`). Every fact
/// is something done and recorded elsewhere — a course learnt, a quiz answered, organizational life attended, a diary
/// entry marked 优秀, a contact the member confirmed, an approved claim — never a login or time online.
enum PointFactStore {
    /// Whom the facts are read for: the members of organizations under `path`, or one member.
    struct Population {
        var path: String
        var member: UUID?
    }

    static func read(_ who: Population, year: Int, after: CalendarDate?, on db: Database) async throws -> [PointFact] {
        guard let first = CalendarDate(year: year, month: 1, day: 1),
            let to = CalendarDate(year: year, month: 12, day: 31)
        else { return [] }
        let from = after.map { max(first, $0.adding(days: 1)) } ?? first
        guard from <= to else { return [] }
        let lo = from.description
        let hi = to.description
        func members(_ alias: String, _ column: String = "member_id") -> SQLQueryString {
            if let m = who.member { return "\(ident: alias).\(ident: column) = \(bind: m)" }
            return """
                \(ident: alias).\(ident: column) IN (SELECT m.id FROM members m JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", who.path)) AND m.flow_status IS NOT NULL)
                """
        }
        var facts: [PointFact] = []
        /// One fact per row that names its id, member and a readable day.
        func add(
            _ r: PointRow, _ source: PointSource, day: String, percent: Int? = nil, item: String? = nil,
            _ detail: String
        ) {
            guard let id = r.id("id"), let member = r.uuid("member_id"), let on = CalendarDate(day) else { return }
            facts.append(
                PointFact(
                    source: source, id: id, member: member, on: on, percent: percent, itemCode: item, detail: detail))
        }

        for r in try await PointRow.all(
            """
            SELECT c.id, c.member_id, c.completed_on, co.title FROM course_completions c JOIN courses co ON co.id = c.course_id
            WHERE \(members("c")) AND c.completed_on >= \(bind: lo) AND c.completed_on <= \(bind: hi)
            """, on: db)
        {
            add(r, .courseCompleted, day: r.string("completed_on") ?? "", "学完课程《\(r.string("title") ?? "")》")
        }

        let start = from.startDate
        let end = CalendarDate(year: year + 1, month: 1, day: 1)?.startDate ?? to.startDate
        for r in try await PointRow.all(
            """
            SELECT a.id, a.member_id, a.answered_at, a.score, a.total, q.week FROM quiz_answers a JOIN quizzes q ON q.id = a.quiz_id
            WHERE \(members("a")) AND a.answered_at >= \(bind: start) AND a.answered_at < \(bind: end)
            """, on: db)
        {
            guard let score = r.int("score"), let total = r.int("total"), total > 0, score >= 0, score <= total,
                let at = r.date("answered_at")
            else { continue }
            add(
                r, .quizPassed, day: CalendarDate(date: at).description, percent: score * 100 / total,
                "每周一学（\(r.string("week") ?? "")）得分\(score)/\(total)")
        }

        // Attendance, then the events it names and each member's home branch once (not on every row).
        struct Event {
            var day: String
            var kind: OrgLifeKind?
            var what: String
            var path: String
        }
        let attendance = try await PointRow.all(
            """
            SELECT a.id, a.member_id, a.event_id, a.status, a.not_counted FROM org_life_attendance a
            JOIN org_life_events e ON e.id = a.event_id
            WHERE \(members("a")) AND a.status IN ('present', 'absent') AND e.held_on >= \(bind: lo) AND e.held_on <= \(bind: hi)
            """, on: db)
        var events: [String: Event] = [:]
        let eventIDs = Array(Set(attendance.compactMap { $0.uuid("event_id") }))
        for chunk in stride(from: 0, to: eventIDs.count, by: 500) {
            let ids = eventIDs[chunk..<min(chunk + 500, eventIDs.count)].map { $0 as any Encodable & Sendable }
            for r in try await PointRow.all(
                """
                SELECT e.id, e.held_on, e.kind, e.topic, o.short_name, o.path FROM org_life_events e
                JOIN organizations o ON o.id = e.org_id WHERE e.id IN \(SQLBind.group(ids))
                """, on: db)
            {
                guard let id = r.id("id") else { continue }
                let kind = r.string("kind").flatMap(OrgLifeKind.init(rawValue:))
                events[id] = Event(
                    day: r.string("held_on") ?? "", kind: kind,
                    what: "\(r.string("short_name") ?? "")\(kind?.label ?? "")“\(r.string("topic") ?? "")”",
                    path: r.string("path") ?? "\u{0}")
            }
        }
        var homes: [UUID: String] = [:]
        for r in try await PointRow.all(
            """
            SELECT hm.id AS member_id, ho.path FROM members hm JOIN organizations ho ON ho.id = hm.organization_id
            WHERE \(members("hm", "id"))
            """, on: db)
        {
            if let m = r.uuid("member_id") { homes[m] = r.string("path") }
        }
        for r in attendance {
            guard let e = r.id("event_id").flatMap({ events[$0] }), let m = r.uuid("member_id") else { continue }
            if r.string("status") == "present" {
                let home = (homes[m] ?? "").hasPrefix(e.path)
                add(r, home ? .orgLifeHome : .orgLifeAway, day: e.day, "参加\(e.what)")
            } else if e.kind == .memberMeeting, !r.bool("not_counted") {
                add(r, .memberMeetingAbsent, day: e.day, "未请假缺席\(e.what)")
            }
        }

        for r in try await PointRow.all(
            """
            SELECT d.id, d.member_id, d.on_day FROM diary_entries d
            WHERE \(members("d")) AND d.excellent = \(bind: true) AND d.on_day >= \(bind: lo) AND d.on_day <= \(bind: hi)
            """, on: db)
        {
            let day = r.string("on_day") ?? ""
            add(r, .diaryExcellent, day: day, "\(day)的先锋岗日记被评为优秀")
        }

        for r in try await PointRow.all(
            """
            SELECT c.id, c.member_id, c.contact_on, c.method FROM contacts c
            WHERE \(members("c")) AND c.answer = 'confirmed' AND c.contact_on >= \(bind: lo) AND c.contact_on <= \(bind: hi)
            """, on: db)
        {
            let method = r.string("method").flatMap(ContactMethod.init(rawValue:))?.label ?? "结对联系"
            add(r, .contactConfirmed, day: r.string("contact_on") ?? "", "\(method)（本人已确认）")
        }

        for r in try await PointRow.all(
            """
            SELECT c.id, c.member_id, c.on_day, c.item_code, c.description FROM point_claims c
            WHERE \(members("c")) AND c.status = 'approved' AND c.on_day >= \(bind: lo) AND c.on_day <= \(bind: hi)
            """, on: db)
        {
            let description = r.string("description") ?? ""
            let text = description.count > 30 ? String(description.prefix(30)) + "…" : description
            add(r, .claim, day: r.string("on_day") ?? "", item: r.string("item_code"), "申报经审核通过：\(text)")
        }
        return facts
    }
}
