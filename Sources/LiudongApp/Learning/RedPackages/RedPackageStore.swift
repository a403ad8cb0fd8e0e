import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of red packages: the packages and campaigns an account sees, recipients chosen by filters, the member's
/// own packages, and the worklist's counts.
enum RedPackageStore {
    /// Packages of branches under `path`, latest first (at most 200): not answered first.
    static func packages(under path: String, on db: Database) async throws -> [PackageRow] {
        try await db.sql().raw(
            """
            SELECT p.id, m.name, o.short_name AS branch, p.contents, p.sent_on, p.courier, p.tracking_no,
              p.confirmed_on, p.answer, p.reason, p.reason_note, c.name AS campaign
            FROM organizations o JOIN red_packages p ON p.branch_id = o.id JOIN members m ON m.id = p.member_id
            LEFT JOIN red_package_campaigns c ON c.id = p.campaign_id
            WHERE \(PathPrefix("o.path", path)) AND p.tracking_no <> ''
            ORDER BY p.confirmed_on IS NOT NULL, p.sent_on DESC LIMIT 200
            """
        ).all(decoding: PackageRow.self)
    }

    /// A branch's mobile members (to mail to), by name.
    static func mobileMembers(of branch: Int, on db: Database) async throws -> [Member] {
        try await Member.query(on: db).filter(\.$organizationID == branch).filter(\.$flowStatus != nil).sort(\.$name)
            .all()
    }

    /// The member's mailed packages not yet received, oldest first.
    static func open(of member: UUID, on db: Database) async throws -> [RedPackage] {
        try await RedPackage.query(on: db).filter(\.$memberID == member).filter(\.$confirmedOn == nil)
            .filter(\.$trackingNo != "").sort(\.$sentOn).all()
    }

    static func all(of member: UUID, on db: Database) async throws -> [RedPackage] {
        try await RedPackage.query(on: db).filter(\.$memberID == member).filter(\.$trackingNo != "").all()
    }

    // MARK: Campaigns

    /// Campaigns an account sees — those of its organization or above it, and those run under it — latest first,
    /// with their packages under `path` counted by state.
    static func campaigns(visibleFrom path: String, ancestors: [Int], on db: Database) async throws -> [CampaignRow] {
        try await db.sql().raw(
            """
            SELECT c.id, c.name, c.budget_fen, o.short_name AS org, c.created_at,
              COUNT(p.id) AS recipients,
              SUM(CASE WHEN p.tracking_no <> '' THEN 1 ELSE 0 END) AS sent,
              SUM(CASE WHEN p.confirmed_on IS NOT NULL THEN 1 ELSE 0 END) AS received,
              SUM(CASE WHEN p.confirmed_on IS NULL AND p.answer = 'notReceived' THEN 1 ELSE 0 END) AS not_received
            FROM red_package_campaigns c JOIN organizations o ON o.id = c.org_id
            LEFT JOIN red_packages p ON p.campaign_id = c.id
              AND p.branch_id IN (SELECT b.id FROM organizations b WHERE \(PathPrefix("b.path", path)))
            WHERE c.org_id IN \(SQLBind.group(ancestors)) OR \(PathPrefix("o.path", path))
            GROUP BY c.id, c.name, c.budget_fen, o.short_name, c.created_at ORDER BY c.created_at DESC LIMIT 100
            """
        ).all(decoding: CampaignRow.self)
    }

    /// A campaign's packages of branches under `path`, by number.
    static func recipients(of campaign: UUID, under path: String, on db: Database) async throws -> [RecipientRow] {
        try await db.sql().raw(
            """
            SELECT p.id, p.seq, m.name, o.short_name AS branch, o.code AS branch_code, p.address, p.sent_on, p.courier,
              p.tracking_no, p.confirmed_on, p.answer, p.reason, p.reason_note, p.reflection
            FROM red_packages p JOIN organizations o ON o.id = p.branch_id JOIN members m ON m.id = p.member_id
            WHERE p.campaign_id = \(bind: campaign) AND \(PathPrefix("o.path", path)) ORDER BY p.seq
            """
        ).all(decoding: RecipientRow.self)
    }

    static func count(in campaign: UUID, on db: Database) async throws -> Int {
        try await RedPackage.query(on: db).filter(\.$campaignID == campaign).count()
    }

