import Crypto
import Foundation

/// One computed entry of the points ledger (积分明细).
public struct PointEntryDraft: Equatable, Sendable {
    /// Stable across recomputations: derived from the member, the fact and the item.
    public var id: UUID
    public var member: UUID
    public var on: CalendarDate
    public var itemCode: String
    public var itemName: String
    public var category: PointCategory
    public var ruleVersion: Int
    /// What the item gives per occurrence.
    public var nominal: Int
    /// What this occurrence counts after caps (0 when capped away or revoked on appeal).
    public var points: Int
    public var capped: Bool
    public var revoked: Bool
    public var source: PointSource
    public var sourceID: String
    public var reason: String
}

/// Points already counted in a closed period, which caps of the open period must take into account.
public struct PointUsage: Sendable {
    public var member: UUID
    public var itemCode: String
    public var on: CalendarDate
    public var points: Int

    public init(member: UUID, itemCode: String, on: CalendarDate, points: Int) {
        self.member = member
        self.itemCode = itemCode
        self.on = on
        self.points = points
    }
}

/// Turns recorded facts into ledger entries under versioned rules. Pure and deterministic: the same facts, versions,
/// usage and revocations give the same entries in the same order, whatever order the facts came in.
public enum PointEngine {
    /// The entry id for a member's fact under an item.
    public static func entryID(member: UUID, source: PointSource, sourceID: String, itemCode: String) -> UUID {
        var hasher = SHA256()
        withUnsafeBytes(of: member.uuid) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Data("|\(source.rawValue)|\(sourceID)|\(itemCode)".utf8))
        let digest = Array(hasher.finalize())
        var b = Array(digest.prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50  // version 5-style (name-based)
        b[8] = (b[8] & 0x3F) | 0x80
        return UUID(
            uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }

    /// The version in effect on `day`: the latest by date (then by number) that began on or before it.
    public static func version(on day: CalendarDate, in versions: [PointRuleVersion]) -> PointRuleVersion? {
        var best: PointRuleVersion?
        for v in versions where v.effectiveFrom <= day {
            if let b = best, (b.effectiveFrom, b.version) >= (v.effectiveFrom, v.version) { continue }
            best = v
        }
        return best
    }

    /// Entries for `facts` in date order, applying each item's monthly and yearly caps (in absolute value) after the
    /// points already counted in `usage`. Entries in `revoked` count nothing and use up no cap.
    public static func compute(
        facts: [PointFact], versions: [PointRuleVersion], usage: [PointUsage] = [], revoked: Set<UUID> = []
    ) -> [PointEntryDraft] {
        let ordered = versions.sorted { ($0.effectiveFrom, $0.version) < ($1.effectiveFrom, $1.version) }
        // Every item code of every version gets a number; a member's caps are counted in one array indexed by code
        // and month (0 for the year), so the hot loop hashes nothing.
        var codeIndex: [String: Int] = [:]
        let codes = ordered.map { v in
            v.items.map { item -> (PointItem, String, Int) in
                let code = item.code.uppercased()
                if codeIndex[code] == nil { codeIndex[code] = codeIndex.count }
                return (item, code, codeIndex[code] ?? 0)
            }
        }
        var usageBy: [UUID: [PointUsage]] = [:]
        for u in usage { usageBy[u.member, default: []].append(u) }
        // Caps are per member: each member's facts in date order (then kind and id), members in a fixed order.
        var byMember: [UUID: [Int]] = [:]
        for (i, f) in facts.enumerated() { byMember[f.member, default: []].append(i) }
        var used = [Int](repeating: 0, count: codeIndex.count * 13)
        var out: [PointEntryDraft] = []
        out.reserveCapacity(facts.count)
        for m in byMember.keys.sorted(by: uuidLess) {
            for i in used.indices { used[i] = 0 }
            for u in usageBy[m] ?? [] {
                guard let c = codeIndex[u.itemCode.uppercased()] else { continue }
                used[c * 13 + u.on.month] += abs(u.points)
                used[c * 13] += abs(u.points)
            }
            let mine = byMember[m, default: []].sorted { a, b in
                let x = facts[a]
                let y = facts[b]
                if x.on != y.on { return x.on < y.on }
                if x.source != y.source { return x.source.rawValue < y.source.rawValue }
                return x.id < y.id
            }
            for index in mine {
                let fact = facts[index]
                // The version in effect: the last of those (in date order) that began on or before the day.
                guard let at = ordered.lastIndex(where: { $0.effectiveFrom <= fact.on }) else { continue }
                let v = ordered[at]
                for (item, code, c) in codes[at] where matches(item, fact) {
                    let id = entryID(member: fact.member, source: fact.source, sourceID: fact.id, itemCode: code)
                    var entry = PointEntryDraft(
                        id: id, member: fact.member, on: fact.on, itemCode: code, itemName: item.name,
                        category: item.category, ruleVersion: v.version, nominal: item.points, points: 0,
                        capped: false, revoked: false, source: fact.source, sourceID: fact.id,
                        reason: "\(fact.detail)，每次\(signed(item.points))分（第\(v.version)版规则）")
                    if revoked.contains(id) {
                        entry.revoked = true
                        entry.reason += "；经申诉撤销，不计分"
                        out.append(entry)
                        continue
                    }
                    let month = used[c * 13 + fact.on.month]
                    let year = used[c * 13]
                    var room = abs(item.points)
                    if let cap = item.monthCap { room = min(room, max(0, cap - month)) }
                    if let cap = item.yearCap { room = min(room, max(0, cap - year)) }
                    entry.points = item.points < 0 ? -room : room
                    if room < abs(item.points) {
                        entry.capped = true
                        let which =
                            item.monthCap.map { month + abs(item.points) > $0 } == true
                            ? "每月上限\(item.monthCap ?? 0)分" : "每年上限\(item.yearCap ?? 0)分"
                        entry.reason +=
                            room == 0 ? "；已达\(which)，本次不计" : "；已达\(which)，本次计\(signed(entry.points))分"
                    }
                    used[c * 13 + fact.on.month] += room
                    used[c * 13] += room
                    out.append(entry)
                }
            }
        }
        return out
    }

    static func matches(_ item: PointItem, _ fact: PointFact) -> Bool {
        guard item.source == fact.source else { return false }
        switch fact.source {
        case .quizPassed: return (fact.percent ?? 0) >= (item.threshold ?? 101)
        case .claim: return fact.itemCode?.uppercased() == item.code.uppercased()
        default: return true
        }
    }

    /// Orders UUIDs by their bytes (Foundation's `uuidString` formats with printf: far too slow inside a sort).
    public static func uuidLess(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in
            withUnsafeBytes(of: b.uuid) { y in x.lexicographicallyPrecedes(y) }
        }
    }

