import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's roster life in 巴林左旗 (never the demo secretary's branch nor the demo member): transfers in every
/// state — two overdue, a letter past its validity and a receipt not back — and members reduced of each kind, one
/// 停止党籍 restored.
enum TransferDemo {
    private struct Pick: Decodable {
        var id: UUID
    }

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let county = try await OrgTree.organization(code: "150422", on: db),
            let account = try await Account.query(on: db).filter(\.$username == "county").first()
        else { return }
        let user = CurrentUser(account: account, scope: county, viaToken: false)
        let a = Acting.staff(user, today: demo.today, on: db, audited: false)
        let secretaryBranch = try await Account.query(on: db).filter(\.$username == "secretary").first()?.organizationID
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        let branches = try await OrgTree.openBranches(under: county, on: db).filter {
            $0.kind == .regular && $0.id != secretaryBranch
        }
        guard branches.count >= 3 else { return }
        let ids = branches.map { $0.id! }
        let picks = try await db.sql().raw(
            """
            SELECT id FROM members WHERE organization_id IN \(SQLBind.group(ids)) AND roster_state IS NULL
            ORDER BY organization_id, name, id LIMIT 60
            """
        ).all(decoding: Pick.self).map(\.id).filter { $0 != demoMember }
        var members = try await Member.query(on: db).filter(\.$id ~~ picks).all()
        members.sort { picks.firstIndex(of: $0.id!)! < picks.firstIndex(of: $1.id!)! }
        guard members.count >= 20 else { return }
        func next() -> Member { members.removeFirst() }
        func out(_ m: Member, _ name: String, _ division: String, _ reason: String) async throws -> Transfer {
            try await TransferActions.apply(
                .init(direction: "out", toOrgName: name, toDivision: division, reason: reason, channel: "online"),
                member: m, by: user.username, user: user, on: db)
        }
        func take(_ t: Transfer, _ steps: [TransferStep], _ input: TransferActions.StepInput = .init()) async throws {
            for s in steps { try await TransferActions.take(s, t, input, as: a, validity: .standard) }
        }
        // Every state once, out of our tree.
        _ = try await out(next(), "北京市朝阳区望京街道某社区党委", "110105", "在北京稳定就业，户籍迁入")
        try await take(out(next(), "呼和浩特市新城区某街道党工委", "150102", "在呼和浩特定居"), [.approve])
        try await take(out(next(), "天津市滨海新区某园区党委", "120116", "随迁子女在天津就学，举家迁居"), [.approve, .issue])
        try await take(out(next(), "河北省唐山市路北区某社区党委", "130203", "在唐山购房定居"), [.approve, .issue, .report])
        try await take(out(next(), "沈阳市和平区某街道党工委", "210102", "在沈阳工作满两年"), [.approve, .issue, .report, .receipt])
        try await take(
            out(next(), "大连市中山区某社区党委", "210202", "随配偶定居大连"), [.approve, .issue, .report, .receipt, .archive])
        try await take(
            out(next(), "包头市昆都仑区某街道党工委", "150203", "在包头就业"), [.approve, .cancel], .init(reason: "本人改为保留在原籍"))
        // Two overdue: a letter past its validity, a receipt not back after 30 days.
        let late = try await out(next(), "石家庄市长安区某社区党委", "130102", "在石家庄定居")
        try await take(late, [.approve, .issue])
        late.issuedOn = demo.today.adding(days: -40).description
        late.validUntil = demo.today.adding(days: -11).description
        try await late.update(on: db)
        let noReceipt = try await out(next(), "济南市历下区某街道党工委", "370102", "在济南工作定居")
        try await take(noReceipt, [.approve, .issue, .report])
        noReceipt.reportedOn = demo.today.adding(days: -45).description
        try await noReceipt.update(on: db)
        // Between two of our branches, done.
        let mover = next()
        if let to = branches.first(where: { $0.id != mover.organizationID }) {
            let t = try await TransferActions.apply(
                .init(direction: "internal", toOrgCode: to.code, reason: "迁居\(to.shortName)所在村", channel: "online"),
                member: mover, by: user.username, user: user, on: db)
            try await take(t, [.approve, .issue, .report, .receipt, .archive])
        }
        // Members reduced of each kind, and one 停止党籍 restored.
        let kinds: [(ExitKind, Int, String)] = [
            (.death, 30, "因病去世"), (.stopped, 200, "连续六个月不参加党的组织生活、不交纳党费（林党委〔2026〕12号）"),
            (.removed, 400, "党员大会决议除名，经党委批准"), (.withdrew, 90, "本人申请退党，支部大会讨论同意"),
            (.expelled, 500, "违纪，经纪委决定开除党籍"), (.other, 60, "出党（其他情形）"),
        ]
        for (kind, back, reason) in kinds {
            let m = next()
            try await ExitActions.record(
                m, kind: kind, on: demo.today.adding(days: -back), org: county.id!, reason: reason, transfer: nil,
                by: user.username, on: db)
        }
        let again = next()
        try await ExitActions.record(
            again, kind: .stopped, on: demo.today.adding(days: -300), org: county.id!,
            reason: "连续六个月不参加党的组织生活（林党委〔2026〕3号）", transfer: nil, by: user.username, on: db)
        if let e = try await MemberExit.query(on: db).filter(\.$memberID == again.id!).first() {
            try await ExitActions.restore(e, member: again, note: "本人已改正，党委决定恢复党籍（林党委〔2026〕20号）", years: 2, as: a)
        }
    }
}
