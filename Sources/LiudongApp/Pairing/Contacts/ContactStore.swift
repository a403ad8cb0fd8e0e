import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The figures of quarterly contact: who was mobile in a period, who was contacted, how, and who confirmed it.
/// One query per period, from the organizations of a subtree to their members who ever flowed (the
/// `members_org_flow` index) and each one's contacts (the `contacts_member` index): a county at 1,000,000 members
/// reads only its own mobile members.
enum ContactFigures {
    /// One member who was mobile during the period, with their contacts in it.
    struct MemberRow: Decodable, Sendable {
        var member_id: UUID
        var name: String
        var org_id: Int
        var org_path: String
        var org_name: String
        var last_contact_on: String?
        var contacts: Int
        var confirmed: Int
        var phone: Int
        var video: Int
        var visit: Int
        /// Paired on the outflow side at some time during the period.
        var paired: Int

        var wasContacted: Bool { contacts > 0 }
        var wasConfirmed: Bool { confirmed > 0 }
    }

    static func members(under path: String, from first: CalendarDate, to last: CalendarDate, on sql: SQLDatabase)
        async throws -> [MemberRow]
    {
        let a = first.description
        let b = last.description
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        return try await sql.raw(
            """
            SELECT m.id AS member_id, m.name, o.id AS org_id, o.path AS org_path, o.short_name AS org_name,
              (SELECT MAX(c.contact_on) FROM contacts c WHERE c.member_id = m.id AND c.contact_on <= \(bind: b)) AS last_contact_on,
              (SELECT COUNT(*) FROM contacts c WHERE c.member_id = m.id AND c.contact_on BETWEEN \(bind: a) AND \(bind: b)) AS contacts,
              (SELECT COUNT(*) FROM contacts c WHERE c.member_id = m.id AND c.contact_on BETWEEN \(bind: a) AND \(bind: b) AND c.answer = 'confirmed') AS confirmed,
              (SELECT COUNT(*) FROM contacts c WHERE c.member_id = m.id AND c.contact_on BETWEEN \(bind: a) AND \(bind: b) AND c.method = 'phone') AS phone,
              (SELECT COUNT(*) FROM contacts c WHERE c.member_id = m.id AND c.contact_on BETWEEN \(bind: a) AND \(bind: b) AND c.method = 'video') AS video,
              (SELECT COUNT(*) FROM contacts c WHERE c.member_id = m.id AND c.contact_on BETWEEN \(bind: a) AND \(bind: b) AND c.method = 'visit') AS visit,
              (SELECT COUNT(*) FROM pairings p WHERE p.member_id = m.id AND p.side = 'outflow' AND p.started_on <= \(bind: b)
                 AND (p.ended_on IS NULL OR p.ended_on >= \(bind: a))) AS paired
            FROM organizations o CROSS JOIN members m
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IS NOT NULL
              AND EXISTS (SELECT 1 FROM flows f WHERE f.member_id = m.id AND f.left_on <= \(bind: b)
                AND (f.status IN \(SQLGroupExpression(open)) OR f.returned_on >= \(bind: a)))
            ORDER BY o.path, m.name
            """
        ).all(decoding: MemberRow.self)
    }
}

/// `GET /api/v1/contact-compliance?org=CODE&quarter=2026Q4`.
struct ComplianceResponse: Content {
    struct NotContacted: Content {
        var memberId: UUID
        var name: String
        var lastContactOn: String?
    }
    var quarter: String
    var org: String
    var mobileMembers: Int
    var contacted: Int
    var confirmed: Int
    var share: Double
    var notContacted: [NotContacted]
}

/// A quarter's compliance for an organization: totals, by method and confirmation, per child organization.
struct Compliance: Sendable {
    struct Child: Codable, Sendable {
        var code: String
        var name: String
        var mobileMembers: Int
        var contacted: Int
        var confirmed: Int
        var share: String
        var behind: Bool
    }
    var quarter: Quarter
    var org: Organization
    var rows: [ContactFigures.MemberRow]
    var children: [Child]

    var mobileMembers: Int { rows.count }
    var contacted: Int { rows.filter(\.wasContacted).count }
    var confirmed: Int { rows.filter(\.wasConfirmed).count }
    /// Contacted, but nobody confirmed any of the quarter's contacts yet.
    var unconfirmed: Int { contacted - confirmed }
    var share: Double { mobileMembers == 0 ? 0 : Double(contacted) / Double(mobileMembers) }
    var byMethod: [(ContactMethod, Int)] {
        [
            (.phone, rows.filter { $0.phone > 0 }.count), (.video, rows.filter { $0.video > 0 }.count),
            (.visit, rows.filter { $0.visit > 0 }.count),
        ]
    }
    var notContacted: [ContactFigures.MemberRow] { rows.filter { !$0.wasContacted } }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    static func compute(org: Organization, quarter: Quarter, on db: Database) async throws -> Compliance {
        let rows = try await ContactFigures.members(
            under: org.path, from: quarter.firstDay, to: quarter.lastDay, on: db.sql())
        let depth = org.pathIDs.count
        var byChild: [Int: [ContactFigures.MemberRow]] = [:]
        for row in rows {
            let ids = row.org_path.split(separator: "/").compactMap { Int($0) }
            guard ids.count > depth else { continue }
            byChild[ids[depth], default: []].append(row)
        }
        let orgs =
            try await byChild.isEmpty
            ? [] : Organization.query(on: db).filter(\.$id ~~ Array(byChild.keys)).all()
        let children = orgs.sorted { $0.code < $1.code }.map { o -> Child in
            let list = byChild[o.id!] ?? []
            let contacted = list.filter(\.wasContacted).count
            return Child(
                code: o.code, name: o.shortName, mobileMembers: list.count, contacted: contacted,
                confirmed: list.filter(\.wasConfirmed).count, share: percent(contacted, of: list.count),
                behind: contacted < list.count)
        }
        return Compliance(quarter: quarter, org: org, rows: rows, children: children)
    }

