import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's measure 4c: a year of organizational life for every branch (a few behind schedule), member meetings
/// with attendance (mobile members excused with consent), monthly theme days of mobile and inflow organizations
/// attended by our mobile members, a course menu per month, the question bank and four weekly quizzes with answers
/// (the first week is the seed's own column), diaries, a Spring Festival plan and red packages.
enum LearningDemo {
    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        let sql = try db.sql()
        var rng = SeededRandom(seed: demo.seed ^ 0x4C_0013)
        guard let city = try await Organization.query(on: db).filter(\.$level == .city).first() else { return }
        let today = demo.today
        var codes = CodeSource(seed: demo.seed)
        let branches = try await Organization.query(on: db).filter(\.$level == .branch).filter(\.$kind == .regular)
            .filter(\.$closedAt == nil).sort(\.$code).all()
        let behind = Set(branches.enumerated().filter { $0.offset % 40 == 7 }.map { $0.element.id! })
        let lastQuarter = Quarter(containing: today).previous ?? Quarter(containing: today)
        var events = Rows(table: "org_life_events", columns: EventRow.columns)
        var meetings: [(UUID, Int, CalendarDate)] = []
        for b in branches {
            for back in 0..<12 {
                let month = monthStart(today, back: back)
                for (kind, day, hour) in monthly(month: month) {
                    let d = CalendarDate(year: month.year, month: month.month, day: day)!
                    guard d < today else { continue }
                    if behind.contains(b.id!), lastQuarter.contains(d), kind == .themeDay || kind == .memberMeeting {
                        continue
                    }
                    let id = UUID()
                    events.add(
                        EventRow(
                            id: id, org: b.id!, kind: kind, day: d, hour: hour, place: "\(b.shortName)党员活动室",
                            topic: topic(kind, month: month), code: codes.next()
                        ).values)
                    if kind == .memberMeeting, back < 4 { meetings.append((id, b.id!, d)) }
                }
            }
            try await events.flushIfFull(sql)
        }
        try await events.flush(sql)
        try await attendHome(meetings, rng: &rng, on: sql)
        try await attendAway(today: today, codes: &codes, rng: &rng, on: db)
        try await sql.raw(
            """
            INSERT INTO org_life_last (member_id, last_on)
            SELECT a.member_id, MAX(e.held_on) FROM org_life_attendance a JOIN org_life_events e ON e.id = a.event_id
            WHERE a.status = 'present' GROUP BY a.member_id
            """
        ).run()
        try await LearningMenuDemo.load(demo, city: city, rng: &rng)
    }

    static func monthStart(_ today: CalendarDate, back: Int) -> CalendarDate {
        var y = today.year
        var m = today.month - back
        while m < 1 {
            m += 12
            y -= 1
        }
        return CalendarDate(year: y, month: m, day: 1)!
    }

    /// The month's events of a branch: theme day, committee and group meetings every month; member meeting and
    /// party class in the quarter's last month; life meeting and appraisal in January.
    static func monthly(month: CalendarDate) -> [(OrgLifeKind, Int, Int)] {
        var out: [(OrgLifeKind, Int, Int)] = [(.committeeMeeting, 3, 9), (.themeDay, 10, 9), (.groupMeeting, 18, 19)]
        if month.month % 3 == 0 { out += [(.memberMeeting, 20, 19), (.partyClass, 25, 15)] }
        if month.month == 1 { out += [(.lifeMeeting, 15, 9), (.appraisal, 16, 9)] }
        return out
    }

    static func topic(_ kind: OrgLifeKind, month: CalendarDate) -> String {
        switch kind {
        case .memberMeeting: return "\(month.year)年第\((month.month - 1) / 3 + 1)季度党员大会：通报支部工作，讨论流动党员管理"
        case .committeeMeeting: return "\(month.month)月支委会：研究本月工作和流动党员联系情况"
        case .groupMeeting: return "\(month.month)月党小组会：学习交流"
        case .partyClass: return "书记讲党课：学习党章，做合格党员"
        case .themeDay: return "\(month.month)月主题党日：" + ["学习党章", "志愿服务", "重温入党誓词", "走访困难群众"][month.month % 4]
        case .lifeMeeting: return "\(month.year)年度组织生活会"
        case .appraisal: return "\(month.year - 1)年度民主评议党员"
        case .talk: return "流动党员座谈授课"
        }
    }

    struct EventRow {
        static let columns = [
            "id", "org_id", "kind", "held_on", "starts_at", "ends_at", "place", "topic", "host", "recorder", "minutes",
            "check_in_code", "created_by",
        ]
        var id: UUID
        var org: Int
        var kind: OrgLifeKind
        var day: CalendarDate
        var hour: Int
        var place: String
        var topic: String
        var code: String

        var values: [any SQLExpression] {
            let start = "\(day)T" + String(format: "%02d:00", hour)
            let end = "\(day)T" + String(format: "%02d:00", min(hour + 2, 23))
            return [
                SQLBind(id), SQLBind(org), SQLBind(kind.rawValue), SQLBind(day.description), SQLBind(start),
                SQLBind(end), SQLBind(place), SQLBind(topic), SQLBind("书记"), SQLBind("组织委员"),
                SQLBind("会议按议程进行，到会党员围绕主题发言。"), SQLBind(code), SQLBind("demo"),
            ]
        }
    }

    /// The last quarter's member meeting: members at home present (a few excused or absent); mobile members
    /// excused with the higher organization's consent (not counted) or absent.
    static func attendHome(_ meetings: [(UUID, Int, CalendarDate)], rng: inout SeededRandom, on sql: SQLDatabase)
        async throws
    {
        let members = try await sql.raw("SELECT id, organization_id, flow_status, joined_on FROM members ORDER BY id")
            .all(decoding: DemoAttendee.self)
        let byBranch = Dictionary(grouping: members, by: \.organization_id)
        var rows = Rows(table: "org_life_attendance", columns: attendanceColumns)
        for (event, branch, day) in meetings {
            for m in byBranch[branch] ?? [] where m.joined_on <= day.description {
                let status: AttendanceStatus
                var reason: String?
                var notCounted = false
                if m.flow_status != nil {
                    if rng.chance(0.6) {
                        status = .excused
                        reason = "外出务工，已向上级党组织申请"
                        notCounted = m.flow_status.flatMap(FlowState.init(rawValue:))?.isOpen ?? false
                    } else {
                        status = .absent
                    }
                } else {
                    let r = rng.int(0...99)
                    status = r < 92 ? .present : r < 96 ? .excused : .absent
                    if status == .excused { reason = ["生病住院", "照顾家人", "外出办事"][r % 3] }
                }
                rows.add(
                    attendance(
                        event: event, member: m.id, status: status, reason: reason, at: nil, notCounted: notCounted,
                        via: .staff, approval: notCounted ? "经党委\(day.month)月\(max(1, day.day - 3))日同意" : nil))
            }
            try await rows.flushIfFull(sql)
        }
        try await rows.flush(sql)
    }

    static let attendanceColumns = [
        "id", "event_id", "member_id", "status", "reason", "attended_at", "not_counted", "via", "recorded_by",
        "approval",
    ]

    static func attendance(
        event: UUID, member: UUID, status: AttendanceStatus, reason: String?, at: String?, notCounted: Bool,
        via: AttendanceVia, approval: String? = nil
    ) -> [any SQLExpression] {
        [
            SQLBind(UUID()), SQLBind(event), SQLBind(member), SQLBind(status.rawValue), SQLBind(reason), SQLBind(at),
            SQLBind(notCounted), SQLBind(via.rawValue), SQLBind("demo"), SQLBind(approval),
        ]
    }

    /// Monthly theme days of the last six months at every open mobile organization and every inflow organization,
    /// attended by the mobile members taking part in them or reporting to them.
    static func attendAway(today: CalendarDate, codes: inout CodeSource, rng: inout SeededRandom, on db: Database)
        async throws
    {
        let sql = try db.sql()
        let orgs = try await Organization.query(on: db).filter(\.$kind ~~ [.mobile, .external]).filter(
            \.$closedAt == nil
        )
        .sort(\.$code).all()
        let open = SQLBind.group(LedgerService.openStates)
        let people = try await sql.raw(
            """
            SELECT org_id, member_id FROM mobile_org_members WHERE left_on IS NULL
            UNION SELECT inflow_org_id AS org_id, member_id FROM flows WHERE inflow_org_id IS NOT NULL AND status IN \(open)
            ORDER BY org_id, member_id
            """
        ).all(decoding: DemoMobileParticipant.self)
        let byOrg = Dictionary(grouping: people, by: \.org_id)
        var events = Rows(table: "org_life_events", columns: EventRow.columns)
        var rows = Rows(table: "org_life_attendance", columns: attendanceColumns)
        for o in orgs {
            for back in 0..<6 {
                let month = monthStart(today, back: back)
                let day = CalendarDate(year: month.year, month: month.month, day: 12)!
                guard day < today else { continue }
                let id = UUID()
                events.add(
                    EventRow(
                        id: id, org: o.id!, kind: .themeDay, day: day, hour: 19, place: "\(o.shortName)活动室",
                        topic: "\(month.month)月主题党日：流动党员交流学习", code: codes.next()
                    ).values)
                for p in byOrg[o.id!] ?? [] where rng.chance(0.7) {
                    let via: AttendanceVia = rng.chance(0.5) ? .code : rng.chance(0.5) ? .certificate : .staff
                    rows.add(
                        attendance(
                            event: id, member: p.member_id, status: .present, reason: nil, at: o.shortName,
                            notCounted: false, via: via))
                }
            }
            // Attendance refers to its events: they go first, together, when enough rows have gathered.
            if rows.pending.count + events.pending.count >= 600 {
                try await events.flush(sql)
                try await rows.flush(sql)
            }
        }
        try await events.flush(sql)
        try await rows.flush(sql)
    }
}

/// Distinct check-in codes for the demo's events (a counter spelled in the code alphabet, shuffled by the seed).
struct CodeSource {
    var n: UInt64
    init(seed: UInt64) { n = seed % 1_000_000 }
    mutating func next() -> String {
        n += 1
        let a = OrgLifeRules.codeAlphabet
        var x = n &* 2_654_435_761 % 887_503_681  // 31^6: a bijection on the codes
        var s = ""
        for _ in 0..<6 {
            s.append(a[Int(x % UInt64(a.count))])
            x /= UInt64(a.count)
        }
        return s
    }
}

/// A member as the demo's attendance picks them.
private struct DemoAttendee: Decodable {
    var id: UUID
    var organization_id: Int
    var flow_status: String?
    var joined_on: String
}

/// A member taking part in a mobile organization, as the demo picks them.
private struct DemoMobileParticipant: Decodable {
    var org_id: Int
    var member_id: UUID
}
