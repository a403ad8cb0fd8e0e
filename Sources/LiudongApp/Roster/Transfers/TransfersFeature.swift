import Fluent
import LiudongCore
import Vapor

/// The roster's whole life, part one — 组织关系转接: transfers out of our tree, into it and between our branches, with
/// the letter, its validity, the receiving side's report and the receipt; letters overdue and receipts not back on
/// the worklist.
struct TransfersFeature: Feature {
    let name = "transfers"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(43, CreateTransfersAndExits()), NumberedMigration(44, CreateTransferHolds())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try TransferPages().boot(routes)
        try TransferAPI().boot(routes)
        try MyTransferPages().boot(routes)
    }

    /// The member's transfer in progress on `/my`, or the way to apply.
    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        if let t = try await TransferStore.open(of: member.memberID, on: db) {
            return [
                MyTile(
                    id: "transfer", title: "组织关系转接",
                    lines: [
                        MyTile.Line(
                            text: "\(t.direction.label)至\(t.toName)：\(t.state.label)",
                            note: t.validUntil.map { "介绍信有效期至\($0)，请按时报到" },
                            actions: [.init(label: "查看进度", path: "/my/transfer", link: true)])
                    ])
            ]
        }
        let advice = try await TransferActions.suggestion(for: member.memberID, on: db, today: AppClock.today)
        return [
            MyTile(
                id: "transfer", title: "组织关系转接",
                lines: [
                    MyTile.Line(
                        text: advice ?? "在外地长期工作生活的，可申请把组织关系转到所在地党组织",
                        note: advice == nil ? nil : "可申请把组织关系转到所在地党组织，也可与党支部商量保留在原籍",
                        actions: [.init(label: "申请转接", path: "/my/transfer", link: true)])
                ])
        ]
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 32, permission: .editRoster,
                link: { u in u.isInflowSide ? nil : ("/transfers", "组织关系转接") })
        ]
    }

    func loadDemo(_ demo: DemoContext) async throws { try await TransferDemo.load(demo) }

    var openAPI: String? { TransferOpenAPI.part }

    /// 介绍信逾期未报到 and 回执未回, counted at the branch responsible (rolled up to the committee, county and city).
    var rolledCounts: [RolledCount] {
        [
            RolledCount("transferSuggested") {
                PerOrg(counts: try await TransferStore.suggested(under: $0.path, today: $0.today, on: $0.sql()))
            },
            RolledCount("transferLetterOverdue") {
                PerOrg(counts: try await TransferStore.lettersOverdue(under: $0.path, today: $0.today, on: $0.sql()))
            },
            RolledCount("transferReceiptOverdue") {
                PerOrg(counts: try await TransferStore.receiptsOverdue(under: $0.path, today: $0.today, on: $0.sql()))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.can(.editRoster) else { return [] }
        let letters = try await scope.counts("transferLetterOverdue", in: self).counts
        let receipts = try await scope.counts("transferReceiptOverdue", in: self).counts
        return [
            WorkTally(
                kind: "transferSuggested", label: "流动满6个月，建议转移组织关系（或记录保留在原籍）",
                href: "/transfers/suggested", counts: try await scope.counts("transferSuggested", in: self).counts),
            WorkTally(
                kind: "transferLetterOverdue", label: "介绍信逾期未报到", href: "/transfers?overdue=1", counts: letters,
                overdue: letters),
            WorkTally(
                kind: "transferReceiptOverdue", label: "转接回执未回（报到后30天）", href: "/transfers?overdue=1",
                counts: receipts, overdue: receipts),
        ]
    }
}
