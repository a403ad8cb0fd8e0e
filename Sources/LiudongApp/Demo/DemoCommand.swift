import Fluent
import LiudongCore
import Vapor

/// `liudong demo [--seed N] [--members N] [--if-empty] [--force]`: builds the Chifeng demo.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "seed", help: "random seed (default 1); the same seed gives the same demo")
        var seed: UInt64?
        @Option(name: "members", help: "number of members (default 60000)")
        var members: Int?
        @Flag(name: "if-empty", help: "load only when the database is empty, otherwise do nothing")
        var ifEmpty: Bool
        @Flag(name: "force", help: "drop every table (audit log included) and load again")
        var force: Bool
    }

    var help: String {
        "Create and migrate the database, then load the Chifeng demo (organizations, members, demo accounts)"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.force {
            context.console.warning("--force：清空全部数据后重装")
            try await app.autoRevert()
        }
        try await app.autoMigrate()
        if !(try await DemoLoader.isEmpty(app.db)) {
            if signature.ifEmpty {
                context.console.info("数据库已有数据，未装入演示数据。")
                if try await AuditEntry.query(on: app.db).filter(\.$objectType == "demo").count() > 0 {
                    DemoCommand.printAccounts(
                        context.console, baseURL: app.settings.baseURL,
                        member: try await MemberPortalDemo.accountLine(app))
                }
                return
            }
            context.console.error("数据库中已有数据，拒绝重复装入演示数据。如需清空重装，请加 --force（会删除全部数据）。")
            throw CommandFailed()
        }
        let started = AppClock.now
        let summary = try await DemoLoader.load(
            seed: signature.seed ?? 1, memberCount: signature.members ?? 60_000,
            cipher: app.cipher, on: app.db
        ) { context.console.info($0) }
        let seconds = String(format: "%.1f", AppClock.now.timeIntervalSince(started))
        context.console.success("演示数据已装入：\(summary.organizations)个组织，\(summary.members)名党员，用时\(seconds)秒。")
        DemoCommand.printAccounts(
            context.console, baseURL: app.settings.baseURL, member: try await MemberPortalDemo.accountLine(app))
    }

    static func printAccounts(_ console: Console, baseURL: String, member: String? = nil) {
        let memberLine = member.map { "\n" + $0 } ?? ""
        console.output(
            """

            演示账号（仅供演示，密码均为 \(DemoLoader.password)；正式环境请勿使用）：
              admin      系统管理员  赤峰市
              city       组织部      赤峰市 150400
              county     组织部      巴林左旗 150422
              committee  基层党委    巴林左旗下的一个基层党委
              secretary  支部书记    巴林左旗下的一个党支部
              inflow     流入地党组织 北京市朝阳区望京街道党工委
            \(memberLine)
            """)
    }
}