    public static func signed(_ n: Int) -> String { n > 0 ? "+\(n)" : "\(n)" }
}

/// The bands of a ranking (评比档次) and where a member falls.
public struct PointBands: Codable, Equatable, Sendable {
    /// The first band: the top this-many percent by rank.
    public var topPercent: Int
    /// 优良 from this many points (for a whole year; pro-rated during the year).
    public var goodAt: Int
    /// 合格 from this many points; below is 待提升.
    public var passAt: Int

    public init(topPercent: Int = 10, goodAt: Int = 60, passAt: Int = 30) {
        self.topPercent = topPercent
        self.goodAt = goodAt
        self.passAt = passAt
    }

    public static let labels = ["前10%", "优良", "合格", "待提升"]

    public func label(_ index: Int) -> String { index == 0 ? "前\(topPercent)%" : Self.labels[min(max(index, 0), 3)] }

    /// The lines for a year seen after `months` completed months (12 at year end; at least 1).
    public func lines(months: Int) -> (good: Int, pass: Int) {
        let m = min(max(months, 1), 12)
        return ((goodAt * m + 11) / 12, (passAt * m + 11) / 12)
    }

    /// The band index (0 top, 1 优良, 2 合格, 3 待提升) of a member ranked `rank` of `count` with `total` points.
    public func band(rank: Int, count: Int, total: Int, months: Int) -> Int {
        let (good, pass) = lines(months: months)
        let top = max(1, count * topPercent / 100)
        if rank <= top, total >= pass, total > 0 { return 0 }
        if total >= good { return 1 }
        if total >= pass { return 2 }
        return 3
    }
}
