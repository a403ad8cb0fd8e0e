import Fluent
import Foundation
import LiudongCore
import SQLKit
import VaporTesting

@testable import LiudongApp

/// Recorded facts written straight into their tables, as the measures that own them would have recorded them.
struct PointFixture {
    let app: Application
    var sql: SQLDatabase { app.db as! SQLDatabase }

    /// Attendance at an event of `org` held on `day`.
    @discardableResult
    func attend(
        _ m: Member, _ org: Organization, _ day: String, kind: OrgLifeKind = .themeDay,
        status: AttendanceStatus = .present,
        notCounted: Bool = false
    ) async throws -> UUID {
        let e = UUID()
        try await sql.insert(into: "org_life_events")
            .columns("id", "org_id", "kind", "held_on", "starts_at", "ends_at", "topic", "check_in_code", "created_by")
            .values(
                SQLBind(e), SQLBind(org.id!), SQLBind(kind.rawValue), SQLBind(day), SQLBind(day + "T09:00"),
                SQLBind(day + "T11:00"), SQLBind("\(kind.label)\(day)"), SQLBind(String(e.uuidString.prefix(8))),
                SQLBind("test")
            ).run()
        let a = UUID()
        try await sql.insert(into: "org_life_attendance")
            .columns("id", "event_id", "member_id", "status", "not_counted", "via", "recorded_by")
            .values(
                SQLBind(a), SQLBind(e), SQLBind(m.id!), SQLBind(status.rawValue), SQLBind(notCounted), SQLBind("staff"),
                SQLBind("test")
            ).run()
        return a
    }

    @discardableResult
    func course(_ m: Member, _ day: String, publisher: Organization) async throws -> UUID {
        let c = UUID()
        try await sql.insert(into: "courses")
            .columns(
                "id", "publisher_org_id", "kind", "title", "source", "minutes", "tags", "available_from",
                "available_to",
                "created_by"
            )
            .values(
                SQLBind(c), SQLBind(publisher.id!), SQLBind("article"), SQLBind("课程\(day)"), SQLBind("共产党员网"),
                SQLBind(10), SQLBind(""), SQLBind("2000-01-01"), SQLBind("2100-12-31"), SQLBind("test")
            ).run()
        let id = UUID()
        try await sql.insert(into: "course_completions")
            .columns("id", "course_id", "member_id", "opened_at", "completed_on")
            .values(SQLBind(id), SQLBind(c), SQLBind(m.id!), SQLBind(CalendarDate(day)!.startDate), SQLBind(day)).run()
        return id
    }

    @discardableResult
    func quiz(_ m: Member, _ day: String, score: Int, total: Int, publisher: Organization) async throws -> UUID {
        let q = UUID()
        try await sql.insert(into: "quizzes")
            .columns("id", "publisher_org_id", "week", "title", "opens_on", "closes_on", "created_by")
            .values(
                SQLBind(q), SQLBind(publisher.id!), SQLBind("W-\(day)"), SQLBind("每周一学"), SQLBind(day), SQLBind(day),
                SQLBind("test")
            ).run()
        let id = UUID()
        try await sql.insert(into: "quiz_answers")
            .columns("id", "quiz_id", "member_id", "score", "total", "choices", "answered_at")
            .values(
                SQLBind(id), SQLBind(q), SQLBind(m.id!), SQLBind(score), SQLBind(total), SQLBind("[]"),
                SQLBind(CalendarDate(day)!.startDate.addingTimeInterval(3600 * 10))
            ).run()
        return id
    }

    @discardableResult
    func diary(_ m: Member, _ day: String, excellent: Bool) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "diary_entries")
            .columns("id", "member_id", "on_day", "text", "excellent")
            .values(SQLBind(id), SQLBind(m.id!), SQLBind(day), SQLBind("日记"), SQLBind(excellent)).run()
        return id
    }

    @discardableResult
    func contact(_ m: Member, _ day: String, answer: String?, cadreOrg: Organization) async throws -> UUID {
        let p = UUID()
        try await sql.insert(into: "pairings")
            .columns(
                "id", "member_id", "side", "cadre_name", "cadre_post", "cadre_phone_enc", "cadre_phone_hash",
                "cadre_phone_masked", "cadre_org_id", "started_on", "created_by"
            )
            .values(
                SQLBind(p), SQLBind(m.id!), SQLBind("home"), SQLBind("结对人"), SQLBind("书记"), SQLBind("x"),
                SQLBind(p.uuidString), SQLBind("139****0000"), SQLBind(cadreOrg.id!), SQLBind("2020-01-01"),
                SQLBind("test")
            ).run()
        let id = UUID()
        try await sql.insert(into: "contacts")
            .columns("id", "member_id", "pairing_id", "method", "contact_on", "summary", "entered_by", "answer")
            .values(
                SQLBind(id), SQLBind(m.id!), SQLBind(p), SQLBind("phone"), SQLBind(day), SQLBind("电话随访"),
                SQLBind("test"), SQLBind(answer)
            ).run()
        return id
    }

    @discardableResult
    func claim(_ m: Member, _ day: String, item: String = "V02", status: ClaimStatus = .approved) async throws -> UUID {
        let c = PointClaim()
        c.memberID = m.id!
        c.itemCode = item
        c.onDay = day
        c.description = "志愿服务\(day)\(UUID().uuidString.prefix(4))"
        c.textKey = PointClaimRules.textKey(c.description)
        c.status = status
        try await c.create(on: app.db)
        return c.id!
    }

    /// The member's entries for the year as `kind item points[ capped]`, in ledger order.
    func entries(_ m: Member, _ year: Int) async throws -> [String] {
        struct R: Decodable {
            var source_kind: String
            var item_code: String
            var points: Int
            var capped: Bool
            var status: String
            var on_day: String
        }
        return try await sql.raw(
            """
            SELECT source_kind, item_code, points, capped, status, on_day FROM point_entries
            WHERE member_id = \(bind: m.id!) AND year = \(bind: year) ORDER BY on_day, source_kind, source_id
            """
        ).all(decoding: R.self).map {
            "\($0.on_day) \($0.source_kind) \($0.item_code) \($0.points)\($0.capped ? " capped" : "")"
                + ($0.status == "counted" || $0.status == "capped" ? "" : " \($0.status)")
        }
    }

    func total(_ m: Member, _ year: Int) async throws -> Int? {
        try await sql.raw("SELECT total FROM point_totals WHERE member_id = \(bind: m.id!) AND year = \(bind: year)")
            .first()?.decode(column: "total", as: Int.self)
    }
}
