import Fluent
import LiudongCore
import Vapor

/// `liudong export ledger --org CODE [--quarter Q] --format xlsx|csv --output FILE [--unmasked]`: the operator's export.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "ledger")
        var what: String
        @Option(name: "org", help: "organization code, e.g. 150422")
        var org: String?
        @Option(name: "quarter", help: "quarter, e.g. 2026Q4 (default: the current one)")
        var quarter: String?
        @Option(name: "format", help: "xlsx or csv (default xlsx)")
        var format: String?
        @Option(name: "output", help: "file to write")
        var output: String?
        @Flag(name: "unmasked", help: "full ID numbers and phones (audited)")
        var unmasked: Bool
    }

    var help: String {
        "Export an organization's ledger: export ledger --org CODE --format xlsx|csv --output FILE [--unmasked]"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        guard signature.what == "ledger" else {
            console.error("只支持 export ledger")
            throw CommandFailed()
        }
        guard let code = signature.org, let output = signature.output else {
            console.error("请提供 --org 和 --output")
            throw CommandFailed()
        }
        guard let format = LedgerExport.Format(rawValue: signature.format ?? "xlsx") else {
            console.error("--format 应为 xlsx 或 csv")
            throw CommandFailed()
        }
        let quarter = try commandQuarter(signature.quarter, console: console)
        let app = context.application
        guard let source = try await LedgerSnapshot.source(for: quarter, on: app.db) else {
            console.error("\(quarter.chinese)的台账没有封存（liudong ledger close --quarter \(quarter)），无法导出")
            throw CommandFailed()
        }
        guard let org = try await Organization.query(on: app.db).filter(\.$code == code).first() else {
            console.error("组织代码“\(code)”不存在")
            throw CommandFailed()
        }
        let started = AppClock.now
        let result = try await LedgerExport.write(
            org: org, format: format, quarter: quarter, source: source, cipher: app.cipher,
            unmasked: signature.unmasked,
            to: output, on: app.db)
        try await Audit.record(
            .export, "ledger", ref: org.code,
            summary:
                "命令行导出\(org.shortName)台账（\(format.rawValue)，\(result.rows)行，\(signature.unmasked ? "含完整身份证号" : "脱敏")）→ \(output)",
            user: nil, username: "cli", client: "command-line", on: app.db)
        console.success(
            "已导出 \(result.rows) 行到 \(output)，用时 \(String(format: "%.2f", AppClock.now.timeIntervalSince(started))) 秒")
    }
}
