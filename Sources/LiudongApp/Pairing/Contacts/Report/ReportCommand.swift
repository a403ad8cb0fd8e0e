import Fluent
import LiudongCore
import Vapor

/// `liudong report contacts --org CODE --half 2026H2 [--xlsx FILE] [--json FILE]`: a committee's half-year contact
/// report, printed as a summary, and written as .xlsx and/or JSON.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "contacts")
        var kind: String
        @Option(name: "org", help: "the organization's code (a committee, or any organization for its subtree)")
        var org: String?
        @Option(name: "half", help: "the half-year, e.g. 2026H2 (default: the current one)")
        var half: String?
        @Option(name: "xlsx", help: "write the report as .xlsx to this file")
        var xlsx: String?
        @Option(name: "json", help: "write the report as JSON to this file")
        var json: String?
    }

    var help: String { "Reports: report contacts --org CODE --half 2026H2 [--xlsx FILE] [--json FILE]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        guard Report(rawValue: signature.kind) == .contacts else {
            console.error("用法：liudong report contacts --org 党组织代码 --half 2026H2 [--xlsx 文件] [--json 文件]")
            throw CommandFailed()
        }
        let half: HalfYear
        if let raw = signature.half {
            guard let h = HalfYear(raw) else {
                console.error("--half 的格式应为 2026H1 或 2026H2")
                throw CommandFailed()
            }
            half = h
        } else {
            half = HalfYear(containing: AppClock.today)
        }
        let app = context.application
        guard let code = signature.org,
            let org = try await Organization.query(on: app.db).filter(\.$code == code).first()
        else {
            console.error("请用 --org 指定存在的党组织代码")
            throw CommandFailed()
        }
        let report = try await HalfYearReport.build(org: org, half: half, on: app.db)
        console.print("\(report.orgName) \(report.halfLabel)（\(report.from) 至 \(report.to)）结对联络情况")
        console.print(
            "  流动党员 \(report.mobileMembers) 人，已结对 \(report.paired) 人（\(report.percent(report.paired, report.mobileMembers))），结对人 \(report.cadres) 人"
        )
        console.print(
            "  联系 \(report.contacts) 次：电话随访 \(report.byMethod["phone"] ?? 0)，视频约访 \(report.byMethod["video"] ?? 0)，上门走访 \(report.byMethod["visit"] ?? 0)"
        )
        console.print(
            "  本人确认 \(report.confirmed) 次（\(report.percent(report.confirmed, report.contacts))），称未联系 \(report.denied) 次"
        )
        console.print(
            "  两个季度均有联系 \(report.contactedBothQuarters) 人，半年内未联系 \(report.notContacted.count) 人，提出诉求 \(report.needs.count) 条"
        )
        console.print("  听取汇报：" + (report.hearing.map { "\($0.heldOn)，主持 \($0.chair)" } ?? "尚未听取"))
        if let path = signature.xlsx {
            try report.writeXLSX(to: path)
            console.success("已写入 \(path)")
        }
        if let path = signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(report).write(to: URL(fileURLWithPath: path))
            console.success("已写入 \(path)")
        }
        try await Audit.record(
            .export, "contact-report", ref: org.code, summary: "命令行生成\(org.shortName)\(half.chinese)联络情况汇报", user: nil,
            username: "cli", client: "command-line", on: app.db)
    }
}

/// The reports `liudong report` writes.
private enum Report: String {
    /// The half-year report of pairing and contacts (结对联络情况汇报).
    case contacts
}
