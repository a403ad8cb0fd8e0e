import Fluent
import LiudongCore
import Vapor

/// `liudong generate --members 1000000 --mobile-share 0.07 --seed 42`: a synthetic province-sized membership
/// (real county codes, valid ID numbers, realistic destinations and reasons), batched, for scale benchmarks.
struct GenerateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "members", help: "number of members (default 1000000)")
        var members: Int?
        @Option(name: "mobile-share", help: "share of members with an open or past flow (default 0.07)")
        var mobileShare: Double?
        @Option(name: "seed", help: "random seed (default 42)")
        var seed: UInt64?
        @Flag(name: "force", help: "drop every table first")
        var force: Bool
        @Option(
            name: "national-export",
            help: "write the roster already in the database as a national-system export (CSV) to this file")
        var nationalExport: String?
    }

    var help: String {
        "Fill an empty database with a synthetic province: generate --members 1000000 --mobile-share 0.07 --seed 42"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if let output = signature.nationalExport, signature.members == nil {
            // Only the export: from whatever roster the database holds (after `generate` or `demo`).
            guard let root = try await OrganizationService.root(on: app.db) else {
                context.console.error("数据库中还没有党员，先运行 generate 或 demo")
                throw CommandFailed()
            }
            let started = AppClock.now
            let n = try await NationalExportWriter.write(
                under: root.path, format: .csv, messy: true, to: output, cipher: app.cipher, on: app.db)
            context.console.success(
                String(format: "已写出全国系统导出格式的 %d 行到 %@，用时%.1f秒", n, output, AppClock.now.timeIntervalSince(started)))
            return
        }
        let members = signature.members ?? 1_000_000
        let share = signature.mobileShare ?? 0.07
        guard members > 0, (0...1).contains(share) else {
            context.console.error("--members 应为正整数，--mobile-share 应在0到1之间")
            throw CommandFailed()
        }
        if signature.force { try await app.autoRevert() }
        try await app.autoMigrate()
        guard try await DemoLoader.isEmpty(app.db) else {
            context.console.error("数据库中已有数据，拒绝生成。如需清空请加 --force（会删除全部数据）。")
            throw CommandFailed()
        }
        let seed = signature.seed ?? 42
        let today = AppClock.today
        let counties = DemoPlan.scaleCounties(members: members)
        let plan = DemoPlan(
            seed: seed, today: today, root: ("150000", "中共内蒙古自治区委员会（合成数据）", "内蒙古自治区（合成）"), counties: counties)
        let started = AppClock.now
        let summary = try await DemoLoader.load(
            plan: plan, seed: seed, memberCount: members, flowCount: Int(Double(members) * share),
            pendingPerBranch: 0...1, cipher: app.cipher, on: app.db, today: today
        ) { context.console.info($0) }
        let seconds = AppClock.now.timeIntervalSince(started)
        context.console.success(
            String(
                format: "已生成：%d个组织（%d个县级单位），%d名党员，%d条流动记录，用时%.1f秒（%.0f名/秒）。",
                summary.organizations, counties.count, summary.members, Int(Double(members) * share), seconds,
                Double(summary.members) / seconds))
        DemoCommand.printAccounts(
            context.console, baseURL: app.settings.baseURL, member: try await MemberPortalDemo.accountLine(app))
    }
}
