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
    struct Child: Encodable, Sendable {
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
