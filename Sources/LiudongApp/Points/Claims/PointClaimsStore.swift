import Fluent
import Foundation
import LiudongCore
import SQLKit

/// A claim in the branch secretary's queue.
struct ClaimQueueRow: Codable, Sendable {
    var id: UUID
    var memberID: UUID
    var name: String
    var branch: String
    var itemCode: String
    var onDay: String
    var description: String
    var photoSHA256: String?
    var status: String
    var decisionReason: String?
    var decidedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, name, branch, description, status
        case memberID = "member_id"
        case itemCode = "item_code"
        case onDay = "on_day"
        case photoSHA256 = "photo_sha256"
        case decisionReason = "decision_reason"
        case decidedBy = "decided_by"
    }
}

/// An appeal in the branch secretary's queue, with the entry appealed.
struct AppealQueueRow: Codable, Sendable {
    var id: UUID
    var memberID: UUID
    var name: String
    var branch: String
    var reason: String
    var status: String
    var outcome: String?
    var onDay: String?
    var itemName: String?
    var points: Int?
    var entryReason: String?

    enum CodingKeys: String, CodingKey {
        case id, name, branch, reason, status, outcome, points
        case memberID = "member_id"
        case onDay = "on_day"
        case itemName = "item_name"
        case entryReason = "entry_reason"
    }
}

/// The ledger entry an appeal is about, as the rules need it.
private struct AppealedEntryRow: Decodable {
    var countyID: Int
    var onDay: String
    var status: String

    enum CodingKeys: String, CodingKey {
        case status
        case countyID = "county_id"
        case onDay = "on_day"
    }
}

/// Claims and appeals: every query of the claims sub-feature.
enum PointClaimsStore {
    static func claim(_ id: UUID, on db: Database) async throws -> PointClaim? { try await PointClaim.find(id, on: db) }