    var response: ComplianceResponse {
        ComplianceResponse(
            quarter: quarter.description, org: org.code, mobileMembers: mobileMembers, contacted: contacted,
            confirmed: confirmed, share: (share * 10000).rounded() / 10000,
            notContacted: notContacted.map {
                .init(memberId: $0.member_id, name: $0.name, lastContactOn: $0.last_contact_on)
            })
    }
}

/// A committee (or general branch) and its hearing of a half-year's report.
struct HearingRow: Decodable, Sendable {
    var id: Int
    var code: String
    var shortName: String
    var heldOn: String?
    var chair: String?

    enum CodingKeys: String, CodingKey {
        case id, code, chair
        case shortName = "short_name"
        case heldOn = "held_on"
    }
}

/// Every other query of contacts: a contact, a member's contacts, the hearings, and the worklist's and reminders'
/// counts.
enum ContactStore {
    static func contact(_ id: UUID, on db: Database) async throws -> Contact? { try await Contact.find(id, on: db) }

    /// A member's contacts, newest first (at most `limit`).
    static func contacts(of memberID: UUID, limit: Int = 100, on db: Database) async throws -> [Contact] {
        try await Contact.query(on: db).filter(\.$memberID == memberID).sort(\.$contactOn, .descending).limit(limit)
            .all()
    }

    /// The contacts a member sees: this year's, and last year's still waiting for their answer (a contact on
    /// 30 December is still theirs to confirm on 2 January), newest first, each with its pairing.
    static func ofMember(_ memberID: UUID, year: Int, on db: Database) async throws -> [(Contact, Pairing?)] {
        let contacts = try await Contact.query(on: db).filter(\.$memberID == memberID)
            .group(.or) { either in
                either.filter(\.$contactOn >= "\(year)-01-01").group(.and) {
                    $0.filter(\.$contactOn >= "\(year - 1)-01-01").filter(\.$answer == nil)
                }
            }
            .sort(\.$contactOn, .descending).limit(200).all()
        let pairings = try await PairingStore.all(of: memberID, on: db)
        let byID = Dictionary(uniqueKeysWithValues: pairings.map { ($0.id!, $0) })
        return contacts.map { ($0, byID[$0.pairingID]) }
    }

    static func hearingHeld(org: Int, half: HalfYear, on db: Database) async throws -> Bool {
        try await ContactHearing.query(on: db).filter(\.$orgID == org).filter(\.$half == half.description).count() > 0
    }

    /// The committees (and general branches) under `path` that had mobile members during the half-year (or held a
    /// hearing for it), with the half-year's hearing.
    static func hearings(under path: String, half: HalfYear, on db: Database) async throws -> [HearingRow] {
        let first = half.firstDay.description
        let last = half.lastDay.description
        return try await db.sql().raw(
            """
            SELECT o.id, o.code, o.short_name, h.held_on, h.chair FROM organizations o
            LEFT JOIN contact_hearings h ON h.org_id = o.id AND h.half = \(bind: half.description)
            WHERE \(PathPrefix("o.path", path)) AND o.kind = 'regular' AND o.level IN ('committee', 'generalBranch')
              AND (h.id IS NOT NULL OR EXISTS (
                SELECT 1 FROM organizations b CROSS JOIN members m CROSS JOIN flows f
                WHERE m.organization_id = b.id AND f.member_id = m.id AND b.path >= o.path AND b.path < (substr(o.path, 1, length(o.path) - 1) || '0')
                  AND m.flow_status IS NOT NULL AND f.left_on <= \(bind: last)
                  AND (f.returned_on IS NULL OR f.returned_on >= \(bind: first))))
            ORDER BY o.sort_order, o.code
            """
        ).all(decoding: HearingRow.self)
    }

    /// Members flowing now under `path` with no contact since `since`, per branch.
    static func notContacted(under path: String, since: CalendarDate, on sql: SQLDatabase) async throws -> [OrgCount] {
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        return try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o CROSS JOIN members m
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(SQLGroupExpression(open))
              AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.member_id = m.id AND c.contact_on >= \(bind: since.description))
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
    }

    /// The account's own open pairings (as a cadre) whose member has had no contact since `since`.
    static func myPairsNotContacted(account: UUID, since: CalendarDate, on sql: SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM pairings p
            WHERE p.cadre_account_id IS NOT NULL AND p.cadre_account_id = \(bind: account) AND p.ended_on IS NULL
              AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.member_id = p.member_id AND c.contact_on >= \(bind: since.description))
            """
        ).first(decoding: CountResult.self)?.n ?? 0
    }

    /// Whether the branch already has the quarter's reminder.
    static func reminded(org: Int, title: String, on db: Database) async throws -> Bool {
        try await Notice.query(on: db).filter(\.$orgID == org).filter(\.$kind == NoticeKind.contact.rawValue)
            .filter(\.$title ~~ title).count() > 0
    }
}
