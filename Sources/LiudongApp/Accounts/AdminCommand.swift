import Fluent
import LiudongCore
import Vapor

/// `liudong admin create --username U --role R --org CODE [--name N] [--password P]`: the operator's way in.
struct AdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "username", help: "login name (3–32 letters, digits, . _ -)")
        var username: String?
        @Option(name: "password", help: "password (≥ 10 characters); omit to be asked, or set LIUDONG_ADMIN_PASSWORD")
        var password: String?
        @Option(name: "role", help: "admin | orgDept | committee | secretary | inflow (default admin)")
        var role: String?
        @Option(name: "org", help: "code of the scope organization, e.g. 150400")
        var org: String?
        @Option(name: "name", help: "display name")
        var name: String?
    }

    var help: String { "Manage accounts from the command line: admin create --username U --org CODE [--role R]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else {
            context.console.error(
                "未知操作“\(signature.action)”。用法：liudong admin create --username U --org CODE [--role admin]")
            throw CommandFailed()
        }
        guard let username = signature.username, let org = signature.org else {
            context.console.error("请提供 --username 和 --org")
            throw CommandFailed()
        }
        guard let role = Role(rawValue: signature.role ?? "admin") else {
            context.console.error("角色应为 admin、orgDept、committee、secretary 或 inflow")
            throw CommandFailed()
        }
        let password =
            signature.password ?? Environment.get("LIUDONG_ADMIN_PASSWORD")
            ?? context.console.ask("密码：", isSecure: true)
        let app = context.application
        try await app.autoMigrate()
        do {
            let a = try await AccountService.create(
                .init(
                    username: username, displayName: signature.name ?? username, password: password,
                    role: role, orgCode: org), creator: nil, on: app.db)
            try await Audit.record(
                .create, "account", ref: a.username, summary: "命令行新建账号\(a.username)（\(a.role.label)，\(org)）",
                user: nil, username: "cli", client: "command-line", on: app.db)
            context.console.success("已创建账号 \(a.username)（\(a.role.label)，组织 \(org)）")
        } catch AppError.invalid(let errors) {
            errors.forEach { context.console.error("\($0.field)：\($0.message)") }
            throw CommandFailed()
        }
    }
}
