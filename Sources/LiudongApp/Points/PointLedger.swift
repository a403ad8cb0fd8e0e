import Crypto
import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The points ledger: recomputed from the facts under the county's rule versions, never touching a closed period.
/// Only entries that differ from what is stored are written, so a recomputation that changes nothing writes nothing.
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

    static func versions(county: Int, year: Int, on db: Database) async throws -> [PointRuleSet] {
        try await PointRuleSet.query(on: db).filter(\.$countyID == county).filter(\.$year == year)
            .sort(\.$version).all()
    }

    static let columns = [
        "id", "county_id", "year", "member_id", "on_day", "item_code", "item_name", "category", "rule_version",
        "nominal", "points", "capped", "source_kind", "source_id", "status", "reason", "signature",
    ]

    /// An entry as stored (or about to be): what is compared, fingerprinted and summed.
    /// A class: a recomputation passes a hundred thousand of them through several lists, and copying a struct of
    /// ten strings costs more than the arithmetic.
    final class Entry: Sendable {
        let id: UUID
        let member: UUID
        let on: String
        let code: String
        let name: String
        let category: String
        let version: Int
        let nominal: Int
        let points: Int
        let capped: Bool
        let kind: String
        let sourceID: String
        let status: String
        let reason: String
        let county: Int
        let year: Int
        /// A digest of every stored column but the id and what the id implies (member, county, year) — the first 8
        /// bytes of a SHA-256, as stored in `signature`: equal ids and digests, equal rows — so the stored ledger is
        /// compared without reading it back.
        let signature: Int

        init(
            id: UUID, member: UUID, on: String, code: String, name: String, category: String, version: Int,
            nominal: Int,
            points: Int, capped: Bool, kind: String, sourceID: String, status: String, reason: String, county: Int,
            year: Int
        ) {
            self.id = id
            self.member = member
            self.on = on
            self.code = code
            self.name = name
            self.category = category
            self.version = version
            self.nominal = nominal
            self.points = points
            self.capped = capped
            self.kind = kind
            self.sourceID = sourceID
            self.status = status
            self.reason = reason
            self.county = county
            self.year = year
            let text =
                "\(on)\u{1F}\(code)\u{1F}\(name)\u{1F}\(category)\u{1F}\(version)\u{1F}\(nominal)"
                + "\u{1F}\(points)\u{1F}\(capped)\u{1F}\(kind)\u{1F}\(sourceID)\u{1F}\(status)\u{1F}\(reason)"
            var first: UInt64 = 0
            for b in SHA256.hash(data: Data(text.utf8)).prefix(8) { first = first << 8 | UInt64(b) }
            signature = Int(truncatingIfNeeded: first)
        }

        var values: [PointRows.Value] {
            [
                .uuid(id), .int(county), .int(year), .uuid(member), .text(on), .text(code), .text(name),
                .text(category), .int(version), .int(nominal), .int(points), .bool(capped), .text(kind),
                .text(sourceID), .text(status), .text(reason), .int(signature),
            ]
        }

        convenience init?(_ r: PointRow, county: Int, year: Int) {
            guard let id = r.uuid("id"), let member = r.uuid("member_id"), let on = r.string("on_day"),
                let code = r.string("item_code"), let version = r.int("rule_version"), let points = r.int("points")
            else { return nil }
            self.init(
                id: id, member: member, on: on, code: code, name: r.string("item_name") ?? "",
                category: r.string("category") ?? "", version: version, nominal: r.int("nominal") ?? 0, points: points,
                capped: r.bool("capped"), kind: r.string("source_kind") ?? "", sourceID: r.string("source_id") ?? "",
                status: r.string("status") ?? "", reason: r.string("reason") ?? "", county: county, year: year)
        }
    }

    /// Recomputes the county's ledger for `year` after its closed day — for everyone, or for one member (after a
    /// claim or an appeal is decided). The same facts give the same ledger.
    @discardableResult
    static func recompute(county: Organization, year: Int, member: UUID? = nil, on db: Database) async throws
        -> Summary
    {
        let countyID = county.id!
        let settings = try await PointCounty.find(countyID, on: db) ?? PointCounty(countyID: countyID)
        let closed = settings.closed
        let versions = try await versions(county: countyID, year: year, on: db).compactMap(\.rules)
        let yearClosed = closed.map { $0.year > year || ($0.year == year && $0.month == 12 && $0.day == 31) } ?? false
        let after = closed.flatMap { $0.year == year ? $0 : nil }
        let cut = yearClosed ? "9999" : after?.description ?? ""
        var clock = AppClock.now
        var timings: [(String, Double)] = []
        func lap(_ label: String) {
            timings.append((label, AppClock.now.timeIntervalSince(clock)))
            clock = AppClock.now
        }
        let people = try await population(county: county, member: member, on: db)
        let memberFilter: SQLQueryString = member.map { "AND member_id = \(bind: $0)" } ?? ""
        // Entries of the closed period are read whole (they are kept, counted first for caps, and summed); those after
        // it only by id and digest (they are compared with the recomputed ones).
        let closedEntries =
            cut.isEmpty
            ? []
            : try await PointRow.all(
                """
                SELECT \(unsafeRaw: columns.filter { $0 != "county_id" && $0 != "year" }.joined(separator: ", ")) FROM point_entries
                WHERE county_id = \(bind: countyID) AND year = \(bind: year) AND on_day <= \(bind: cut) \(memberFilter)
                """, on: db
            ).compactMap { Entry($0, county: countyID, year: year) }
        var open: [UUID: Int?] = [:]
        if !yearClosed {
            for r in try await PointRow.all(
                """
                SELECT id, signature FROM point_entries
                WHERE county_id = \(bind: countyID) AND year = \(bind: year) AND on_day > \(bind: cut) \(memberFilter)
                """, on: db)
            {
                if let id = r.uuid("id") { open[id] = r.int("signature") }
            }
        }
        lap("读取已有积分记录")
        var facts: [PointFact] = []
        var entries = closedEntries
        if !yearClosed {
            if member == nil || !people.isEmpty {
                facts = try await PointFacts.read(
                    .init(path: county.path, member: member), year: year, after: after, on: db)
            }
            lap("读取事实")
            let usage = closedEntries.compactMap { e in
                CalendarDate(e.on).map { PointUsage(member: e.member, itemCode: e.code, on: $0, points: e.points) }
            }
            let appeals = try await PointAppeal.query(on: db).filter(\.$status != .rejected).all()
            let revoked = Set(appeals.filter { $0.status == .upheld }.map(\.entryID))
            let pending = Set(appeals.filter { $0.status == .pending }.map(\.entryID))
            let drafts = PointEngine.compute(facts: facts, versions: versions, usage: usage, revoked: revoked).map {
                d in
                let status: EntryStatus =
                    d.revoked ? .revoked : pending.contains(d.id) ? .appealed : d.capped ? .capped : .counted
                return Entry(
                    id: d.id, member: d.member, on: d.on.description, code: d.itemCode, name: d.itemName,
                    category: d.category.rawValue, version: d.ruleVersion, nominal: d.nominal, points: d.points,
                    capped: d.capped, kind: d.source.rawValue, sourceID: d.sourceID, status: status.rawValue,
                    reason: d.reason, county: countyID, year: year)
            }
            entries += drafts
            // Only what differs is written: entries no longer wanted or changed go, new or changed ones come.
            var inserts: [Entry] = []
            var gone: [UUID] = []
            for d in drafts {
                switch open.removeValue(forKey: d.id) {
                case .some(.some(let stored)) where stored == d.signature: continue
                case .some: gone.append(d.id)
                case .none: break
                }
                inserts.append(d)
            }
            gone += open.keys
            let (removals, additions) = (gone, inserts)
            let totals = Self.totals(entries, people: people, county: countyID, year: year)
            lap("计算（\(inserts.count)条有变化，\(gone.count)条撤下）")
            try await db.transaction { tx in
                for chunk in stride(from: 0, to: removals.count, by: 500) {
                    let ids = removals[chunk..<min(chunk + 500, removals.count)].map { $0 as any Encodable & Sendable }
                    try await tx.sql().raw("DELETE FROM point_entries WHERE id IN \(SQLBind.group(ids))").run()
                }
                var rows = PointRows("point_entries", columns, on: tx)
                for e in additions { try await rows.add(e.values) }
                try await rows.flush()
                try await writeTotals(totals, county: countyID, year: year, member: member, on: tx)
            }
            lap("写入")
        }
        if member == nil {
            settings.recomputedAt = AppClock.now
            if settings.id == nil { settings.id = countyID }
            try await settings.save(on: db)
        }
        // The fingerprint: every entry's id bytes, day, item, version, points and status, in id order.
        var hash = SHA256()
        var line: [UInt8] = []
        for i in entries.indices.sorted(by: { PointEngine.uuidLess(entries[$0].id, entries[$1].id) }) {
            let e = entries[i]
            line.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: e.id.uuid) { line.append(contentsOf: $0) }
            for part in [e.on, e.code, String(e.version), String(e.points), e.status] {
                line.append(124)  // |
                line.append(contentsOf: part.utf8)
            }
            line.append(10)
            hash.update(data: line)
        }
        return Summary(
            county: county.code, year: year, facts: facts.count, entries: entries.count - closedEntries.count,
            members: people.count, closedThrough: settings.closedThrough, digest: hash.finalize().hex, timings: timings)
    }

    struct Person {
        var id: UUID
        var org: Int
    }

    /// Whom points are for: the county's mobile members (an open flow) — or the one member when among them.
    static func population(county: Organization, member: UUID?, on db: Database) async throws -> [Person] {
        let only: SQLQueryString = member.map { "AND m.id = \(bind: $0)" } ?? ""
        return try await PointRow.all(
            """
            SELECT m.id, m.organization_id FROM members m JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", county.path)) AND m.flow_status IN \(SQLBind.group(LedgerService.openStates)) \(only)
            """, on: db
        ).compactMap { r in r.uuid("id").flatMap { id in r.int("organization_id").map { Person(id: id, org: $0) } } }
    }

    /// One row per member of the population: the year's total and each quarter's sum (zero when nothing earned).
    static func totals(_ entries: [Entry], people: [Person], county: Int, year: Int) -> [UUID: [Int]] {
        var sums: [UUID: [Int]] = [:]
        for e in entries {
            guard let d = CalendarDate(e.on) else { continue }
            sums[e.member, default: [0, 0, 0, 0]][(d.month - 1) / 3] += e.points
        }
        var out: [UUID: [Int]] = [:]
        for p in people {
            let q = sums[p.id] ?? [0, 0, 0, 0]
            out[p.id] = [p.org, q.reduce(0, +)] + q
        }
        return out
    }

    /// Writes the totals that differ from the stored ones (and removes rows of members no longer counted).
    static func writeTotals(_ wanted: [UUID: [Int]], county: Int, year: Int, member: UUID?, on db: Database)
        async throws
    {
        let filter: SQLQueryString =
            member.map { "member_id = \(bind: $0) AND year = \(bind: year)" }
            ?? "county_id = \(bind: county) AND year = \(bind: year)"
        var have: [UUID: [Int]] = [:]
        for r in try await PointRow.all(
            "SELECT member_id, org_id, total, q1, q2, q3, q4 FROM point_totals WHERE \(filter)", on: db)
        {
            guard let id = r.uuid("member_id") else { continue }
            have[id] = ["org_id", "total", "q1", "q2", "q3", "q4"].map { r.int($0) ?? 0 }
        }
        let gone = have.filter { wanted[$0.key] != $0.value }.map(\.key)
        for chunk in stride(from: 0, to: gone.count, by: 500) {
            let ids = gone[chunk..<min(chunk + 500, gone.count)].map { $0 as any Encodable & Sendable }
            try await db.sql().raw(
                "DELETE FROM point_totals WHERE year = \(bind: year) AND member_id IN \(SQLBind.group(ids))"
            ).run()
        }
        var rows = PointRows(
            "point_totals", ["member_id", "year", "county_id", "org_id", "total", "q1", "q2", "q3", "q4"], on: db)
        for (id, v) in wanted where have[id] != v {
            try await rows.add([.uuid(id), .int(year), .int(county)] + v.map { .int($0) })
        }
        try await rows.flush()
    }

    /// Recomputes one member's year in their county (when the county is in the pilot).
    static func recompute(member: Member, year: Int, on db: Database) async throws {
        guard let branch = try await Organization.find(member.organizationID, on: db),
            let county = try await OrgTree.county(of: branch, on: db),
            try await PointCounty.find(county.id!, on: db)?.enabled == true
        else { return }
        try await recompute(county: county, year: year, member: member.id, on: db)
    }
}
