import Fluent
import Foundation
import LiudongCore

/// One member's year: total, standing and entries with their reasons, claims, appeals (for `/my/points`, staff and
/// the API).
struct MemberPoints: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var id: String
        var on: String
        var itemCode: String
        var item: String
        var category: String
        var points: Int
        var nominal: Int
        var capped: Bool
        var status: String
        var statusLabel: String
        var sourceKind: String
        var sourceLabel: String
        var sourceId: String
        var ruleVersion: Int
        var reason: String
        var appeal: String?
        var appealable: Bool
    }

    struct Claim: Encodable, Sendable {
        var id: String
        var on: String
        var item: String
        var description: String
        var status: String
        var decision: String?
        var photo: Bool
    }

    var pilot: Bool
    var county: String?
    var total: Int
    var rank: Int?
    var count: Int?
    var band: String?
    /// The months of the year the member was mobile when not the whole year ("1月—11月"): only their points count,
    /// and the band lines are pro-rated to them.
    var mobileMonths: String?
    var published: Bool
    var entries: [Entry]
    var claims: [Claim]
    var closedThrough: String?
    /// The year's publication and its notice period (公示期), once published.
    var notice: String? = nil

    static func load(member: Member, year: Int, today: CalendarDate, on db: Database) async throws -> MemberPoints {
        let id = try member.requireID()
        let county = try await PointRulesStore.pilotCounty(of: member, on: db)
        let rows = try await PointLedgerStore.entries(member: id, year: year, on: db)
        let appeals = Dictionary(
            try await PointClaimsStore.appeals(of: id, on: db).map { ($0.entryID, $0) }, uniquingKeysWith: { _, b in b }
        )
        let settings = try await county.asyncMap { try await PointRulesStore.settings($0.id!, on: db) } ?? nil
        let closed = settings?.closedThrough ?? ""
        let publication =
            try await county.asyncMap {
                try await PointRankingStore.publication(county: $0.id!, year: year, on: db)
            } ?? nil
        let objecting = PointNoticeRules.open(until: publication?.noticeUntil, today: today)
        let standing =
            try await county.asyncMap {
                try await PointRankingStore.standing(member: id, county: $0, year: year, today: today, on: db)
            } ?? nil
        let claims = try await PointClaimsStore.recentClaims(of: id, limit: 50, on: db)
        return MemberPoints(
            pilot: county != nil, county: county?.shortName,
            total: standing?.total ?? rows.reduce(0) { $0 + $1.points }, rank: standing?.rank, count: standing?.count,
            band: standing?.band,
            mobileMonths: standing.flatMap {
                $0.months == PointMobility.wholeYear ? nil : PointMobility.label($0.months)
            },
            published: standing?.published ?? false,
            entries: rows.map { r in
                let a = appeals[r.id]
                let status = EntryStatus(rawValue: r.status) ?? .counted
                return Entry(
                    id: r.id.uuidString, on: r.onDay, itemCode: r.itemCode, item: r.itemName,
                    category: PointCategory(rawValue: r.category)?.label ?? r.category, points: r.points,
                    nominal: r.nominal, capped: r.capped, status: status.rawValue, statusLabel: status.label,
                    sourceKind: r.sourceKind, sourceLabel: PointSource(rawValue: r.sourceKind)?.factLabel ?? "",
                    sourceId: r.sourceID, ruleVersion: r.ruleVersion, reason: r.reason,
                    appeal: a.map { "申诉：\($0.reason) — \($0.status.label)" + ($0.outcome.map { "：\($0)" } ?? "") },
                    appealable: status != .revoked && a?.status != .pending && (r.onDay > closed || objecting))
            },
            claims: claims.map {
                Claim(
                    id: $0.id!.uuidString, on: $0.onDay, item: $0.itemCode, description: $0.description,
                    status: $0.status.label, decision: $0.decisionReason, photo: $0.photoSHA256 != nil)
            }, closedThrough: settings?.closedThrough,
            notice: publication.map { "\(year)年评比已公布：" + PointNoticeRules.status(until: $0.noticeUntil, today: today) })
    }
}
