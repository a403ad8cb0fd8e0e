import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's learning content: courses and completions, then the weekly quizzes (`QuizDemo`), diaries and the
/// Spring Festival plan.
enum LearningMenuDemo {
    static let courses: [(CourseKind, String, String, String?, Int)] = [
        (.article, "学习《中国共产党章程》总纲", "共产党员网", "https://www.12371.cn/", 20),
        (.video, "党课视频：做新时代合格党员", "学习强国", "https://www.xuexi.cn/", 35),
        (.wechat, "流动党员在外如何参加组织生活", "赤峰组工微信公众号", "https://mp.weixin.qq.com/", 10),
        (.tv, "赤峰新闻·党建时间", "赤峰广播电视台", nil, 30),
        (.audio, "听党史：中国共产党的一百年", "学习强国", "https://www.xuexi.cn/", 25),
        (.article, "乡村振兴政策解读", "内蒙古党建网", "https://www.nmgdj.gov.cn/", 15),
    ]

    static func load(_ demo: DemoContext, city: Organization, rng: inout SeededRandom) async throws {
        let db = demo.db
        let sql = try db.sql()
        let today = demo.today
        let admin = DemoAuthor.username
        // Courses: two a month for the last year from the city, one a month from each county.
        let counties = try await Organization.query(on: db).filter(\.$level == .county).filter(\.$kind == .regular)
            .sort(\.$code).all()
        var courseIDs: [(UUID, Int, Bool)] = []
        for back in 0..<12 {
            let month = LearningDemo.monthStart(today, back: back)
            let publishers = [city, city] + counties
            for (i, p) in publishers.enumerated() {
                let spec = courses[(back + i) % courses.count]
                let c = Course()
                c.publisherOrgID = p.id!
                c.kind = i >= 2 && back % 3 == 0 ? .offline : spec.0
                c.title = c.kind == .offline ? "\(p.shortName)\(month.month)月流动党员座谈授课" : spec.1
                c.source = c.kind == .offline ? "\(p.shortName)委组织部" : spec.2
                c.url = c.kind == .offline ? nil : spec.3
                c.place = c.kind == .offline ? "\(p.shortName)党员教育中心" : nil
                c.minutes = c.kind == .offline ? 60 : spec.4
                c.tags = ["党章", "党史", "政策", "技能"][(back + i) % 4]
                c.availableFrom = month.description
                c.availableTo = month.adding(days: 75).description
                c.createdBy = admin
                try await c.create(on: db)
                try await sql.insert(into: "course_audience").columns("course_id", "org_id")
                    .values(SQLBind(c.id!), SQLBind(p.id!)).run()
                courseIDs.append((c.id!, p.id!, c.needsReflection))
            }
        }
        let members = try await sql.raw(
            "SELECT m.id, o.path FROM members m JOIN organizations o ON o.id = m.organization_id ORDER BY m.id"
        ).all(decoding: DemoLearner.self)
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        // Completions: about one member in a hundred learns each course of their menu (sampled, not scanned).
        var completions = Rows(
            table: "course_completions",
            columns: ["id", "course_id", "member_id", "opened_at", "completed_on", "reflection"])
        let paths = Dictionary(uniqueKeysWithValues: ([city] + counties).map { ($0.id!, $0.path) })
        var byPath: [String: [UUID]] = [:]
        for m in members where m.id != demoMember {
            for p in paths.values where m.path.hasPrefix(p) { byPath[p, default: []].append(m.id) }
        }
        let reflection = "认真学习了本课程，结合自己在外务工的实际，体会到要时刻牢记党员身份，主动向流入地党组织报到，积极参加组织生活，发挥先锋模范作用。"
        for (course, publisher, reflect) in courseIDs {
            let pool = byPath[paths[publisher] ?? "/"] ?? []
            guard !pool.isEmpty else { continue }
            var chosen = Set<UUID>()
            for _ in 0..<(pool.count / 100) { chosen.insert(rng.pick(pool)) }
            for m in chosen.sorted(by: { $0.uuidString < $1.uuidString }) {
                let done = today.adding(days: -rng.int(1...300))
                completions.add([
                    SQLBind(UUID()), SQLBind(course), SQLBind(m), SQLBind(done.startDate), SQLBind(done.description),
                    SQLBind(reflect ? reflection : nil),
                ])
            }
            try await completions.flushIfFull(sql)
        }
        try await completions.flush(sql)
        try await QuizDemo.quizzes(demo, city: city, members: members.map(\.id), demoMember: demoMember, rng: &rng)
        try await StudyAtHomeDemo.load(demo, city: city, demoMember: demoMember, rng: &rng)
    }

}

/// A member with their branch's path, as the demo picks learners.
private struct DemoLearner: Decodable {
    var id: UUID
    var path: String
}