    /// Mobile members (an open flow) of branches under `path` whose destination starts with `destination` (a
    /// division code's prefix; any when empty) and who are not in the campaign yet, with the flow's destination and
    /// address; at most `limit`.
    static func candidates(
        under path: String, destination: String, notIn campaign: UUID, limit: Int, on db: Database
    ) async throws -> [CandidateRow] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT m.id, m.organization_id, f.destination_code, f.address
            FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN flows f ON f.member_id = m.id AND f.status IN \(open)
            WHERE \(PathPrefix("o.path", path)) AND m.flow_status IN \(open)
              AND COALESCE(f.destination_code, '') LIKE \(bind: destination + "%")
              AND NOT EXISTS (SELECT 1 FROM red_packages p WHERE p.campaign_id = \(bind: campaign) AND p.member_id = m.id)
            ORDER BY o.path, m.name LIMIT \(unsafeRaw: String(limit))
            """
        ).all(decoding: CandidateRow.self)
    }

    /// The destinations (division codes) of mobile members under `path`, for the filter.
    static func destinations(under path: String, on db: Database) async throws -> [String] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT DISTINCT f.destination_code AS code FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN flows f ON f.member_id = m.id AND f.status IN \(open)
            WHERE \(PathPrefix("o.path", path)) AND f.destination_code IS NOT NULL
            """
        ).all().compactMap { try? $0.decode(column: "code", as: String.self) }
    }

    /// Organizations under `path` a recipient filter may name (itself, committees and branches), by path.
    static func filterOrganizations(under path: String, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).under(path: path).filter(\.$kind == .regular)
            .filter(\.$closedAt == nil).sort(\.$path).limit(1000).all()
    }

    /// Adds packages in one transaction, numbered after the campaign's last.
    static func add(_ packages: [RedPackage], to campaign: UUID, on db: Database) async throws {
        try await db.transaction { tx in
            let last = try await RedPackage.query(on: tx).filter(\.$campaignID == campaign).max(\.$seq) ?? 0
            for (i, p) in packages.enumerated() {
                p.seq = last + i + 1
                try await p.create(on: tx)
            }
        }
    }

    /// The names of a campaign's recipients, by member.
    static func names(in campaign: UUID, on db: Database) async throws -> [UUID: String] {
        let rows = try await db.sql().raw(
            """
            SELECT m.id, m.name FROM red_packages p JOIN members m ON m.id = p.member_id
            WHERE p.campaign_id = \(bind: campaign)
            """
        ).all()
        var out: [UUID: String] = [:]
        for r in rows {
            if let id = try? r.decode(column: "id", as: UUID.self),
                let n = try? r.decode(column: "name", as: String.self)
            {
                out[id] = n
            }
        }
        return out
    }

    /// A campaign's packages by number.
    static func byNumber(in campaign: UUID, on db: Database) async throws -> [Int: RedPackage] {
        let all = try await RedPackage.query(on: db).filter(\.$campaignID == campaign).all()
        var map: [Int: RedPackage] = [:]
        for p in all { if let s = p.seq { map[s] = p } }
        return map
    }

    // MARK: Worklist

    /// Packages mailed more than 30 days ago and not answered, per branch under `path`.
    static func late(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [Int: Int] {
        let late = today.adding(days: -RedPackageRules.confirmDays).description
        return try await counts(
            under: path,
            condition:
                "p.confirmed_on IS NULL AND p.answer IS NULL AND p.tracking_no <> '' AND p.sent_on < \(bind: late)",
            on: sql)
    }

    /// Packages the member said did not arrive (not mailed again since), per branch under `path`.
    static func notReceived(under path: String, on sql: SQLDatabase) async throws -> [Int: Int] {
        try await counts(under: path, condition: "p.confirmed_on IS NULL AND p.answer = 'notReceived'", on: sql)
    }

    private static func counts(under path: String, condition: SQLQueryString, on sql: SQLDatabase) async throws
        -> [Int: Int]
    {
        try await sql.raw(
            """
            SELECT p.branch_id AS org_id, COUNT(*) AS n FROM organizations o JOIN red_packages p ON p.branch_id = o.id
            WHERE \(PathPrefix("o.path", path)) AND \(condition) GROUP BY p.branch_id
            """
        ).all(decoding: OrgCount.self).counts
    }
}

/// A package as the list of all packages reads it.
struct PackageRow: Codable {
    var id: UUID
    var name: String
    var branch: String
    var contents: String
    var sentOn: String
    var courier: String
    var trackingNo: String
    var confirmedOn: String?
    var answer: PackageAnswer?
    var reason: NotReceivedReason?
    var reasonNote: String?
    var campaign: String?

    enum CodingKeys: String, CodingKey {
        case id, name, branch, contents, courier, answer, reason, campaign
        case sentOn = "sent_on"
        case trackingNo = "tracking_no"
        case confirmedOn = "confirmed_on"
        case reasonNote = "reason_note"
    }
}

/// A campaign with its packages counted.
struct CampaignRow: Decodable {
    var id: UUID
    var name: String
    var budgetFen: Int
    var org: String
    var recipients: Int
    var sent: Int?
    var received: Int?
    var notReceived: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, org, recipients, sent, received
        case budgetFen = "budget_fen"
        case notReceived = "not_received"
    }
}

/// A campaign's package as its page lists it.
struct RecipientRow: Decodable {
    var id: UUID
    var seq: Int?
    var name: String
    var branch: String
    var branchCode: String
    var address: String?
    var sentOn: String
    var courier: String
    var trackingNo: String
    var confirmedOn: String?
    var answer: PackageAnswer?
    var reason: NotReceivedReason?
    var reasonNote: String?
    var reflection: String?

    enum CodingKeys: String, CodingKey {
        case id, seq, name, branch, address, courier, answer, reason, reflection
        case branchCode = "branch_code"
        case sentOn = "sent_on"
        case trackingNo = "tracking_no"
        case confirmedOn = "confirmed_on"
        case reasonNote = "reason_note"
    }
}

/// A mobile member a filter chose.
struct CandidateRow: Decodable {
    var id: UUID
    var organizationID: Int
    var destinationCode: String?
    var address: String?

    enum CodingKeys: String, CodingKey {
        case id, address
        case organizationID = "organization_id"
        case destinationCode = "destination_code"
    }
}
