import Fluent
import LiudongCore
import Vapor

/// 党费, the member's ledger: bases, relief, payments wherever made, the branch's consents and talks; the member's
/// tile on `/my`; arrears of three months on the branch's worklist, bases and relief waiting for a decision.
struct DuesLedgerFeature: Feature {
    let name = "dues"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(48, CreateDues()), NumberedMigration(50, KeyDuesMonthsByMonth())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try DuesMemberPages().boot(routes)
        try MyDuesPages().boot(routes)
        try DuesPaymentAPI().boot(routes)
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        guard let m = try await Member.find(member.memberID, on: db), m.rosterState == nil else { return [] }
        let s = try await MyDuesPages.summary(of: m, today: AppClock.today, on: db)
        let due = s.monthly.map { "每月应交\(Fen.yuan($0))元" } ?? "党费基数待核定"
        let through = s.paidThrough.flatMap { YearMonth($0) }.map { "已交至\($0.chinese)" } ?? "暂无交纳记录"
        return [
            MyTile(
                id: "dues", title: "党费",
                lines: [
                    MyTile.Line(
                        text: "\(due)，\(through)",
                        note: s.unpaidMonths.isEmpty
                            ? nil : "未交：\(s.unpaidMonths.compactMap { YearMonth($0)?.chinese }.joined(separator: "、"))",
                        actions: [.init(label: "查看与申报", path: "/my/dues", link: true)])
                ])
        ]
    }

    /// Payments on the member's archive.
    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        let payments = try await DuesStore.payments(of: member.requireID(), on: db)
        let names = try await OrgTree.byID(Set(payments.map(\.paidToOrgID)), on: db)
        return payments.map { p in
            ArchiveEntry(
                at: p.paidOn, side: "党费", kind: "dues",
                text: "交纳党费\(Fen.yuan(p.amountFen))元（\(p.months)），交至\(names[p.paidToOrgID]?.shortName ?? "")"
                    + (p.paidBy.map { "，\($0)代缴" } ?? ""))
        }
    }

    /// 党费欠缴3个月 until the branch records a talk; bases declared and relief waiting.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("duesArrears3") {
                let months = DuesPaymentRules.worklistMonths
                let since = DuesPaymentRules.lastDueMonth($0.today).adding(1 - months).firstDay.description
                return PerOrg(
                    counts: try await DuesSheetStore.arrearsCounts(
                        under: $0.path, months: months, today: $0.today, talkSince: since, on: $0.sql()))
            },
            RolledCount("duesBaseDeclared") {
                PerOrg(counts: try await DuesSheetStore.declared(under: $0.path, on: $0.sql()))
            },
            RolledCount("duesReliefWaiting") {
                PerOrg(counts: try await DuesSheetStore.reliefsWaiting(under: $0.path, on: $0.sql()))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.can(.recordDues) else { return [] }
        var out = [
            WorkTally(
                kind: "duesArrears3", label: "党费欠缴3个月（待谈心谈话）", href: "/dues/arrears",
                counts: try await scope.counts("duesArrears3", in: self).counts),
            WorkTally(
                kind: "duesBaseDeclared", label: "党员申报的党费基数待确认", href: "/dues/waiting",
                counts: try await scope.counts("duesBaseDeclared", in: self).counts),
        ]
        if user.can(.manageDues), user.scopeLevel != .branch {
            out.append(
                WorkTally(
                    kind: "duesReliefWaiting", label: "少交、免交党费申请待审批", href: "/dues/waiting",
                    counts: try await scope.counts("duesReliefWaiting", in: self).counts))
        }
        return out
    }

    func loadDemo(_ demo: DemoContext) async throws { try await DuesDemo.load(demo) }

    var openAPI: String? { DuesOpenAPI.part }
}
