import Fluent
import Foundation
import LiudongCore
import Vapor

/// `liudong reconcile --quarter Q [--scope CODE] [--json FILE] [--xlsx FILE]`: the quarter's three-way reconciliation.
struct ReconcileCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "quarter", help: "quarter, e.g. 2026Q4 (default: the current one)")
        var quarter: String?
        @Option(name: "scope", help: "organization code (default: the whole tree)")
        var scope: String?
        @Option(
            name: "json",
            help: "write {\"quarter\",\"scope\",\"counts\",\"items\"} to this file (/dev/stdout to print it)")
        var json: String?
        @Option(name: "xlsx", help: "write the counts and every item to this .xlsx")
        var xlsx: String?
    }

    var help: String {
        "Reconcile our registry, the inflow ledgers and the national export: reconcile --quarter Q [--scope CODE] [--json FILE] [--xlsx FILE]"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let app = context.application
        let quarter = try commandQuarter(signature.quarter, console: console)
        let scope = try await commandScope(signature.scope, what: "--scope（对账范围）", on: app.db, console: console)
        let report = try await ReconcileService.run(
            quarter: quarter, scope: scope, cipher: app.cipher, gate: app.writeGate, on: app.db)
        try await Audit.record(
            .create, "reconciliation", ref: "\(quarter) \(scope.code)",
            summary: "命令行对账（\(quarter.chinese)，\(scope.shortName)）：差异 \(report.items.count) 条",
            user: nil, username: "cli", client: "command-line", on: app.db)
        if let path = signature.json {
            if path == "/dev/stdout" {
                FileHandle.standardOutput.write(report.json)
                print("")
                return
            }
            try report.json.write(to: URL(fileURLWithPath: path))
        }
        if let path = signature.xlsx {
            try ReconcileService.writeXLSX(report, title: "\(scope.shortName)\(quarter.chinese)对账结果", to: path)
        }
        console.print(
            "\(scope.shortName) \(quarter.chinese) 对账完成：全国系统数据 \(report.nationalRows) 行，用时 \(String(format: "%.1f", report.seconds)) 秒"
        )
        for c in ReconcileService.Category.allCases {
            console.print("  \(c.label)（\(c.rawValue)）：\(report.counts[c.rawValue] ?? 0)")
        }
        if signature.json != nil || signature.xlsx != nil {
            console.print("已写出：\([signature.json, signature.xlsx].compactMap { $0 }.joined(separator: "、"))")
        }
    }
}