    /// The claim and its member, when the staff account's scope covers the member's branch (404 otherwise).
    static func claim(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (PointClaim, Member) {
        guard let id, let c = try await PointClaim.find(id, on: db), let m = try await Member.find(c.memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db), user.covers(branch), !user.isInflowSide
        else { throw AppError.notFound }
        return (c, m)
    }

    static func appeal(_ id: UUID, on db: Database) async throws -> PointAppeal? {
        try await PointAppeal.find(id, on: db)
    }

    /// Whether the member already claimed the same text, or with the same photo.
    static func duplicates(member: UUID, textKey: String, photo: String?, on db: Database) async throws -> (
        text: Bool, photo: Bool
    ) {
        let text =
            try await PointClaim.query(on: db).filter(\.$memberID == member).filter(\.$textKey == textKey)
            .first() != nil
        guard let photo else { return (text, false) }
        let same =
            try await PointClaim.query(on: db).filter(\.$memberID == member).filter(\.$photoSHA256 == photo)
            .first() != nil
        return (text, same)
    }

    /// The member's latest claims, newest first.
    static func recentClaims(of member: UUID, limit: Int, on db: Database) async throws -> [PointClaim] {
        try await PointClaim.query(on: db).filter(\.$memberID == member).sort(\.$createdAt, .descending)
            .range(0..<limit).all()
    }

    /// The member's decided claims (for the archive).
    static func decidedClaims(of member: UUID, on db: Database) async throws -> [PointClaim] {
        try await PointClaim.query(on: db).filter(\.$memberID == member).filter(\.$status != .pending).all()
    }

    /// The member's appeals, oldest first.
    static func appeals(of member: UUID, on db: Database) async throws -> [PointAppeal] {
        try await PointAppeal.query(on: db).filter(\.$memberID == member).sort(\.$createdAt).all()
    }

    /// The member's own entry (the county, day and status an appeal is judged by), or nil.
    static func appealedEntry(_ id: UUID, member: UUID, on db: Database) async throws -> PointClaimRules.AppealedEntry?
    {
        guard
            let row = try await db.sql().raw(
                "SELECT county_id, on_day, status FROM point_entries WHERE id = \(bind: id) AND member_id = \(bind: member)"
            ).first(decoding: AppealedEntryRow.self)
        else { return nil }
        let closed = try await PointRulesStore.settings(row.countyID, on: db)?.closedThrough
        let year = CalendarDate(row.onDay)?.year ?? 0
        let notice = try await PointRankingStore.publication(county: row.countyID, year: year, on: db)?.noticeUntil
        return PointClaimRules.AppealedEntry(
            on: row.onDay, status: row.status, closedThrough: closed,
            objectionOpen: PointNoticeRules.open(until: notice, today: AppClock.today))
    }

    static func hasPendingAppeal(entry: UUID, on db: Database) async throws -> Bool {
        try await PointAppeal.query(on: db).filter(\.$entryID == entry).filter(\.$status == .pending).first() != nil
    }

    /// Stores the appeal and marks its entry as under appeal (its signature cleared: the next recomputation writes it).
    static func addAppeal(_ a: PointAppeal, on db: Database) async throws {
        try await a.create(on: db)
        try await db.sql().raw(
            "UPDATE point_entries SET status = \(bind: EntryStatus.appealed.rawValue), signature = NULL WHERE id = \(bind: a.entryID)"
        ).run()
    }

    /// An entry of a closed period whose objection was rejected: under appeal no more (no recomputation rewrites a
    /// closed period).
    static func restore(entry id: UUID, on db: Database) async throws {
        try await db.sql().raw(
            """
            UPDATE point_entries SET status = CASE WHEN capped THEN \(bind: EntryStatus.capped.rawValue)
              ELSE \(bind: EntryStatus.counted.rawValue) END
            WHERE id = \(bind: id) AND status = \(bind: EntryStatus.appealed.rawValue)
            """
        ).run()
    }

    /// The day of a ledger entry.
    static func entryDay(_ id: UUID, on db: Database) async throws -> CalendarDate? {
        let day = try await db.sql().raw("SELECT on_day FROM point_entries WHERE id = \(bind: id)").first()?
            .decode(column: "on_day", as: String.self)
        return day.flatMap { CalendarDate($0) }
    }

    /// Claims under an organization, the waiting first, then the latest decided (200 at most).
    static func claimQueue(under path: String, on db: Database) async throws -> [ClaimQueueRow] {
        try await db.sql().raw(
            """
            SELECT c.id, c.member_id, m.name, o.short_name AS branch, c.item_code, c.on_day, c.description,
                   c.photo_sha256, c.status, c.decision_reason, c.decided_by
            FROM point_claims c JOIN members m ON m.id = c.member_id JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path))
            ORDER BY c.status <> 'pending', c.created_at DESC LIMIT 200
            """
        ).all(decoding: ClaimQueueRow.self)
    }

    /// Appeals under an organization, the waiting first, then the latest decided (200 at most).
    static func appealQueue(under path: String, on db: Database) async throws -> [AppealQueueRow] {
        try await db.sql().raw(
            """
            SELECT a.id, a.member_id, m.name, o.short_name AS branch, a.reason, a.status, a.outcome,
                   e.on_day, e.item_name, e.points, e.reason AS entry_reason
            FROM point_appeals a JOIN members m ON m.id = a.member_id JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN point_entries e ON e.id = a.entry_id
            WHERE \(PathPrefix("o.path", path))
            ORDER BY a.status <> 'pending', a.created_at DESC LIMIT 200
            """
        ).all(decoding: AppealQueueRow.self)
    }

    /// Claims and appeals waiting under an organization.
    static func waiting(under path: String, on db: Database) async throws -> (claims: Int, appeals: Int) {
        let sql = try db.sql()
        let claims =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_claims c JOIN members m ON m.id = c.member_id JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", path)) AND c.status = 'pending'
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let appeals =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_appeals a JOIN members m ON m.id = a.member_id JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", path)) AND a.status = 'pending'
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return (claims, appeals)
    }

    /// Claims and appeals waiting per branch under `path` (the worklist's counts).
    static func waitingPerBranch(under path: String, on sql: SQLDatabase) async throws -> (
        claims: [OrgCount], appeals: [OrgCount]
    ) {
        let claims = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN point_claims c ON c.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND c.status = 'pending' GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        let appeals = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN point_appeals a ON a.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND a.status = 'pending' GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        return (claims, appeals)
    }

    /// Claims and appeals still waiting in the county on or before `through` (closing and publishing wait for them).
    static func pending(county: Organization, through: String, on db: Database) async throws -> Int {
        let sql = try db.sql()
        let claims =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_claims c JOIN members m ON m.id = c.member_id
                JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", county.path)) AND c.status = 'pending' AND c.on_day <= \(bind: through)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let appeals =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_appeals a JOIN point_entries e ON e.id = a.entry_id
                WHERE e.county_id = \(bind: county.id!) AND a.status = 'pending' AND e.on_day <= \(bind: through)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return claims + appeals
    }
}
