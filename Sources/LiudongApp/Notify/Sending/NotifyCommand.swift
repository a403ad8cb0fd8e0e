import Fluent
import LiudongCore
import Vapor

/// `liudong notify [--batch N]`: sends every due message and exits (cron: `* * * * * … liudong notify`). Safe on
/// several nodes at once; with no provider configured it says so and sends nothing (messages stay in the inbox and
/// the branches' group lists).
struct NotifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "batch", help: "messages claimed per pass (default 500)")
        var batch: Int?
    }

    var help: String { "Send due notifications by SMS (cron: every minute)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let sender = context.application.notifySender else {
            context.console.warning("未配置短信服务商（LIUDONG_SMS_PROVIDER）：消息留在站内消息和党支部的群发清单中。")
            return
        }
        let batch = min(max(signature.batch ?? 500, 1), 5000)
        let started = AppClock.system
        let t: NotifySender.Tally
        do {
            // One run at a time across nodes and cron entries: a slow minute does not pile up runs.
            t = try await JobLock.run("notify", on: context.application.db) { try await sender.drain(batch: batch) }
        } catch let held as JobLock.Held {
            context.console.warning(held.message)
            return
        }
        let seconds = AppClock.system.timeIntervalSince(started)
        context.console.success(
            "已发送 \(t.sent) 条（其中汇总短信 \(t.digests) 条），待重试 \(t.retried) 条，失败 \(t.failed) 条，"
                + "仅站内 \(t.held) 条，推迟到免打扰时段后 \(t.deferred) 条；用时 \(String(format: "%.1f", seconds)) 秒。")
    }
}

/// `LIUDONG_NOTIFY_IN_PROCESS=1`: the server sends too, a pass every few seconds while it runs.
struct InProcessSender: LifecycleHandler {
    final class Running: @unchecked Sendable {
        var task: Task<Void, Never>?
    }
    let running = Running()

    func didBootAsync(_ app: Application) async throws {
        guard let sender = app.notifySender else {
            app.logger.warning("LIUDONG_NOTIFY_IN_PROCESS=1 but no SMS provider is configured: nothing is sent")
            return
        }
        let logger = app.logger
        running.task = Task.detached {
            while !Task.isCancelled {
                do {
                    let t = try await sender.drain(batch: 200, maxPasses: 50)
                    if t.touched > 0 { logger.info("notify: sent \(t.sent), retry \(t.retried), failed \(t.failed)") }
                } catch {
                    logger.error("notify: \(String(describing: error))")
                }
                try? await Task.sleep(nanoseconds: 5_000_000_000)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        running.task?.cancel()
        running.task = nil
    }
}
