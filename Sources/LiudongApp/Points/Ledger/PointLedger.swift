import Fluent
import Foundation
import LiudongCore

/// The points ledger: recomputed from the facts under the county's rule versions, never touching a closed period.
/// Load (`PointLedgerStore`, `PointFactStore`) → plan (`PointEngine`, `PointLedgerPlan`, in the core) → store: only
/// entries that differ from what is stored are written, so a recomputation that changes nothing writes nothing.
enum PointLedger {
    struct Summary: Sendable {
        var county: String
        var year: Int
        var facts: Int
        var entries: Int
        var members: Int
        var closedThrough: String?
        /// SHA-256 over the whole year's ledger of the county (closed and open), in a fixed order.
        var digest: String
        /// Seconds spent reading the facts, reading the stored ledger, computing, and writing.
        var timings: [(String, Double)] = []
    }

    /// Recomputes the county's ledger for `year` after its closed day — for everyone, or for one member (after a
    /// claim or an appeal is decided). The same facts give the same ledger.
    @discardableResult
    static func recompute(county: Organization, year: Int, member: UUID? = nil, on db: Database) async throws
        -> Summary
    {
        let countyID = county.id!
        let settings = try await PointRulesStore.settingsOrDefault(countyID, on: db)
        let versions = try await PointRulesStore.versions(county: countyID, year: year, on: db).compactMap(\.rules)
        let (yearClosed, after, cut) = PointLedgerPlan.open(year: year, closed: settings.closed)
        var clock = AppClock.now
        var timings: [(String, Double)] = []
        func lap(_ label: String) {
            timings.append((label, AppClock.now.timeIntervalSince(clock)))
            clock = AppClock.now
        }
        let people = try await PointLedgerStore.population(county: county, year: year, member: member, on: db)
        let closedEntries = try await PointLedgerStore.closedEntries(
            county: countyID, year: year, through: cut, member: member, on: db)
        let stored =
            yearClosed
            ? [:]
            : try await PointLedgerStore.openSignatures(
                county: countyID, year: year, after: cut, member: member, on: db)
        lap("读取已有积分记录")
        var facts: [PointFact] = []
        var entries = closedEntries
        if !yearClosed {
            if member == nil || !people.isEmpty {
                facts = PointMobility.whileMobile(
                    try await PointFactStore.read(
                        .init(path: county.path, member: member), year: year, after: after, on: db),
                    months: Dictionary(people.map { ($0.id, $0.months) }, uniquingKeysWith: { a, _ in a }))
            }
            lap("读取事实")
            let usage = closedEntries.compactMap { e in
                CalendarDate(e.on).map { PointUsage(member: e.member, itemCode: e.code, on: $0, points: e.points) }
            }
            let (revoked, pending) = try await PointLedgerStore.appealed(on: db)
            let drafts = PointEngine.compute(facts: facts, versions: versions, usage: usage, revoked: revoked).map {
                PointLedgerEntry($0, appealed: pending.contains($0.id), county: countyID, year: year)
            }
            entries += drafts
            let (inserts, removals) = PointLedgerPlan.changes(drafts, stored: stored)
            let totals = PointLedgerPlan.totals(entries, people: people.map { ($0.id, $0.org, $0.months) })
            lap("计算（\(inserts.count)条有变化，\(removals.count)条撤下）")
            try await PointLedgerStore.write(
                removals: removals, additions: inserts, totals: totals, county: countyID, year: year, member: member,
                on: db)
            lap("写入")
        }
        if member == nil { try await PointLedgerStore.markRecomputed(settings, county: countyID, on: db) }
        return Summary(
            county: county.code, year: year, facts: facts.count, entries: entries.count - closedEntries.count,
            members: people.count, closedThrough: settings.closedThrough, digest: PointLedgerPlan.fingerprint(entries),
            timings: timings)
    }

    /// Recomputes one member's year in their county (when the county is in the pilot).
    static func recompute(member: Member, year: Int, on db: Database) async throws {
        guard let county = try await PointRulesStore.pilotCounty(of: member, on: db) else { return }
        try await recompute(county: county, year: year, member: member.id, on: db)
    }
}
