import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// What an account of the tree reads instead of counting: the roll-up's figures for its scope, as of `at`.
struct RollupSnapshot: Sendable {
    let at: Date
    /// Per rolled kind (every kind the run counted, zero ones too): the scope's own part under its id and each
    /// child's subtree under the child's id (`SubtreeSums.scopeShares`).
    let shares: [String: PerOrg]

    /// The scope's total of a kind (nil when the run did not count it).
    func total(_ kind: String) -> Int? { shares[kind].map { $0.counts.values.reduce(0, +) } }

    /// A child's subtree figure of a kind (0 when it has none).
    func child(_ id: Int, _ kind: String) -> Int { shares[kind]?.counts[id] ?? 0 }
}

/// The worklist's counts for the whole tree, once a minute by one node (`RollupPolling`, or `liudong rollup`), kept
/// per organization as subtree sums; every account of the tree — branch, committee, county, city — reads its row and
/// its children's (two small queries) instead of running some fifty counts on every home page and worklist poll
/// (hundreds of thousands of rows for a county). What others change (a member's report, a committee's review) shows
/// at the next run, within a minute; what the account itself changes shows at once: after it acts
/// (`CurrentUser.actedAt`) it counts live until a run begins after that. A run older than `maxAge`, or of another
/// day, is not read: the scope counts live again. Inflow-side accounts always count live.
enum WorkRollup {
    static let every: TimeInterval = 60
    static let maxAge: TimeInterval = 300
    static let lockName = "work-rollup"

    /// Accounts that read the roll-up: the tree's (an inflow-side account's view is not a subtree).
    static func reads(_ user: CurrentUser) -> Bool { !user.isInflowSide }

    /// The roll-up for the account's scope, when it reads one and a fresh run exists.
    static func snapshot(
        for user: CurrentUser, features: [any Feature], today: CalendarDate, on db: Database
    ) async throws -> RollupSnapshot? {
        guard reads(user) else { return nil }
        let sql = try db.sql()
        guard let run = try await WorkRollupStore.lastRun(on: sql), run.day == today.description,
            abs(AppClock.now.timeIntervalSince(run.computed_at)) <= maxAge,
            user.actedAt.map({ run.computed_at > $0 }) ?? true
        else { return nil }
        let counted = Set(run.kinds.split(separator: ",").map(String.init))
        let kinds = features.flatMap(\.rolledCounts).flatMap(\.kinds).filter(counted.contains)
        let (own, children) = try await WorkRollupStore.rows(scope: user.scopeID, on: sql)
        var shares: [String: PerOrg] = [:]
        let childrenByKind = Dictionary(grouping: children, by: \.kind)
        for kind in kinds {
            let mine = own.first { $0.kind == kind }
            let below = childrenByKind[kind] ?? []
            shares[kind] = PerOrg(
                counts: SubtreeSums.scopeShares(
                    scope: user.scopeID, sum: mine?.n ?? 0,
                    children: Dictionary(below.map { ($0.org_id, $0.n) }, uniquingKeysWith: +)),
                late: SubtreeSums.scopeShares(
                    scope: user.scopeID, sum: mine?.late ?? 0,
                    children: Dictionary(below.map { ($0.org_id, $0.late) }, uniquingKeysWith: +)))
        }
        return RollupSnapshot(at: run.computed_at, shares: shares)
    }

    struct Outcome: Sendable {
        var kinds: Int
        var rows: Int
        var written: Int
        var deleted: Int
    }

