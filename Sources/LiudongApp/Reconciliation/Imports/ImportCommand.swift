import Fluent
import Foundation
import LiudongCore
import Vapor

/// `liudong import national FILE --quarter Q [--dry-run] [--json]` and
/// `liudong import inflow FILE --org CODE --quarter Q [--dry-run] [--json]`.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "national or inflow")
        var what: String
        @Argument(name: "file", help: ".xlsx or .csv (UTF-8 or GB18030)")
        var file: String
        @Option(name: "quarter", help: "quarter, e.g. 2026Q4 (default: the current one)")
        var quarter: String?
        @Option(
            name: "org",
            help:
                "import national: the importing organization (a county), whose branches rows may name; import inflow: the inflow organization"
        )
        var org: String?
        @Flag(name: "dry-run", help: "count new, updated, unchanged and rejected rows without writing anything")
        var dryRun: Bool
        @Flag(
            name: "json", help: "print {\"rows\",\"new\",\"updated\",\"unchanged\",\"rejected\":[{\"row\",\"reason\"}]}"
        )
        var json: Bool
    }

    var help: String {
        "Import the national system's export or an inflow ledger: import national FILE [--org COUNTY] --quarter Q [--dry-run] [--json]"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let app = context.application
        guard FileManager.default.isReadableFile(atPath: signature.file) else {
            console.error("读不到文件 \(signature.file)")
            throw CommandFailed()
        }
        let quarter = try commandQuarter(signature.quarter, console: console)
        let started = AppClock.now
        let quiet = signature.json
        let progress: @Sendable (Int) -> Void = { n in
            if !quiet && n % 100_000 < 1000 && n >= 1000 {
                FileHandle.standardError.write(
                    Data(
                        "已读取 \(n) 行（\(Int(Double(n) / max(0.001, AppClock.now.timeIntervalSince(started)))) 行/秒）…\n"
                            .utf8))
            }
        }
        let summary: NationalImportService.Summary
        do {
            switch signature.what {
            case "national":
                // The importing organization, as the upload page uses the account's scope; the whole tree by default.
                let scope = try await commandScope(signature.org, what: "--org（导入单位）", on: app.db, console: console)
                summary = try await NationalImportService.run(
                    path: signature.file, fileName: (signature.file as NSString).lastPathComponent, quarter: quarter,
                    scopePath: scope.path,
                    scopeCode: scope.code, username: "cli", apply: !signature.dryRun, cipher: app.cipher,
                    gate: app.writeGate, on: app.db,
                    progress: progress)
            case "inflow":
                guard let code = signature.org,
                    let org = try await Organization.query(on: app.db).filter(\.$code == code).first(),
                    org.kind != .regular
                else {
                    console.error("请用 --org 指定流入地党组织（流入地或流动党员党组织）的代码")
                    throw CommandFailed()
                }
                summary = try await InflowLedgerService.upload(
                    path: signature.file, org: org, quarter: quarter, username: "cli",
                    apply: !signature.dryRun, cipher: app.cipher, gate: app.writeGate, on: app.db)
            default:
                console.error("只支持 import national 或 import inflow")
                throw CommandFailed()
            }
        } catch let e as AppError {
            console.error(e.reason)
            throw CommandFailed()
        }
        if !signature.dryRun {
            try await Audit.record(
                .import, signature.what == "national" ? "national" : "inflow-ledger", ref: quarter.description,
                summary:
                    "命令行导入\(signature.what == "national" ? "全国系统数据" : "流入地台账")（\(quarter.chinese)）：\(summary.rows)行，新增\(summary.new)，更新\(summary.updated)，未变\(summary.unchanged)，未导入\(summary.rejectedTotal)",
                user: nil, username: "cli", client: "command-line", on: app.db)
        }
        if signature.json {
            print(summary.contractJSON)
            return
        }
        console.print(
            "\(signature.dryRun ? "试导入（未写入）" : "已导入")\(quarter.chinese)：共 \(summary.rows) 行，新增 \(summary.new)，更新 \(summary.updated)，未变 \(summary.unchanged)，未导入 \(summary.rejectedTotal)"
                + "（\(summary.kind)\(summary.encoding.map { "，\($0)" } ?? "")，用时 \(String(format: "%.1f", AppClock.now.timeIntervalSince(started))) 秒）"
        )
        for r in summary.rejected.prefix(200) { console.print("  第\(r.row)行：\(r.reason)") }
        if summary.rejectedTotal > 200 { console.print("  ……另有 \(summary.rejectedTotal - 200) 行未列出（加 --json 可得全部）") }
    }
}
