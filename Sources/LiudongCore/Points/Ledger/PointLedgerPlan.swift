import Crypto
import Foundation

/// Where a ledger entry stands; the raw value is what `point_entries.status` holds and the API shows.
public enum EntryStatus: String, Codable, Sendable {
    case counted, capped, appealed, revoked

    public var label: String {
        switch self {
        case .counted: return "已计分"
        case .capped: return "超出上限"
        case .appealed: return "申诉中"
        case .revoked: return "已撤销"
        }
    }
}

/// An entry of the points ledger as stored (or about to be): what is compared, fingerprinted and summed.
/// A class: a recomputation passes a hundred thousand of them through several lists, and copying a struct of ten
/// strings costs more than the arithmetic.
public final class PointLedgerEntry: Sendable {
    public let id: UUID
    public let member: UUID
    public let on: String
    public let code: String
    public let name: String
    public let category: String
    public let version: Int
    public let nominal: Int
    public let points: Int
    public let capped: Bool
    public let kind: String
    public let sourceID: String
    public let status: String
    public let reason: String
    public let county: Int
    public let year: Int
    /// A digest of every stored column but the id and what the id implies (member, county, year) — the first 8 bytes
    /// of a SHA-256, as stored in `signature`: equal ids and digests, equal rows — so the stored ledger is compared
    /// without reading it back.
    public let signature: Int

    public init(
        id: UUID, member: UUID, on: String, code: String, name: String, category: String, version: Int, nominal: Int,
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

    /// A computed draft as the entry to store: revoked on appeal, under appeal, capped, or counted.
    public convenience init(_ d: PointEntryDraft, appealed: Bool, county: Int, year: Int) {
        let status: EntryStatus = d.revoked ? .revoked : appealed ? .appealed : d.capped ? .capped : .counted
        self.init(
            id: d.id, member: d.member, on: d.on.description, code: d.itemCode, name: d.itemName,
            category: d.category.rawValue, version: d.ruleVersion, nominal: d.nominal, points: d.points,
            capped: d.capped, kind: d.source.rawValue, sourceID: d.sourceID, status: status.rawValue,
            reason: d.reason, county: county, year: year)
    }
}

/// The plan of a recomputation, decided without the database: which part of the year is closed, what to write and
/// remove, each member's totals, and the ledger's fingerprint.
public enum PointLedgerPlan {
    /// The part of `year` a closed day leaves open: the whole year closed, or facts read after `after`, and `cut`,
    /// the last stored day that is kept as it is ("" when nothing is closed, "9999" when everything is).
    public static func open(year: Int, closed: CalendarDate?) -> (yearClosed: Bool, after: CalendarDate?, cut: String) {
        let yearClosed = closed.map { $0.year > year || ($0.year == year && $0.month == 12 && $0.day == 31) } ?? false
        let after = closed.flatMap { $0.year == year ? $0 : nil }
        return (yearClosed, after, yearClosed ? "9999" : after?.description ?? "")
    }

    /// Only what differs is written: an entry whose id and signature are stored stays; a changed one is removed and
    /// inserted again; a new one is inserted; stored entries no longer wanted are removed.
    public static func changes(_ wanted: [PointLedgerEntry], stored: [UUID: Int?]) -> (
        inserts: [PointLedgerEntry], removals: [UUID]
    ) {
        var stored = stored
        var inserts: [PointLedgerEntry] = []
        var gone: [UUID] = []
        for d in wanted {
            switch stored.removeValue(forKey: d.id) {
            case .some(.some(let signature)) where signature == d.signature: continue
            case .some: gone.append(d.id)
            case .none: break
            }
            inserts.append(d)
        }
        return (inserts, gone + stored.keys)
    }

    /// One row per member of the population (`org` is the member's organization, `months` the months of the year they
    /// were mobile, `PointMobility`): the organization, the year's total, each quarter's sum (zero when nothing was
    /// earned) and the months.
    public static func totals(_ entries: [PointLedgerEntry], people: [(id: UUID, org: Int, months: Int)]) -> [UUID:
        [Int]]
    {
        var sums: [UUID: [Int]] = [:]
        for e in entries {
            guard let d = CalendarDate(e.on) else { continue }
            sums[e.member, default: [0, 0, 0, 0]][(d.month - 1) / 3] += e.points
        }
        var out: [UUID: [Int]] = [:]
        for p in people {
            let q = sums[p.id] ?? [0, 0, 0, 0]
            out[p.id] = [p.org, q.reduce(0, +)] + q + [p.months]
        }
        return out
    }

    /// SHA-256 over every entry's id bytes, day, item, version, points and status, in id order: the same ledger,
    /// the same fingerprint.
    public static func fingerprint(_ entries: [PointLedgerEntry]) -> String {
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
        return Hex.encode(hash.finalize())
    }
}