    /// Counts every rolled kind over the whole tree and stores the subtree sums (only what changed is written).
    static func run(
        features: [any Feature], settings: Settings, today: CalendarDate = AppClock.today, gate: WriteGate,
        on db: Database
    ) async throws -> Outcome {
        let sql = try db.sql()
        // The run's time is when counting began: a change after it may be missing from the counts.
        let started = AppClock.now
        let definitions = features.flatMap(\.rolledCounts)
        // Every organization's path: the roll-up adds each count to the organizations above it.
        let paths = try await DashboardStore.paths(under: "/", on: sql)
        let whole = CountScope(path: "/", today: today, db: db, settings: settings)
        var new: [WorkRollupStore.Key: WorkRollupStore.Row] = [:]
        for definition in definitions {
            let counted = try await definition.count(whole)
            for kind in definition.kinds {
                let perOrg = counted[kind] ?? PerOrg(counts: [:])
                let n = definition.subtreeFigures ? perOrg.counts : SubtreeSums.rollUp(perOrg.counts, paths: paths)
                let late = definition.subtreeFigures ? perOrg.late : SubtreeSums.rollUp(perOrg.late, paths: paths)
                for org in Set(n.keys).union(late.keys) {
                    let row = WorkRollupStore.Row(org_id: org, kind: kind, n: n[org] ?? 0, late: late[org] ?? 0)
                    guard row.n != 0 || row.late != 0 else { continue }
                    new[WorkRollupStore.Key(org: org, kind: kind)] = row
                }
            }
        }
        let old = try await WorkRollupStore.all(on: sql)
        let (written, deleted) = try await WorkRollupStore.save(
            new, replacing: old, kinds: definitions.flatMap(\.kinds), day: today, at: started, gate: gate, on: db)
        return Outcome(kinds: definitions.flatMap(\.kinds).count, rows: new.count, written: written, deleted: deleted)
    }

    /// A run when the last one is `every` old (or of another day), holding the lock so one node counts at a time;
    /// the wide scopes' page figures (`FigureCache`) when theirs are `FigureCache.every` old.
    static func runIfDue(_ app: Application) async throws -> Outcome? {
        let today = AppClock.today
        let sql = try app.backgroundDB.sql()
        func due(_ name: String, _ interval: TimeInterval) async throws -> Bool {
            guard let last = try await WorkRollupStore.lastRun(name, on: sql), last.day == today.description else {
                return true
            }
            return AppClock.now.timeIntervalSince(last.computed_at) >= interval - 5
        }
        let counts = try await due(WorkRollupStore.runName, every)
        let figures = try await due(WorkRollupStore.figuresRunName, FigureCache.every)
        guard counts || figures else { return nil }
        do {
            return try await JobLock.run(lockName, on: app.backgroundDB) {
                var outcome: Outcome?
                if counts {
                    outcome = try await run(
                        features: app.features, settings: app.settings, today: today, gate: app.writeGate,
                        on: app.backgroundDB)
                }
                if figures {
                    _ = try await FigureCache.run(app)
                    try await WorkRollupStore.markRun(
                        WorkRollupStore.figuresRunName, day: today, gate: app.writeGate, on: app.backgroundDB)
                }
                return outcome
            }
        } catch is JobLock.Held {
            return nil
        }
    }
}

/// A serving node keeps the roll-up current: every 20 seconds it looks whether a minute has passed since the last run
/// (by any node) and, if so and no other node is counting, counts.
struct RollupPolling: LifecycleHandler {
    final class Box: @unchecked Sendable {
        var task: Task<Void, Never>?
    }
    struct Key: StorageKey { typealias Value = Box }

    func didBootAsync(_ app: Application) async throws {
        guard app.environment != .testing, ImportPolling.serving(app.environment.arguments) else { return }
        let box = Box()
        app.storage[Key.self] = box
        box.task = Task {
            try? await Task.sleep(nanoseconds: 1_000_000_000)
            while !Task.isCancelled {
                do {
                    _ = try await WorkRollup.runIfDue(app)
                } catch {
                    app.logger.warning("待办汇总失败：\(String(describing: error).prefix(300))")
                }
                try? await Task.sleep(nanoseconds: 20_000_000_000)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        guard let task = app.storage[Key.self]?.task else { return }
        task.cancel()
        _ = await task.value
    }
}

/// `liudong rollup`: counts the worklist roll-up now (a serving node does it every minute by itself).
struct RollupCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "counts the worklist roll-up (every organization's subtree sums) now" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let started = AppClock.system
        let (outcome, figures) = try await JobLock.run(WorkRollup.lockName, on: app.backgroundDB) {
            let outcome = try await WorkRollup.run(
                features: app.features, settings: app.settings, gate: app.writeGate, on: app.backgroundDB)
            let figures = try await FigureCache.run(app)
            try await WorkRollupStore.markRun(
                WorkRollupStore.figuresRunName, day: AppClock.today, gate: app.writeGate, on: app.backgroundDB)
            return (outcome, figures)
        }
        context.console.print(
            "待办汇总：\(outcome.kinds) 类，\(outcome.rows) 行（写入 \(outcome.written)，删除 \(outcome.deleted)）；"
                + "大范围页面统计 \(figures) 项；"
                + String(format: "%.1f 秒", AppClock.system.timeIntervalSince(started)))
    }
}
