import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's diaries and return seasons with a branch's plan.
enum StudyAtHomeDemo {
    static let diaryTexts = [
        "今天在工地带头完成了钢筋绑扎任务，帮助两名新工友熟悉操作规程。",
        "参加了社区组织的志愿服务，为独居老人送去米面油，陪老人聊了一个小时。",
        "在车间开展安全生产宣传，提醒大家佩戴安全帽，发现并报告了一处隐患。",
        "利用休息时间学习了党章第三章，记下了全国代表大会的职权，准备周末答题。",
        "帮助同乡工友办理了社保转移手续，介绍了流入地党组织的联系方式。",
        "外卖配送途中协助交警疏导交通十分钟，记录下来作为先锋岗的一天。",
    ]

    static func load(_ demo: DemoContext, city: Organization, demoMember: UUID?, rng: inout SeededRandom) async throws {
        let db = demo.db
        let sql = try db.sql()
        let today = demo.today
        let mobile = try await sql.raw(
            "SELECT id, organization_id FROM members WHERE flow_status IS NOT NULL ORDER BY id"
        ).all(decoding: DemoMobileMember.self)
        guard !mobile.isEmpty else { return }
        // Diaries: a few hundred entries, most read and commented, some marked 优秀.
        var writers = (0..<150).map { _ in rng.pick(mobile) }
        if let demoMember, let me = mobile.first(where: { $0.id == demoMember }) { writers += [me, me] }
        for (i, w) in writers.enumerated() {
            let d = DiaryEntry()
            d.memberID = w.id
            d.onDay = today.adding(days: -(i % 60) - (w.id == demoMember ? 0 : 1)).description
            d.text = diaryTexts[(i + rng.int(0...5)) % diaryTexts.count]
            let read = w.id == demoMember ? i % 2 == 0 : rng.chance(0.7)
            d.comment = read ? "立足岗位作表率，值得大家学习。" : nil
            d.commentedBy = read ? "党支部书记" : nil
            d.excellent = read && (w.id == demoMember || rng.chance(0.25))
            try await d.create(on: db)
        }
        // Return seasons: last Spring Festival (with the plans carried out) and the coming one.
        let seasons: [(String, String, String)] = [
            ("\(today.year)年春节集中返乡", "\(today.year)-01-20", "\(today.year)-02-28"),
            ("\(today.year + 1)年春节集中返乡", "\(today.year + 1)-01-20", "\(today.year + 1)-02-20"),
        ]
        var seasonIDs: [UUID] = []
        for (name, from, to) in seasons {
            let s = ReturnSeason()
            s.orgID = city.id!
            s.name = name
            s.startsOn = from
            s.endsOn = to
            s.createdBy = DemoAuthor.username
            try await s.create(on: db)
            seasonIDs.append(s.id!)
        }
        if let account = try await Account.query(on: db).filter(\.$username == "secretary").first() {
            let branch = account.organizationID
            for (i, sid) in seasonIDs.enumerated() {
                let (_, from, to) = seasons[i]
                let expected = try await sql.raw(
                    """
                    SELECT m.id FROM members m JOIN flows f ON f.member_id = m.id WHERE m.organization_id = \(bind: branch)
                      AND ((f.expected_return_on >= \(bind: from) AND f.expected_return_on <= \(bind: to))
                        OR (f.returned_on >= \(bind: from) AND f.returned_on <= \(bind: to)))
                    """
                ).all().map { try $0.decode(column: "id", as: UUID.self) }
                guard i == 0 || !expected.isEmpty else { continue }
                let s = HomeStudySession()
                s.seasonID = sid
                s.branchID = branch
                s.onDay = (CalendarDate(from) ?? today).adding(days: 12).description
                s.place = "村党员活动室"
                s.topic = i == 0 ? "返乡流动党员集中学习：学习党章，通报家乡发展" : "计划：返乡流动党员座谈，学习全国代表大会精神"
                s.createdBy = DemoAuthor.username
                try await s.create(on: db)
                if i == 0 {
                    for m in expected {
                        try await sql.insert(into: "home_study_reached").columns("session_id", "member_id")
                            .values(SQLBind(s.id!), SQLBind(m)).run()
                    }
                    // Held: organizational life of the branch (座谈授课) with those reached present.
                    if s.onDay <= today.description {
                        let e = OrgLifeEvent()
                        e.orgID = branch
                        e.kind = .talk
                        e.heldOn = s.onDay
                        e.startsAt = s.onDay + "T09:00"
                        e.endsAt = s.onDay + "T11:00"
                        e.place = s.place
                        e.topic = "送学上门：" + s.topic
                        e.checkInCode = try await OrgLifeStore.freshCode(on: db)
                        e.createdBy = DemoAuthor.username
                        try await e.create(on: db)
                        try await OrgLifeStore.record(
                            Set(expected).enumerated().map {
                                CheckedAttendance(
                                    index: $0.offset, member: $0.element, status: .present, reason: nil,
                                    attendedAt: s.place, notCounted: false)
                            }, event: e, via: .staff, by: DemoAuthor.username, on: db)
                        s.eventID = e.id
                        try await s.update(on: db)
                    }
                }
            }
        }
    }
}
/// A mobile member as the demo picks diary writers.
private struct DemoMobileMember: Decodable {
    var id: UUID
    var organization_id: Int
}
