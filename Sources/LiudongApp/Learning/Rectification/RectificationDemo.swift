import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The demo's corrective items: the latest 组织生活会 of the first six branches of 巴林左旗 (the demo secretary's among
/// them) each recorded three — one done, one due later, and one past its due day, on the worklist.
enum RectificationDemo {
    private struct Meeting: Decodable {
        var id: UUID
        var org_id: Int
        var held_on: String
    }

    static let items: [(what: String, who: String)] = [
        ("联系流动党员不够经常，部分党员半年未联系", "支部书记"),
        ("“三会一课”记录不完整，党课没有讲稿", "组织委员"),
        ("党员作用发挥不明显，志愿服务参与少", "宣传委员"),
    ]

    static func load(_ demo: DemoContext) async throws {
        let sql = try demo.db.sql()
        guard let county = try await Organization.query(on: demo.db).filter(\.$code == "150422").first() else { return }
        let today = demo.today
        let branches = Array(
            try await OrgTree.openBranches(under: county, on: demo.db).filter { $0.kind == .regular }
                .prefix(6))
        var meetings: [Meeting] = []
        for b in branches {
            if let m = try await sql.raw(
                """
                SELECT id, org_id, held_on FROM org_life_events WHERE org_id = \(bind: b.id!)
                  AND kind = \(bind: OrgLifeKind.lifeMeeting.rawValue) AND held_on < \(bind: today.description)
                ORDER BY held_on DESC, id LIMIT 1
                """
            ).first(decoding: Meeting.self) {
                meetings.append(m)
                continue
            }
            // No 组织生活会 in the demo's year of events (it is held in January): the latest January's.
            let jan = CalendarDate(year: today.year, month: 1, day: 15)!
            let day = jan < today ? jan : CalendarDate(year: today.year - 1, month: 1, day: 15)!
            let e = OrgLifeEvent()
            e.orgID = b.id!
            e.kind = .lifeMeeting
            e.heldOn = day.description
            e.startsAt = day.description + "T09:00"
            e.endsAt = day.description + "T11:30"
            e.place = "党员活动室"
            e.topic = "\(day.year - 1)年度组织生活会"
            e.checkInCode = try await OrgLifeStore.freshCode(on: demo.db)
            e.createdBy = DemoAuthor.username
            try await e.create(on: demo.db)
            meetings.append(Meeting(id: e.id!, org_id: b.id!, held_on: day.description))
        }
        for m in meetings {
            guard let held = CalendarDate(m.held_on) else { continue }
            for (i, item) in items.enumerated() {
                let r = Rectification()
                r.eventID = m.id
                r.orgID = m.org_id
                r.what = item.what
                r.who = item.who
                switch i {
                case 0:
                    r.dueOn = held.adding(days: 20).description
                    r.doneOn = min(held.adding(days: 15), demo.today).description
                    r.doneNote = "建立每月电话联系、每季度视频座谈制度"
                case 1: r.dueOn = max(held, demo.today.adding(days: -12)).description
                default: r.dueOn = max(held, demo.today.adding(days: 40)).description
                }
                r.createdBy = DemoAuthor.username
                try await r.create(on: demo.db)
            }
        }
    }
}
