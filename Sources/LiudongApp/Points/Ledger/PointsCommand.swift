import Fluent
import LiudongCore
import Vapor

/// `liudong points recompute --county CODE --year 2026`: recomputes a pilot county's ledger for a year from the
/// recorded facts (closed periods untouched) and prints a fingerprint of the whole ledger: run it twice, see the same.
struct PointsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "recompute")
        var action: String
        @Option(name: "county", help: "the county's organization code")
        var county: String?
        @Option(name: "year", help: "the year (default: this year)")
        var year: Int?
    }

    var help: String { "Points: points recompute --county CODE [--year 2026]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        guard signature.action == "recompute" else {
            console.error("用法：liudong points recompute --county 旗县区党组织代码 [--year 2026]")
            throw CommandFailed()
        }
        let app = context.application
        guard let code = signature.county,
            let county = try await Organization.query(on: app.db).filter(\.$code == code).first(),
            county.level == .county
        else {
            console.error("请用 --county 指定旗县区党组织的代码")
            throw CommandFailed()
        }
        let year = signature.year ?? AppClock.today.year
        guard (2000...2100).contains(year) else {
            console.error("--year 应为四位年份")
            throw CommandFailed()
        }
        guard try await PointRulesStore.isPilot(county.id!, on: app.db) else {
            console.error("\(county.shortName)未参加积分制管理试点（由市委组织部在“积分管理”页开启）")
            throw CommandFailed()
        }
        _ = try await PointRulesStore.ensureYear(county: county, year: year, by: "cli", on: app.db)
        let started = AppClock.now
        let s = try await PointLedger.recompute(county: county, year: year, on: app.db)
        console.print(
            "\(county.shortName)（\(county.code)）\(year)年积分重算完成，用时\(String(format: "%.2f", AppClock.now.timeIntervalSince(started)))秒"
        )
        console.print("  党员 \(s.members) 人，事实 \(s.facts) 件，未结算积分记录 \(s.entries) 条")
        console.print("  已结算至：\(s.closedThrough ?? "（无）")，结算期内的记录未改动")
        console.print("  账本指纹 \(s.digest)")
        console.print("  用时：" + s.timings.map { "\($0.0) \(String(format: "%.2f", $0.1))秒" }.joined(separator: "，"))
        try await Audit.record(
            .update, "points", ref: county.code, summary: "命令行重算\(county.shortName)\(year)年积分", user: nil,
            username: "cli", client: "command-line", on: app.db)
    }
}
