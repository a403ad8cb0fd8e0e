import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The demo's dues in 巴林左旗: a base for every member (a realistic spread of categories and incomes), a year of
/// payments — most at home, some at the inflow organization reported to, a few paid by family (代缴), one member by
/// the quarter with the branch's consent — arrears of three months in one branch and of six in another, one relief
/// (免交) approved. The demo member has paid through last month at home; this month is still open.
enum DuesDemo {
    private struct Row: Decodable {
        var id: UUID
        var organization_id: Int
        var joined_on: String
        var inflow_org_id: Int?
    }

    private struct MonthRow: Decodable {
        var member_id: UUID
        var month: String
        var due_fen: Int
    }

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        let sql = try db.sql()
        guard let county = try await OrgTree.organization(code: "150422", on: db) else { return }
        var rng = SeededRandom(seed: demo.seed &+ 29)
        let current = YearMonth(containing: demo.today)
        let start = current.adding(-12)
        let open = SQLGroupExpression(
            FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression })
        let members = try await sql.raw(
            """
            SELECT m.id, m.organization_id, m.joined_on, MAX(f.inflow_org_id) AS inflow_org_id
            FROM members m JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN flows f ON f.member_id = m.id AND f.status IN \(open)
            WHERE \(PathPrefix("o.path", county.path)) AND m.roster_state IS NULL
            GROUP BY m.id, m.organization_id, m.joined_on, o.path, m.name ORDER BY o.path, m.name, m.id
            """
        ).all(decoding: Row.self)
        guard !members.isEmpty else { return }
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        let secretaryBranch = try await Account.query(on: db).filter(\.$username == "secretary").first()?.organizationID
        // Bases: 在职 and 其他 by income, 离退休 by pension, 农民 and the reduced fixed.
        var categories: [UUID: DuesCategory] = [:]
        for chunk in stride(from: 0, to: members.count, by: 200).map({
            Array(members[$0..<min($0 + 200, members.count)])
        }) {
            var insert = sql.insert(into: "dues_bases").columns(
                "id", "member_id", "category", "base_fen", "from_month", "state", "declared_by", "declared_on",
                "decided_by", "decided_on")
            for m in chunk {
                let cat = rng.weighted([
                    (DuesCategory.employed, 0.34), (.retired, 0.2), (.farmer, 0.36), (.reduced, 0.05), (.other, 0.05),
                ])
                categories[m.id] = cat
                let base: Int
                switch cat {
                case .employed: base = rng.int(2_200...13_000) * 100 + rng.int(0...99)
                case .retired: base = rng.int(2_500...7_500) * 100
                case .other: base = rng.int(1_500...9_000) * 100
                case .farmer, .reduced: base = 0
                }
                let from = max(start, YearMonth(day: m.joined_on) ?? start)
                insert = insert.values(
                    SQLBind(UUID()), SQLBind(m.id), SQLBind(cat.rawValue), SQLBind(base), SQLBind(from.description),
                    SQLBind("confirmed"), SQLBind("demo"), SQLBind(start.firstDay.description), SQLBind("demo"),
                    SQLBind(start.firstDay.description))
            }
            try await insert.run()
        }
        // One relief: a 低保 member excused for half a year.
        if let poor = members.first(where: { categories[$0.id] == .reduced && $0.id != demoMember }) {
            let r = DuesReliefRecord()
            r.memberID = poor.id
            r.kind = .exempt
            r.amountFen = 0
            r.fromMonth = current.adding(-5).description
            r.toMonth = current.description
            r.reason = "家庭遭遇重大变故，享受最低生活保障"
            r.document = "林东镇党委〔\(current.year)〕8号"
            r.state = .approved
            r.appliedBy = "demo"
            r.appliedOn = current.adding(-5).firstDay.description
            r.decidedBy = "demo"
            r.decidedOn = current.adding(-5).firstDay.description
            try await r.create(on: db)
        }
        for month in start.through(current) {
            try await DuesStore.generate(month: month, under: county.path, rules: .standard, on: sql)
        }
        // Who owes: three members of one branch three months, two of another six (never the secretary's branch).
        let branches = Array(Set(members.map(\.organization_id))).sorted().filter { $0 != secretaryBranch }
        var owes: [UUID: Int] = [:]
        if branches.count >= 2 {
            for m in members.filter({ $0.organization_id == branches[0] && $0.id != demoMember }).prefix(3) {
                owes[m.id] = 3
            }
            for m in members.filter({ $0.organization_id == branches[1] && $0.id != demoMember }).prefix(2) {
                owes[m.id] = 6
            }
        }
        for m in members where owes[m.id] == nil && m.id != demoMember && rng.chance(0.04) { owes[m.id] = 1 }
        let quarterly = members.first { $0.inflow_org_id != nil && owes[$0.id] == nil && $0.id != demoMember }
        if let q = quarterly {
            let r = DuesRecord()
            r.memberID = q.id
            r.kind = .consent
            r.onDay = start.firstDay.description
            r.byName = "demo"
            r.note = "在外务工，同意按季度交纳，每季度末通过微信转账交党支部"
            try await r.create(on: db)
        }
        let rows = try await sql.raw(
            """
            SELECT d.member_id, d.month, d.due_fen FROM dues_months d JOIN organizations o ON o.id = d.org_id
            WHERE \(PathPrefix("o.path", county.path)) ORDER BY d.member_id, d.month
            """
        ).all(decoding: MonthRow.self)
        let byMember = Dictionary(grouping: rows, by: \.member_id)
        let last = current.previous
        var payments: [(payment: DuesPayment, months: [YearMonth])] = []
        for m in members {
            guard let months = byMember[m.id] else { continue }
            // Months to pay: up to last month less the owed ones; this month when its day has come.
            let cutoff = last.adding(-(owes[m.id] ?? 0))
            var payable = months.filter { r in
                guard let mo = YearMonth(r.month) else { return false }
                if mo == current {
                    return m.id != demoMember && owes[m.id] == nil && demo.today.day >= 15 && rng.chance(0.5)
                }
                return mo <= cutoff && r.due_fen > 0
            }
            let step = m.id == quarterly?.id ? 3 : 1
            while !payable.isEmpty {
                let group = Array(payable.prefix(step))
                payable.removeFirst(group.count)
                guard let first = YearMonth(group[0].month), let lastMonth = YearMonth(group[group.count - 1].month)
                else { continue }
                let day = min(lastMonth.lastDay, lastMonth.firstDay.adding(days: rng.int(2...18)))
                let paidOn = min(day, demo.today)
                let away = m.inflow_org_id != nil && m.id != demoMember && rng.chance(0.35)
                let p = DuesPayment()
                p.memberID = m.id
                p.fromMonth = first.description
                p.toMonth = lastMonth.description
                p.dueFen = group.reduce(0) { $0 + $1.due_fen }
                p.amountFen = p.dueFen
                p.paidOn = paidOn.description
                p.paidToOrgID = away ? m.inflow_org_id! : m.organization_id
                p.paidToKind = away ? .inflow : .home
                p.channel = away ? .online : rng.weighted([(.cash, 0.6), (.bank, 0.15), (.online, 0.25)])
                p.receipt = "DF\(paidOn.compact)\(String(format: "%04d", rng.int(1...9999)))"
                p.paidBy = rng.chance(0.02) ? rng.pick(["配偶代缴", "子女代缴", "父亲代缴"]) : nil
                p.toCentre = false
                p.source = "demo"
                p.recordedBy = "demo"
                payments.append((p, group.compactMap { YearMonth($0.month) }))
            }
        }
        try await DuesStore.recordMany(payments, on: db)
    }
}
