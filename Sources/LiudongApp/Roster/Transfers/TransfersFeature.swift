import Fluent
import LiudongCore
import Vapor

/// The roster's whole life, part one — 组织关系转接: transfers out of our tree, into it and between our branches, with
/// the letter, its validity, the receiving side's report and the receipt; letters overdue and receipts not back on
/// the worklist.
struct TransfersFeature: Feature {
    let name = "transfers"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(43, CreateTransfersAndExits())] }

    func routes(_ routes: FeatureRoutes) throws {
        try TransferPages().boot(routes)
        try TransferAPI().boot(routes)
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
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.can(.editRoster) else { return [] }
        let sql = try scope.sql()
        let letters = try await TransferStore.lettersOverdue(under: user.scopePath, today: scope.today, on: sql)
        let receipts = try await TransferStore.receiptsOverdue(under: user.scopePath, today: scope.today, on: sql)
        return [
            WorkTally(
                kind: "transferLetterOverdue", label: "介绍信逾期未报到", href: "/transfers?overdue=1", counts: letters,
                overdue: letters),
            WorkTally(
                kind: "transferReceiptOverdue", label: "转接回执未回（报到后30天）", href: "/transfers?overdue=1",
                counts: receipts, overdue: receipts),
        ]
    }
}
