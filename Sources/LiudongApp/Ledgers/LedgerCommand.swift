import Fluent
import LiudongCore
import Vapor

/// `liudong ledger close --quarter 2026Q2`: freezes every organization's ledger for the quarter.
struct LedgerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "close")
        var action: String
        @Option(name: "quarter", help: "the quarter to freeze, e.g. 2026Q2")
        var quarter: String?
    }

    var help: String { "Quarter snapshots: ledger close --quarter 2026Q2" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "close" else {
            context.console.error("用法：liudong ledger close --quarter 2026Q2")
            throw CommandFailed()
        }
        guard let raw = signature.quarter, let q = Quarter(raw) else {
            context.console.error("请用 --quarter 指定季度，如 2026Q2")
            throw CommandFailed()
        }
        let app = context.application
        do {
            let rows = try await LedgerSnapshot.close(q, by: "cli", gate: app.writeGate, on: app.db)
            try await Audit.record(
                .update, "ledger", ref: q.description, summary: "封存\(q.chinese)台账：\(rows)行", user: nil,
                username: "cli", client: "command-line", on: app.db)
            context.console.success("已封存\(q.chinese)台账：\(rows) 行。")
        } catch let e as AppError {
            context.console.error(e.reason)
            throw CommandFailed()
        }
    }
}
