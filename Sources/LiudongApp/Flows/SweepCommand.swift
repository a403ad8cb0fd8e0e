import Fluent
import LiudongCore
import SQLKit
import Vapor

/// `liudong sweep [--today YYYY-MM-DD]`: the daily job (cron: `15 2 * * * cd /srv/liudong && .build/release/liudong sweep`).
struct SweepCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "today", help: "the day to sweep as (default: today in Asia/Shanghai)")
        var today: String?
    }

    var help: String { "Daily job: flag overdue arrivals and lost-contact candidates, and notify their branches" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var today = AppClock.today
        if let raw = signature.today {
            guard let d = CalendarDate(raw) else {
                context.console.error("--today 的格式应为 YYYY-MM-DD")
                throw CommandFailed()
            }
            today = d
        }
        let day = today
        do {
            try await JobLock.run("sweep", on: app.db) {
                try await Self.sweep(app, today: day, console: context.console)
            }
        } catch let held as JobLock.Held {
            context.console.warning(held.message)
        }
    }

    private static func sweep(_ app: Application, today: CalendarDate, console: Console) async throws {
        let result = try await FlowService.sweep(today: today, settings: app.settings, gate: app.writeGate, on: app.db)
        try await Audit.record(
            .update, "sweep", ref: today.description,
            summary: "每日巡检：新增逾期未报到\(result.overdue)人，失联待确认\(result.lostCandidates)人",
            user: nil, username: "cli", client: "command-line", on: app.db)
        console.success("\(today)：新增逾期未报到 \(result.overdue) 人，失联待确认 \(result.lostCandidates) 人。")
        // Each feature's daily part (reminders before a quarter ends, hearings overdue…).
        for feature in app.features {
            for line in try await feature.sweep(app, today: today) {
                try await Audit.record(
                    .update, "sweep", ref: today.description, summary: "每日巡检：\(line)", user: nil, username: "cli",
                    client: "command-line", on: app.db)
                console.success("\(today)：\(line)")
            }
        }
        // Ended sessions, and files with personal data left by uploads nobody applied or abandoned.
        let sessions = try await SessionPurge.run(on: app.db)
        PrivateFiles.sweep(app, "imports")
        PrivateFiles.sweep(app, "exports", olderThan: 3600)
        console.success("已清理过期会话 \(sessions) 个及一天前的上传文件。")
        // Keep the planner's statistics fresh as the tables grow.
        if let sql = try? app.db.sql(), sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA optimize").run() }
        // Once a quarter has ended, freeze its ledger (only the one just ended, and only once).
        if let ended = Quarter(containing: today).previous,
            !(try await LedgerSnapshot.closed(on: app.db)).contains(ended)
        {
            let rows = try await LedgerSnapshot.close(ended, by: "sweep", gate: app.writeGate, on: app.db, today: today)
            try await Audit.record(
                .update, "ledger", ref: ended.description, summary: "每日巡检封存\(ended.chinese)台账：\(rows)行",
                user: nil, username: "cli", client: "command-line", on: app.db)
            console.success("已封存\(ended.chinese)台账：\(rows) 行。")
        }
    }
}
