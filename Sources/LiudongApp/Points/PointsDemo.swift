import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The points pilot in the demo: 巴林左旗 (bands shown to members) and 翁牛特旗 (the full list), the default rules
/// for last year and this, a mid-year version in 巴林左旗, last year's ranking published, this year's ledger from
/// the demo's facts, claims and appeals at every stage, the first half of the year closed, and talk tasks.
enum PointsDemo {
    static let pilots: [(code: String, form: PublicForm)] = [("150422", .bands), ("150426", .list)]

    static let deeds = [
        "参加流入地社区组织的志愿服务，帮助独居老人打扫卫生、更换灯泡",
        "在务工企业组织工友学习安全生产知识，排查宿舍用电隐患",
        "为家乡合作社联系销路，帮助乡亲销售小米和荞麦",
        "参加所在街道的防汛值守，连续三个夜班巡查河堤",
        "帮助新到城市的老乡找到工作并办理暂住手续",
        "在流入地无偿献血一次",
        "协助流动党员党支部整理党员名册和联系方式",
        "参与社区疫情防控和人口排查的志愿服务",
    ]
    static let places = ["呼和浩特", "北京", "包头", "鄂尔多斯", "天津", "赤峰市区", "沈阳", "通辽"]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        let today = demo.today
        var rng = SeededRandom(seed: demo.seed ^ 0x50_0014)
        let acting = Acting.system(DemoAuthor.username, today: today, on: db, audited: false)
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        for (code, form) in pilots {
            guard let county = try await Organization.query(on: db).filter(\.$code == code).first() else { continue }
            let s = PointCounty(countyID: county.id!)
            s.enabled = true
            s.publicForm = form
            // The demo's facts are thin (a few months of them): a talk only after two quarters with no points at all.
            s.lowQuarterBelow = 1
            s.goodAt = 20
            s.passAt = 8
            s.updatedBy = DemoAuthor.username
            try await s.create(on: db)
            let cameHome = try await cameHome(county: county, today: today, on: db)
            let members = try await PointLedgerStore.population(county: county, year: today.year, member: nil, on: db)
            // Last year: the rules, the deeds members claimed and the secretary approved, then the publication.
            _ = try await PointRulesStore.ensureYear(
                county: county, year: today.year - 1, by: DemoAuthor.username, on: db)
            try await claims(
                members.map(\.id), year: today.year - 1,
                through: CalendarDate(year: today.year - 1, month: 12, day: 31)!,
                rng: &rng, on: db)
            if let (member, back) = cameHome, back.year < today.year {
                try await claims([member], year: back.year, through: back, rng: &rng, everyone: true, on: db)
            }
            try await PointRankingActions.publish(county: county, year: today.year - 1, form: form, as: acting)
            // This year: default rules, and in 巴林左旗 a second version from 1 July.
            _ = try await PointRulesStore.ensureYear(
                county: county, year: today.year, by: DemoAuthor.username, on: db)
            try await claims(members.map(\.id), year: today.year, through: today.adding(days: -20), rng: &rng, on: db)
            if let (member, back) = cameHome, back.year == today.year {
                try await claims([member], year: back.year, through: back, rng: &rng, everyone: true, on: db)
            }
            let july = CalendarDate(year: today.year, month: 7, day: 1)!
            if code == "150422", july < today {
                var items = PointRuleVersion.defaultItems
                if let i = items.firstIndex(where: { $0.code == "V02" }) { items[i].yearCap = 60 }
                items.append(
                    PointItem(
                        code: "V04", name: "参加家乡抗旱防汛、森林防火等急难险重任务", category: .vanguard, points: 8,
                        yearCap: 24, source: .claim))
                try await PointRulesActions.createVersion(
                    county: county, year: today.year, from: july, items: items,
                    note: "旗委组织部：提高志愿服务年上限，增加急难险重任务", as: acting)
            } else {
                try await PointLedger.recompute(county: county, year: today.year, on: db)
            }
            if let q2 = Quarter(year: today.year, number: 2), q2.lastDay < today {
                try await PointRulesActions.close(county: county, through: q2, as: acting)
            }
            try await objection(county: county, year: today.year - 1, today: today, on: db)
            try await pending(
                county: county, members: members.map(\.id), demoMember: demoMember, today: today, rng: &rng, on: db)
            try await talks(county: county, today: today, on: db)
        }
    }

    /// A member of the county who came home on 12 November (this year's, or last year's before then) after the whole
    /// year away: the ranking still counts them, with lines pro-rated to eleven months. One of the demo's returned
    /// flows is dated so; nil when the county has none.
    static func cameHome(county: Organization, today: CalendarDate, on db: Database) async throws
        -> (UUID, CalendarDate)?
    {
        let sql = try db.sql()
        guard
            let row = try await sql.raw(
                """
                SELECT f.id, f.member_id, f.left_on FROM flows f JOIN members m ON m.id = f.member_id
                JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", county.path)) AND f.status = \(bind: FlowState.returned.rawValue)
                ORDER BY m.name, f.id LIMIT 1
                """
            ).first(decoding: DemoFlow.self),
            let thisYear = CalendarDate(year: today.year, month: 11, day: 12),
            let lastYear = CalendarDate(year: today.year - 1, month: 11, day: 12)
        else { return nil }
        let back = thisYear < today ? thisYear : lastYear
        let left = min(CalendarDate(row.left_on) ?? back, CalendarDate(year: back.year - 1, month: 12, day: 28)!)
        try await sql.raw(
            """
            UPDATE flows SET left_on = \(bind: left.description), returned_on = \(bind: back.description),
            last_contact_on = \(bind: back.description) WHERE id = \(bind: row.id)
            """
        ).run()
        return (row.member_id, back)
    }

    /// Approved claims (1–4 for about 70% of the members) in `year` up to `through`, a few rejected.
    static func claims(
        _ members: [UUID], year: Int, through: CalendarDate, rng: inout SeededRandom, everyone: Bool = false,
        on db: Database
    ) async throws {
        let sql = try db.sql()
        var rows = Rows(
            table: "point_claims",
            columns: [
                "id", "member_id", "item_code", "on_day", "description", "text_key", "status", "decision_reason",
                "decided_by", "decided_at", "created_at",
            ])
        let start = CalendarDate(year: year, month: 1, day: 1)!
        let span = max(1, Int(through.startDate.timeIntervalSince(start.startDate) / 86_400))
        for m in members where rng.chance(0.7) || everyone {
            for k in 0..<rng.int(1...4) {
                let day = start.adding(days: rng.int(0...span))
                let text =
                    "\(day.year)年\(day.month)月在\(rng.pick(places))\(deeds[(k + rng.int(0...7)) % deeds.count])（第\(k + 1)次申报）"
                let rejected = rng.chance(0.08)
                rows.add([
                    SQLBind(UUID()), SQLBind(m), SQLBind(k == 3 ? "V03" : "V02"), SQLBind(day.description),
                    SQLBind(text), SQLBind(PointClaimRules.textKey(text)),
                    SQLBind(rejected ? "rejected" : "approved"),
                    SQLBind(rejected ? "未能提供活动组织方的证明，请补充后重新申报" : "情况属实"), SQLBind("secretary"),
                    SQLBind(day.adding(days: 3).startDate), SQLBind(day.startDate),
                ])
                try await rows.flushIfFull(sql)
            }
        }
        try await rows.flush(sql)
    }

    /// Claims waiting for the secretary (one the demo member's) and appeals: pending, upheld, rejected.
    static func pending(
        county: Organization, members: [UUID], demoMember: UUID?, today: CalendarDate, rng: inout SeededRandom,
        on db: Database
    ) async throws {
        var claimants = Array(members.shuffled(using: &rng).prefix(5))
        if let me = demoMember, members.contains(me) { claimants.insert(me, at: 0) }
        for (i, m) in claimants.enumerated() {
            let c = PointClaim()
            c.memberID = m
            c.itemCode = "V02"
            c.onDay = today.adding(days: -(i + 2)).description
            c.description = "本周在\(places[i % places.count])参加社区组织的关爱空巢老人志愿服务，陪老人聊天、代买药品（待审核\(i + 1)）"
            c.textKey = PointClaimRules.textKey(c.description)
            c.status = .pending
            try await c.create(on: db)
        }
        let sql = try db.sql()
        let open = try await PointCounty.find(county.id!, on: db)?.closedThrough ?? ""
        func absences(_ who: SQLQueryString) async throws -> [DemoAbsence] {
            try await sql.raw(
                """
                SELECT id, member_id FROM point_entries WHERE county_id = \(bind: county.id!) AND year = \(bind: today.year)
                AND source_kind = 'memberMeetingAbsent' AND on_day > \(bind: open) \(who) ORDER BY id LIMIT 6
                """
            ).all(decoding: DemoAbsence.self)
        }
        // The demo member appeals their own absence first (they had asked for leave).
        var appealed = try await demoMember.asyncMap { try await absences("AND member_id = \(bind: $0)") } ?? []
        appealed = Array(appealed.prefix(1))
        appealed += try await absences("").filter { e in !appealed.contains { $0.id == e.id } }.prefix(5)
        let reasons = ["当天在外地加班，已提前向支部书记电话请假", "那次会议我通过视频参加了", "当时住院，有病历可以证明"]
        for (i, e) in appealed.enumerated() {
            let a = try await PointClaimsActions.appeal(
                .init(entryId: e.id.uuidString, reason: reasons[i % reasons.count]), member: e.member_id,
                as: .system(DemoAuthor.username, today: today, on: db, audited: false))
            guard i >= 4, let m = try await Member.find(e.member_id, on: db) else { continue }
            a.status = i == 4 ? .upheld : .rejected
            a.outcome = i == 4 ? "经核实已请假，撤销扣分" : "经核实会议签到表上无请假记录，扣分维持"
            a.decidedBy = "secretary"
            a.decidedAt = AppClock.now
            try await a.update(on: db)
            try await PointLedger.recompute(member: m, year: today.year, on: db)
        }
    }

    /// Last year's ranking is in its notice period (公示期): one member objects to an entry of it (pending).
    static func objection(county: Organization, year: Int, today: CalendarDate, on db: Database) async throws {
        guard
            let row = try await db.sql().raw(
                """
                SELECT id, member_id FROM point_entries WHERE county_id = \(bind: county.id!) AND year = \(bind: year)
                ORDER BY points, on_day, id LIMIT 1
                """
            ).first(decoding: DemoAbsence.self)
        else { return }
        _ = try await PointClaimsActions.appeal(
            .init(entryId: row.id.uuidString, reason: "公示期异议：当月还参加了流入地社区的志愿服务，申报时漏填，请核实后补记"),
            member: row.member_id, as: .system(DemoAuthor.username, today: today, on: db, audited: false))
    }

    /// A recorded talk with two of the long-term low scorers; the others stay on the secretaries' worklists.
    static func talks(county: Organization, today: CalendarDate, on db: Database) async throws {
        let low = try await PointTalksStore.lowScorers(under: county.path, today: today, limit: 2, on: db)
        guard let q = PointTalkRules.quarters(today: today) else { return }
        for (i, l) in low.enumerated() {
            let t = PointTalk()
            t.memberID = l.memberID
            t.talkedOn = Quarter(containing: today).firstDay.adding(days: i + 3).description
            t.way = i == 0 ? .phone : .video
            t.summary = "了解到在外务工时间紧，近两个季度未参加组织生活和学习；讲明积分只记实际参加的活动，可以就近参加流入地党组织的活动"
            t.steps = "每月参加一次流入地党组织的主题党日，每周完成每周一学"
            t.quarters = "\(q.0),\(q.1)"
            t.recordedBy = "secretary"
            try await t.create(on: db)
        }
    }
}

/// A returned flow the demo dates.
private struct DemoFlow: Decodable {
    var id: UUID
    var member_id: UUID
    var left_on: String
}

/// A recorded absence from a members' meeting, which the demo's members appeal.
private struct DemoAbsence: Decodable {
    var id: UUID
    var member_id: UUID
}
