import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's measure 4b: pairings for about nine in ten open flows (cadres carrying 1:N loads up to the cap), a few
/// over-cap attempts refused, contacts over the past four quarters (about 60% phone, 25% video, 15% visit; a tenth
/// unconfirmed; some members never contacted), one committee's hearing held, and an activated demo member.
enum PairingDemo {
    static let summaries = [
        "电话了解近况，工作稳定，身体健康，按时参加流入地组织生活。", "视频交流思想情况，学习了近期理论学习内容，无困难。",
        "上门看望家属，了解其外出务工情况，家中老人身体尚好。", "询问工资发放和社保缴纳情况，已按时发放，生活正常。",
        "交流在外参加组织生活情况，已按月缴纳党费，表现良好。", "了解子女就学情况，提醒注意安全生产，思想稳定。",
    ]
    static let needs = ["子女在流入地入学需开具证明", "希望返乡后参加技能培训", "家中老人需要帮扶照料", "咨询异地就医报销手续"]

    private struct FlowRow: Decodable {
        var flow_id: UUID
        var member_id: UUID
        var left_on: String
        var inflow_org_id: Int?
        var organization_id: Int
    }

    static func load(_ demo: DemoContext) async throws {
        let sql = try demo.db.sql()
        var rng = SeededRandom(seed: demo.seed ^ 0x9A1_12ED)
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        let flows = try await sql.raw(
            """
            SELECT f.id AS flow_id, f.member_id, f.left_on, f.inflow_org_id, m.organization_id
            FROM flows f JOIN members m ON m.id = f.member_id
            WHERE f.status IN \(SQLGroupExpression(open)) ORDER BY m.organization_id, m.id
            """
        ).all(decoding: FlowRow.self)
        guard !flows.isEmpty else { return }
        let today = demo.today
        let now = AppClock.now
        // One cadre per eight mobile members of a branch: the secretary first, then committee members.
        struct Cadre {
            var name: String
            var post: String
            var enc: String
            var hash: String
            var masked: String
            var org: Int
            var load = 0
        }
        func cadre(_ post: String, org: Int, rng: inout SeededRandom) throws -> Cadre {
            let phone = DemoPeople.phone(using: &rng)
            return Cadre(
                name: DemoPeople.name(using: &rng), post: post, enc: try demo.cipher.seal(phone),
                hash: demo.cipher.hash(phone), masked: Masking.phone(phone), org: org)
        }
        var pairingRows: [[any Encodable & Sendable]] = []
        var contactRows: [[any Encodable & Sendable]] = []
        let quarters: [Quarter] = {
            var list = [Quarter(containing: today)]
            while list.count < 4, let p = list.last?.previous { list.append(p) }
            return list
        }()
        var inflowCadres: [Int: Cadre] = [:]
        let grouped = Dictionary(grouping: flows, by: \.organization_id)
        let cap = Settings.defaultPairingCap
        // The branch with the most mobile members shows a cadre at the cap, and two members refused beyond it.
        let busiest = grouped.filter { $0.value.count >= cap + 3 }.max {
            ($0.value.count, $1.key) < ($1.value.count, $0.key)
        }
        var refused: [(member: UUID, cadre: Cadre)] = []
        // The demo secretary's branch keeps some of this quarter's contacts to do (its worklist has them).
        let secretaryBranch = try await Account.query(on: demo.db).filter(\.$username == "secretary").first()?
            .organizationID
        for (branch, members) in grouped.sorted(by: { $0.key < $1.key }) {
            var cadres: [Cadre] = []
            for i in 0..<max(1, (members.count + 7) / 8) {
                cadres.append(try cadre(i == 0 ? "支部书记" : rng.pick(["支部委员", "班子成员", "支部副书记"]), org: branch, rng: &rng))
            }
            let isBusiest = busiest?.key == branch
            for (i, f) in members.enumerated() {
                if isBusiest, i >= members.count - 2 {
                    refused.append((f.member_id, cadres[0]))
                    continue
                }
                // The secretary's branch owes this quarter's contact to every third member and to its last one (so on any
                // day one is left besides the demo member, whose contact this quarter is made for them to confirm).
                let owesThisQuarter = branch == secretaryBranch && (i % 3 == 1 || (i > 0 && i == members.count - 1))
                // About one in ten open flows is not paired yet: the pages show them as 待结对.
                guard rng.chance(0.9) || i == 0 || owesThisQuarter || (isBusiest && i < cap) else { continue }
                let k = isBusiest ? (i < cap ? 0 : 1 + i % max(1, cadres.count - 1)) % cadres.count : i % cadres.count
                cadres[k].load += 1
                let c = cadres[k]
                let started = max(CalendarDate(f.left_on) ?? today, quarters.last!.firstDay)
                let pid = UUID(random: &rng)
                pairingRows.append([
                    pid, f.member_id, f.flow_id, PairingSide.outflow.rawValue, c.name, c.post, c.enc, c.hash, c.masked,
                    c.org, started.description, "demo", now,
                ])
                if let inflow = f.inflow_org_id, rng.chance(0.5) {
                    if inflowCadres[inflow] == nil { inflowCadres[inflow] = try cadre("党组织书记", org: inflow, rng: &rng) }
                    if let ic = inflowCadres[inflow], ic.load < 10 {
                        inflowCadres[inflow]?.load += 1
                        pairingRows.append([
                            UUID(random: &rng), f.member_id, f.flow_id, PairingSide.inflow.rawValue, ic.name, ic.post,
                            ic.enc, ic.hash, ic.masked, ic.org, started.description, "demo", now,
                        ])
                    }
                }
                // About one in twenty is never contacted; the rest most quarters since the pairing began.
                guard rng.chance(0.95) else { continue }
                for q in quarters where q.lastDay >= started && rng.chance(0.85) {
                    if owesThisQuarter, q.contains(today) { continue }
                    let first = max(q.firstDay, started)
                    let last = min(q.lastDay, today)
                    guard first <= last else { continue }
                    let span = max(
                        0,
                        CalendarDate.calendar.dateComponents([.day], from: first.startDate, to: last.startDate).day ?? 0
                    )
                    let day = first.adding(days: rng.int(0...span))
                    let method: ContactMethod = rng.weighted([(.phone, 60), (.video, 25), (.visit, 15)])
                    let answer: String? = rng.chance(0.1) ? nil : (rng.chance(0.01) ? "denied" : "confirmed")
                    contactRows.append([
                        UUID(random: &rng), f.member_id, pid, method.rawValue, day.description, rng.pick(summaries),
                        rng.chance(0.12) ? rng.pick(needs) : nil, day.adding(days: 80).description, "demo", answer,
                        answer == nil ? nil : now, now,
                    ])
                }
            }
        }
        for chunk in pairingRows.chunked(400) {
            var insert = sql.insert(into: "pairings").columns(
                "id", "member_id", "flow_id", "side", "cadre_name", "cadre_post", "cadre_phone_enc", "cadre_phone_hash",
                "cadre_phone_masked", "cadre_org_id", "started_on", "created_by", "created_at")
            for row in chunk { insert = insert.values(row) }
            try await insert.run()
        }
        for chunk in contactRows.chunked(400) {
            var insert = sql.insert(into: "contacts").columns(
                "id", "member_id", "pairing_id", "method", "contact_on", "summary", "needs", "next_on", "entered_by",
                "answer", "answered_at", "created_at")
            for row in chunk { insert = insert.values(row) }
            try await insert.run()
        }
        try await refuse(refused.map { ($0.member, $0.cadre.enc, $0.cadre.org, $0.cadre.name, $0.cadre.post) }, demo)
        try await hearing(demo)
        try await MemberPortalDemo.activate(demo)
    }

