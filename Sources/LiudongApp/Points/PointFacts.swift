import Fluent
import Foundation
import LiudongCore
import SQLKit

/// Reads the recorded facts that earn points for the mobile members of a county (or one member) in a year. Every fact is
/// something done and recorded elsewhere — a course learnt, a quiz answered, organizational life attended, a diary
/// entry marked 优秀, a contact the member confirmed, an approved claim — never a login or time online.
enum PointFacts {
    /// Whom the facts are read for: the members of organizations under `path`, or one member.
    struct Population {
        var path: String
        var member: UUID?
    }

    static func read(_ who: Population, year: Int, after: CalendarDate?, on sql: SQLDatabase) async throws
        -> [PointFact]
    {
        let from = max(
            CalendarDate(year: year, month: 1, day: 1)!, after?.adding(days: 1) ?? .init(year: 1, month: 1, day: 1)!)
        let to = CalendarDate(year: year, month: 12, day: 31)!
        guard from <= to else { return [] }
        let lo = from.description
        let hi = to.description
        func members(_ alias: String) -> SQLQueryString {
            if let m = who.member {
                return "\(ident: alias).member_id = \(bind: m)"
            }
            return
                "\(ident: alias).member_id IN (SELECT m.id FROM members m JOIN organizations o ON o.id = m.organization_id WHERE \(PathPrefix("o.path", who.path)) AND m.flow_status IN \(SQLBind.group(LedgerService.openStates)))"
        }
        var facts: [PointFact] = []

        struct Course: Decodable {
            var id: UUID
            var member_id: UUID
            var completed_on: String
            var title: String
        }
        for r in try await sql.raw(
            """
            SELECT c.id, c.member_id, c.completed_on, co.title FROM course_completions c JOIN courses co ON co.id = c.course_id
            WHERE \(members("c")) AND c.completed_on >= \(bind: lo) AND c.completed_on <= \(bind: hi)
            """
        ).all(decoding: Course.self) {
            guard let day = CalendarDate(r.completed_on) else { continue }
            facts.append(
                PointFact(
                    source: .courseCompleted, id: r.id.uuidString, member: r.member_id, on: day,
                    detail: "学完课程《\(r.title)》"))
        }

        struct Quiz: Decodable {
            var id: UUID
            var member_id: UUID
            var answered_at: Date
            var score: Int
            var total: Int
            var week: String
        }
        let start = CalendarDate.calendar.date(from: DateComponents(year: from.year, month: from.month, day: from.day))!
        let end = CalendarDate.calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!
        for r in try await sql.raw(
            """
            SELECT a.id, a.member_id, a.answered_at, a.score, a.total, q.week FROM quiz_answers a JOIN quizzes q ON q.id = a.quiz_id
            WHERE \(members("a")) AND a.answered_at >= \(bind: start) AND a.answered_at < \(bind: end)
            """
        ).all(decoding: Quiz.self) {
            guard r.total > 0, r.score >= 0, r.score <= r.total else { continue }
            facts.append(
                PointFact(
                    source: .quizPassed, id: r.id.uuidString, member: r.member_id,
                    on: CalendarDate(date: r.answered_at),
                    percent: r.score * 100 / r.total, detail: "每周一学（\(r.week)）得分\(r.score)/\(r.total)"))
        }

        struct Attendance: Decodable {
            var id: UUID
            var member_id: UUID
            var status: String
            var not_counted: Bool
            var held_on: String
            var kind: String
            var topic: String
            var short_name: String
            var event_path: String
            var home_path: String
        }
        for r in try await sql.raw(
            """
            SELECT a.id, a.member_id, a.status, a.not_counted, e.held_on, e.kind, e.topic, eo.short_name,
                   eo.path AS event_path, ho.path AS home_path
            FROM org_life_attendance a JOIN org_life_events e ON e.id = a.event_id
            JOIN organizations eo ON eo.id = e.org_id
            JOIN members hm ON hm.id = a.member_id JOIN organizations ho ON ho.id = hm.organization_id
            WHERE \(members("a")) AND e.held_on >= \(bind: lo) AND e.held_on <= \(bind: hi) AND a.status IN ('present', 'absent')
            """
        ).all(decoding: Attendance.self) {
            guard let day = CalendarDate(r.held_on) else { continue }
            let kind = OrgLifeKind(rawValue: r.kind)
            let what = "\(r.short_name)\(kind?.label ?? "")“\(r.topic)”"
            if r.status == "present" {
                let home = r.home_path.hasPrefix(r.event_path)
                facts.append(
                    PointFact(
                        source: home ? .orgLifeHome : .orgLifeAway, id: r.id.uuidString, member: r.member_id, on: day,
                        detail: "参加\(what)"))
            } else if kind == .memberMeeting, !r.not_counted {
                facts.append(
                    PointFact(
                        source: .memberMeetingAbsent, id: r.id.uuidString, member: r.member_id, on: day,
                        detail: "未请假缺席\(what)"))
            }
        }

        struct Diary: Decodable {
            var id: UUID
            var member_id: UUID
            var on_day: String
        }
        for r in try await sql.raw(
            """
            SELECT d.id, d.member_id, d.on_day FROM diary_entries d
            WHERE \(members("d")) AND d.excellent = \(bind: true) AND d.on_day >= \(bind: lo) AND d.on_day <= \(bind: hi)
            """
        ).all(decoding: Diary.self) {
            guard let day = CalendarDate(r.on_day) else { continue }
            facts.append(
                PointFact(
                    source: .diaryExcellent, id: r.id.uuidString, member: r.member_id, on: day,
                    detail: "\(r.on_day)的先锋岗日记被评为优秀"))
        }

        struct Contact: Decodable {
            var id: UUID
            var member_id: UUID
            var contact_on: String
            var method: String
        }
        for r in try await sql.raw(
            """
            SELECT c.id, c.member_id, c.contact_on, c.method FROM contacts c
            WHERE \(members("c")) AND c.answer = 'confirmed' AND c.contact_on >= \(bind: lo) AND c.contact_on <= \(bind: hi)
            """
        ).all(decoding: Contact.self) {
            guard let day = CalendarDate(r.contact_on) else { continue }
            facts.append(
                PointFact(
                    source: .contactConfirmed, id: r.id.uuidString, member: r.member_id, on: day,
                    detail: "\(ContactMethod(rawValue: r.method)?.label ?? "结对联系")（本人已确认）"))
        }

        struct Claim: Decodable {
            var id: UUID
            var member_id: UUID
            var on_day: String
            var item_code: String
            var description: String
        }
        for r in try await sql.raw(
            """
            SELECT c.id, c.member_id, c.on_day, c.item_code, c.description FROM point_claims c
            WHERE \(members("c")) AND c.status = 'approved' AND c.on_day >= \(bind: lo) AND c.on_day <= \(bind: hi)
            """
        ).all(decoding: Claim.self) {
            guard let day = CalendarDate(r.on_day) else { continue }
            let text = r.description.count > 30 ? String(r.description.prefix(30)) + "…" : r.description
            facts.append(
                PointFact(
                    source: .claim, id: r.id.uuidString, member: r.member_id, on: day, itemCode: r.item_code,
                    detail: "申报经审核通过：\(text)"))
        }
        return facts
    }
}
