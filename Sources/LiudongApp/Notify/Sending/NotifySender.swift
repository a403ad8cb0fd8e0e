import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Sends what the outbox holds: claims due messages by recipient, decides each with `NotifyRules.plan` (quiet hours,
/// switches, the weekly cap and its digest), sends through the provider at its pace with retries and backoff, and
/// writes back what the provider answered. A failure here never touches the change that made the message.
struct NotifySender: Sendable {
    let db: Database
    let gate: WriteGate
    let cipher: FieldCipher
    let settings: NotifySettings
    let provider: any SMSProvider
    let pace: SMSPace
    /// How long a claimed message may stay `sending` before another pass takes it back.
    var lease: TimeInterval = 300

    struct Tally: Sendable, Equatable {
        var sent = 0, retried = 0, failed = 0, held = 0, deferred = 0, digests = 0
        var touched: Int { sent + retried + failed + held + deferred }
        static func + (a: Tally, b: Tally) -> Tally {
            Tally(
                sent: a.sent + b.sent, retried: a.retried + b.retried, failed: a.failed + b.failed,
                held: a.held + b.held, deferred: a.deferred + b.deferred, digests: a.digests + b.digests)
        }
    }

    struct Job: Sendable {
        var id: Int64
        var phone: String
        var templateCode: String
        var params: [String: String]
        var attempts: Int
    }

    /// One pass: claim up to `limit` due messages, send them, record the answers.
    func pass(limit: Int, now: Date = AppClock.now) async throws -> Tally {
        let (jobs, decided): ([Job], Tally) = try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            try await OutboxClaims.reclaim(now: now, on: sql)
            let claimed = try await OutboxClaims.claim(limit: limit, now: now, on: sql)
            var tally = Tally()
            let jobs = try await decide(claimed, now: now, tally: &tally, on: sql)
            return (jobs, tally)
        }
        var tally = decided
        guard !jobs.isEmpty else { return tally }
        let results = await send(jobs)
        try await db.writeTransaction(gate: gate) { tx in try await OutboxClaims.record(results, on: tx.sql()) }
        for r in results {
            switch r {
            case .accepted: tally.sent += 1
            case .retry: tally.retried += 1
            case .failed: tally.failed += 1
            }
        }
        return tally
    }

    /// Passes until nothing due is left (or `maxPasses`): the cron command's run.
    func drain(batch: Int, maxPasses: Int = 100_000) async throws -> Tally {
        var total = Tally()
        for _ in 0..<maxPasses {
            let t = try await pass(limit: batch)
            total = total + t
            if t.touched == 0 { break }
        }
        return total
    }

    private func phone(of c: OutboxClaims.Claimed) -> String? {
        if c.recipient.hasPrefix("o:") {
            return c.org_phone.flatMap(Phone.mobile)
        }
        return c.phone_enc.flatMap { try? cipher.open($0) }.flatMap(Phone.mobile)
    }

    private func params(of c: OutboxClaims.Claimed) -> [String: String] {
        let text = c.sealed.flatMap { try? cipher.open($0) } ?? c.params
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    /// Decides every claimed message and moves it out of `queued`; answers what to send now.
    private func decide(_ claimed: [OutboxClaims.Claimed], now: Date, tally: inout Tally, on sql: SQLDatabase)
        async throws -> [Job]
    {
        guard !claimed.isEmpty else { return [] }
        let byRecipient = Dictionary(grouping: claimed, by: \.recipient)
        let week = try await OutboxClaims.sentSince(
            NotifyRules.weekStart(now), recipients: Array(byRecipient.keys), on: sql)
        let lease = now.addingTimeInterval(self.lease)
        var jobs: [Job] = []
        var sending: [Int64] = []
        var held: [NotifyRules.Held: [Int64]] = [:]
        var deferred: [Date: [Int64]] = [:]
        for (recipient, rows) in byRecipient {
            let phone = phone(of: rows[0])
            let r = NotifyRules.Recipient(
                muted: Set(rows[0].muted.split(separator: ",").compactMap { NotifyCategory(rawValue: String($0)) }),
                hasPhone: phone != nil, sentThisWeek: week[recipient] ?? 0)
            let pending = rows.map { row -> NotifyRules.Pending in
                let event = NotifyEvent(rawValue: row.event)
                return NotifyRules.Pending(
                    id: row.id, category: event?.category ?? .digest,
                    hasTemplate: event.flatMap { settings.templates[$0] } != nil)
            }
            let plan = NotifyRules.plan(pending, for: r, policy: settings.policy, now: now)
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
            for id in plan.send {
                guard let row = byID[id], let phone, let event = NotifyEvent(rawValue: row.event),
                    let code = settings.templates[event]
                else { continue }
                sending.append(id)
                jobs.append(
                    Job(id: id, phone: phone, templateCode: code, params: params(of: row), attempts: row.attempts + 1))
            }
            for (id, why) in plan.held { held[why, default: []].append(id) }
            if let until = plan.deferUntil { deferred[until, default: []] += plan.deferred }
            if !plan.digest.isEmpty, let phone, let first = byID[plan.digest[0]] {
                if let code = settings.templates[.digest],
                    let d = try await OutboxClaims.insertDigest(
                        for: first, count: plan.digest.count, now: now, lease: lease, on: sql)
                {
                    try await OutboxClaims.hold(plan.digest, .digested, digest: d, on: sql)
                    jobs.append(
                        Job(
                            id: d, phone: phone, templateCode: code, params: ["count": "\(plan.digest.count)"],
                            attempts: 1))
                    tally.digests += 1
                } else {
                    held[.weeklyCap, default: []] += plan.digest
                }
            }
        }
        try await OutboxClaims.markSending(sending, now: now, lease: lease, on: sql)
        for (why, ids) in held {
            try await OutboxClaims.hold(ids, why, on: sql)
            tally.held += ids.count
        }
        for (until, ids) in deferred {
            try await OutboxClaims.defer_(ids, until: until, on: sql)
            tally.deferred += ids.count
        }
        return jobs
    }

    /// Sends at most `concurrency` at once, each after the pace allows it.
    private func send(_ jobs: [Job]) async -> [OutboxClaims.Result] {
        let width = max(1, settings.concurrency)
        return await withTaskGroup(of: OutboxClaims.Result.self) { group in
            var results: [OutboxClaims.Result] = []
            results.reserveCapacity(jobs.count)
            var next = 0
            func start(_ job: Job) {
                group.addTask {
                    await pace.take()
                    let outcome = await provider.send(
                        phone: job.phone, templateCode: job.templateCode, params: job.params, outID: String(job.id))
                    switch outcome {
                    case .accepted(let biz): return .accepted(id: job.id, provider: provider.name, providerID: biz)
                    case .permanent(let e): return .failed(id: job.id, error: e)
                    case .retry(let e):
                        if job.attempts >= NotifyRules.maxAttempts {
                            return .failed(id: job.id, error: "重试\(job.attempts)次仍失败：\(e)")
                        }
                        return .retry(
                            id: job.id, error: e,
                            at: AppClock.now.addingTimeInterval(NotifyRules.retryDelay(afterAttempts: job.attempts)))
                    }
                }
            }
            while next < min(width, jobs.count) {
                start(jobs[next])
                next += 1
            }
            while let r = await group.next() {
                results.append(r)
                if next < jobs.count {
                    start(jobs[next])
                    next += 1
                }
            }
            return results
        }
    }
}

struct SMSPaceKey: StorageKey { typealias Value = SMSPace }

extension Application {
    /// The sender of this node, or nil when no SMS provider is configured.
    var notifySender: NotifySender? {
        let s = settings.notify
        guard s.provider == "aliyun" else { return nil }
        return NotifySender(
            db: db, gate: writeGate, cipher: cipher, settings: s,
            provider: AliyunSMSProvider(settings: s, client: client), pace: smsPace)
    }

    /// One pace per node (made by `configure`).
    var smsPace: SMSPace {
        get { made(SMSPaceKey.self) }
        set { storage[SMSPaceKey.self] = newValue }
    }
}