    /// Attempts to pair more members with a cadre already at the cap, made through the service as the demo's city
    /// administrator: each is refused by the same rule as the pages, and the refusal is in the audit log.
    private static func refuse(
        _ attempts: [(member: UUID, enc: String, org: Int, name: String, post: String)], _ demo: DemoContext
    ) async throws {
        guard let admin = try await Account.query(on: demo.db).filter(\.$username == "admin").first(),
            let user = try await UserAuthenticator.load(accountID: admin.id!, on: demo.db, viaToken: false)
        else { return }
        for a in attempts {
            guard let org = try await Organization.find(a.org, on: demo.db) else { continue }
            do {
                _ = try await PairingActions.create(
                    .init(
                        memberId: a.member.uuidString, side: "outflow",
                        cadre: .init(
                            name: a.name, post: a.post, phone: try demo.cipher.open(a.enc), orgCode: org.code,
                            account: nil)), cap: Settings.defaultPairingCap, cipher: demo.cipher,
                    as: .staff(user, today: demo.today, on: demo.db, audited: false))
            } catch AppError.invalid(let errors) {
                try await Audit.record(
                    .create, "pairing", ref: a.member.uuidString,
                    summary: "演示：结对未成功（\(errors.map(\.message).joined(separator: "；"))）", user: nil,
                    username: "admin", client: "command-line", on: demo.db)
            }
        }
    }

    /// The demo committee heard last half-year's report; the other committees have not (they show as overdue).
    private static func hearing(_ demo: DemoContext) async throws {
        guard let account = try await Account.query(on: demo.db).filter(\.$username == "committee").first() else {
            return
        }
        let half = HalfYear(containing: demo.today).previous
        let h = ContactHearing()
        h.orgID = account.organizationID
        h.half = half.description
        h.heldOn = min(half.lastDay.adding(days: 20), demo.today).description
        h.chair = "党委书记（演示）"
        h.attendees = "党委班子成员、各党支部书记"
        h.conclusions = "听取了各党支部结对联络情况汇报，联系覆盖总体较好；对未联系的流动党员逐一落实结对人，下季度内完成联系。"
        h.followUp = "各支部对本人未确认的联系进行回访核实"
        h.recordedBy = "committee"
        try await h.create(on: demo.db)
    }
}
