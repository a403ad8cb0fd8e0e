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
        let meetings = try await sql.raw(
            """
            SELECT e.id, e.org_id, e.held_on FROM org_life_events e JOIN organizations o ON o.id = e.org_id
            WHERE \(PathPrefix("o.path", county.path)) AND o.level = 'branch' AND e.kind = \(bind: OrgLifeKind.lifeMeeting.rawValue)
              AND e.held_on <= \(bind: demo.today.adding(days: -30).description)
            ORDER BY e.org_id, e.held_on DESC, e.id
            """
        ).all(decoding: Meeting.self)
        var seen = Set<Int>()
        for m in meetings where seen.insert(m.org_id).inserted && seen.count <= 6 {
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
                    r.doneOn = held.adding(days: 15).description
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
