import Fluent
import LiudongCore
import Vapor

/// Measure 4c — red packages (红色包裹): campaigns an organization runs for its mobile members (standard contents, a
/// budget, recipients chosen by filters with the address from their flow, tracking numbers registered in bulk,
/// progress per branch) and packages mailed by themselves; the member answers 收到 or 未收到 on the phone.
struct RedPackagesFeature: Feature {
    let name = "red-packages"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(41, AddRedPackageCampaigns())] }

    func routes(_ routes: FeatureRoutes) throws {
        try RedPackagePages().boot(routes)
        try RedPackageCampaignPages().boot(routes)
        try MyRedPackagePages().boot(routes)
    }

    func loadDemo(_ demo: DemoContext) async throws { try await RedPackageDemo.load(demo) }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await RedPackageStore.all(of: id, on: db).map { p in
            let answer: String
            if let on = p.confirmedOn {
                answer = "，\(on)本人确认收到" + (p.reflection.map { "。心得：\($0)" } ?? "")
            } else if p.answer == .notReceived {
                answer = "，\(p.answeredOn ?? "")本人反馈未收到（\(p.reason?.label ?? "")\(p.reasonNote.map { "：\($0)" } ?? "")）"
            } else {
                answer = "，尚未确认收到"
            }
            return ArchiveEntry(
                at: p.sentOn, side: "流出地", kind: "红色包裹",
                text: "寄出红色包裹（\(p.items.joined(separator: "、"))），\(p.courier) \(p.trackingNo)" + answer)
        }
    }

    /// Packages unanswered 30 days after mailing, and those the member said did not arrive. Counties and below.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("redPackagesUnconfirmed") {
                PerOrg(counts: try await RedPackageStore.late(under: $0.path, today: $0.today, on: $0.sql()))
            },
            RolledCount("redPackagesNotReceived") {
                PerOrg(counts: try await RedPackageStore.notReceived(under: $0.path, on: $0.sql()))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city, user.can(.manageLearning) else { return [] }
        return [
            WorkTally(
                kind: "redPackagesUnconfirmed", label: "寄出30天仍未确认收到的红色包裹", href: "/red-packages",
                counts: try await scope.counts("redPackagesUnconfirmed", in: self).counts),
            WorkTally(
                kind: "redPackagesNotReceived", label: "党员反馈未收到的红色包裹（核对地址后重新寄出）", href: "/red-packages",
                counts: try await scope.counts("redPackagesNotReceived", in: self).counts),
        ]
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let packages = try await RedPackageStore.open(of: member.memberID, on: db)
        guard !packages.isEmpty else { return [] }
        return [
            MyTile(
                id: "red-packages", title: "红色包裹",
                lines: packages.map { p in
                    let id = p.id!.uuidString
                    return MyTile.Line(
                        text: "\(p.sentOn)寄出：\(p.items.joined(separator: "、"))",
                        note: "\(p.courier) 运单号 \(p.trackingNo)"
                            + (p.answer == .notReceived ? "（已反馈未收到：\(p.reason?.label ?? "")）" : ""),
                        actions: [
                            .init(label: "确认收到", path: "/my/red-packages/\(id)/confirm", primary: true),
                            .init(label: "写心得 / 未收到", path: "/my/red-packages/\(id)", link: true),
                        ])
                })
        ]
    }
}
