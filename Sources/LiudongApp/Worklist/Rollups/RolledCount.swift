import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Counts per organization id, and how many of them are overdue: what a worklist count query answers.
struct PerOrg: Sendable, Equatable {
    var counts: [Int: Int]
    var late: [Int: Int] = [:]

    init(counts: [Int: Int], late: [Int: Int] = [:]) {
        self.counts = counts
        self.late = late
    }

    init(_ rows: [OrgCount]) { self.init(counts: rows.counts, late: rows.late) }
}

/// Where a count query runs: under a path (a scope's, or "/" for the whole tree), on a day.
struct CountScope: Sendable {
    let path: String
    let today: CalendarDate
    let db: Database
    let settings: Settings

    func sql() throws -> SQLDatabase { try db.sql() }
}

/// One of a feature's worklist counts that depends on nothing but the scope's path and the day (not on who asks):
/// an account of the tree reads it from the minutely roll-up (`WorkRollup`) instead of counting its subtree on each
/// request (live when the roll-up is stale or the account has just acted). The feature lists it in `rolledCounts` and its worklist
/// asks `WorkScope.counts(kind, in: self)`, so the count is written once.
struct RolledCount: Sendable {
    /// The kinds one query counts (most count one).
    let kinds: [String]
    let count: @Sendable (CountScope) async throws -> [String: PerOrg]
    /// The count answers each organization's figure for its whole subtree already (a figure that does not add up
    /// from the children's, such as inflow organizations where ten or more of the subtree's members report): the run
    /// stores it as it is, and the worklist reads it with `WorkScope.figure`.
    var subtreeFigures = false

    init(_ kind: String, _ count: @escaping @Sendable (CountScope) async throws -> PerOrg) {
        self.kinds = [kind]
        self.count = { [kind: try await count($0)] }
    }

    /// A figure per organization for its whole subtree (see `subtreeFigures`).
    init(subtreeFigure kind: String, _ count: @escaping @Sendable (CountScope) async throws -> [Int: Int]) {
        self.kinds = [kind]
        self.count = { [kind: PerOrg(counts: try await count($0))] }
        self.subtreeFigures = true
    }

    /// Several figures from one pass over the rows (e.g. members, probationary members and migrant workers).
    init(kinds: [String], _ count: @escaping @Sendable (CountScope) async throws -> [String: PerOrg]) {
        self.kinds = kinds
        self.count = count
    }
}

extension WorkScope {
    /// A feature's count for this scope: the roll-up's when the scope reads one (fresh, and begun after the account last acted), else live.
    func counts(_ kind: String, in feature: some Feature) async throws -> PerOrg {
        if let rolled, let shares = rolled.shares[kind] { return shares }
        guard let definition = feature.rolledCounts.first(where: { $0.kinds.contains(kind) }) else {
            throw AppError.conflict("未登记的待办计数：\(kind)")
        }
        let counted = try await definition.count(
            CountScope(path: user.scopePath, today: today, db: db, settings: settings))
        return counted[kind] ?? PerOrg(counts: [:])
    }

    /// A subtree figure (`RolledCount(subtreeFigure:)`) of the account's scope: the roll-up's when the scope reads
    /// one, else counted now.
    func figure(_ kind: String, in feature: some Feature) async throws -> Int {
        if let rolled, let total = rolled.total(kind) { return total }
        return try await counts(kind, in: feature).counts[user.scopeID] ?? 0
    }
}
