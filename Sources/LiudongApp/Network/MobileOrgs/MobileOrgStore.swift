import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Members taking part, per mobile organization.
private struct ParticipantCount: Decodable {
    var orgID: Int
    var n: Int

    enum CodingKeys: String, CodingKey {
        case n
        case orgID = "org_id"
    }
}

/// A member uncovered at a destination, as the suggestion rule reads them.
private struct UncoveredRow: Decodable {
    var id: UUID
    var path: String
    var destinationCode: String?

    enum CodingKeys: String, CodingKey {
        case id, path
        case destinationCode = "destination_code"
    }
}

/// Every query of mobile organizations: their records, the members taking part, who could join, and the uncovered
/// members behind the temporary-organization suggestions.
enum MobileOrgStore {
    /// Members taking part now, per mobile organization.
    static func participants(on db: Database) async throws -> [Int: Int] {
        let rows = try await db.sql().raw(
            "SELECT org_id, COUNT(*) AS n FROM mobile_org_members WHERE left_on IS NULL GROUP BY org_id"
        ).all(decoding: ParticipantCount.self)
        return Dictionary(rows.map { ($0.orgID, $0.n) }, uniquingKeysWith: +)
    }

    struct Participant: Decodable {
        var membership_id: UUID
        var member_id: UUID
        var name: String
        var branch: String
        var joined_on: String
    }

    static func participantList(_ orgID: Int, on db: Database) async throws -> [Participant] {
        try await db.sql().raw(
            """
            SELECT mm.id AS membership_id, m.id AS member_id, m.name, b.short_name AS branch, mm.joined_on
            FROM mobile_org_members mm JOIN members m ON m.id = mm.member_id JOIN organizations b ON b.id = m.organization_id
            WHERE mm.org_id = \(bind: orgID) AND mm.left_on IS NULL ORDER BY mm.joined_on, m.name LIMIT 2000
            """
        ).all(decoding: Participant.self)
    }

    struct Candidate: Decodable {
        var id: UUID
        var name: String
        var branch: String
        var destination_code: String?
    }

    /// Mobile members under the organization's parent (within the account's scope) flowing to the same city or
    /// prefecture as the organization and taking part in no mobile organization: who could join.
    /// Which uncovered members the demo picks.
    enum Uncovered {
        /// Reporting to no organization.
        case unreported
        /// Reporting to an inflow organization (other than `except`) where no agreement covers them.
        case unsigned(except: Int)
    }

    static func candidates(
        for org: Organization, within scopePath: String, uncovered: Uncovered? = nil, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> [Candidate] {
        guard let parentID = org.parentID, let parent = try await Organization.find(parentID, on: db) else { return [] }
        let under = parent.path.hasPrefix(scopePath) ? parent.path : scopePath
        let onlyUncovered: SQLQueryString
        switch uncovered {
        case nil: onlyUncovered = ""
        case .unreported: onlyUncovered = "AND f.inflow_org_id IS NULL"
        case .unsigned(let except):
            onlyUncovered = """
                AND f.inflow_org_id <> \(bind: except)
                AND EXISTS (SELECT 1 FROM organizations i WHERE i.id = f.inflow_org_id AND i.kind = 'external')
                AND NOT \(CoverageStore.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: today.description))
                """
        }
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT m.id, m.name, o.short_name AS branch, f.destination_code
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f
            WHERE \(PathPrefix("o.path", under)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND f.destination_code LIKE \(bind: String(org.divisionCode.prefix(4)) + "%")
              AND NOT EXISTS (SELECT 1 FROM mobile_org_members mm WHERE mm.member_id = m.id AND mm.left_on IS NULL)
              \(onlyUncovered)
            ORDER BY o.code, m.name LIMIT 500
            """
        ).all(decoding: Candidate.self)
    }

    /// The mobile organization with this code (nil when there is none).
    static func mobileOrg(code: String, on db: Database) async throws -> Organization? {
        try await Organization.query(on: db).filter(\.$code == code).filter(\.$kind == .mobile).first()
    }

    /// Mobile organizations under `path`, by code.
    static func mobileOrgs(under path: String, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$kind == .mobile).under(path: path).sort(\.$code).all()
    }

    /// Open temporary organizations with their founding record.
    static func openTemporary(on db: Database) async throws -> [(Organization, MobileOrgRecord)] {
        let orgs = try await Organization.query(on: db).filter(\.$kind == .mobile).filter(\.$closedAt == nil)
            .filter(\.$basis == .temporary).all()
        let records = try await records(on: db)
        return orgs.compactMap { o in records[o.id!].map { (o, $0) } }
    }

    /// Whether the organization was already told (a notice with this title).
    static func told(org: Int, title: String, on db: Database) async throws -> Bool {
        try await Notice.query(on: db).filter(\.$orgID == org).filter(\.$kind == NoticeKind.organization.rawValue)
            .filter(\.$title, .contains(inverse: false, .prefix), title).count() > 0
    }

    /// Open mobile organizations anywhere.
    static func openMobileOrgs(on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$kind == .mobile).filter(\.$closedAt == nil).all()
    }

    /// Every regular county's code, short name and path, by code (as `counties(under: nil)`, without models).
    static func countyPlaces(on sql: SQLDatabase) async throws -> [CountyPlaceRow] {
        try await sql.raw(
            "SELECT id, code, short_name, path FROM organizations WHERE level = 'county' AND kind = 'regular' ORDER BY code"
        ).all(decoding: CountyPlaceRow.self)
    }

    /// The open mobile organizations' paths and destination divisions (as `openMobileOrgs`, without models).
    static func openMobilePlaces(on sql: SQLDatabase) async throws -> [MobilePlaceRow] {
        try await sql.raw(
            "SELECT path, division_code FROM organizations WHERE kind = 'mobile' AND closed_at IS NULL"
        ).all(decoding: MobilePlaceRow.self)
    }

    /// Regular counties under `path` (all of them with nil), by code.
    static func counties(under path: String?, on db: Database) async throws -> [Organization] {
        var q = Organization.query(on: db).filter(\.$level == .county).filter(\.$kind == .regular)
        if let path { q = q.under(path: path) }
        return try await q.sort(\.$code).all()
    }

    /// The county with this code.
    static func county(code: String, on db: Database) async throws -> Organization? {
        try await Organization.query(on: db).filter(\.$code == code).filter(\.$level == .county).first()
    }

    static func records(on db: Database) async throws -> [Int: MobileOrgRecord] {
        Dictionary(try await MobileOrgRecord.query(on: db).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func record(_ orgID: Int?, on db: Database) async throws -> MobileOrgRecord? {
        try await MobileOrgRecord.find(orgID, on: db)
    }

    static func membership(_ id: UUID, on db: Database) async throws -> MobileOrgMembership? {
        try await MobileOrgMembership.find(id, on: db)
    }

    /// The member's memberships (for the archive).
    static func memberships(of member: UUID, on db: Database) async throws -> [MobileOrgMembership] {
        try await MobileOrgMembership.query(on: db).filter(\.$memberID == member).all()
    }

    /// The member's current membership, if any.
    static func active(of member: UUID, on db: Database) async throws -> MobileOrgMembership? {
        try await MobileOrgMembership.query(on: db).filter(\.$memberID == member).filter(\.$leftOn == nil).first()
    }

    /// A member under `path` the account sees.
    static func visibleMember(_ id: UUID, under path: String, for user: CurrentUser, on db: Database) async throws
        -> Member?
    {
        try await user.visibleMembers(Member.query(on: db), within: path).filter(\.$id == id).first()
    }

    /// Members' names, in order.
    static func names(_ ids: [UUID], on db: Database) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        return try await Member.query(on: db).filter(\.$id ~~ ids).sort(\.$name).all().map(\.name)
    }

    /// Ends every current membership of the organization, records why it was dissolved, closes it and logs the
    /// event — in one transaction.
    static func dissolve(_ org: Organization, reason: String, by username: String, today: CalendarDate, on db: Database)
        async throws
    {
        try await db.transaction { tx in
            for m in try await MobileOrgMembership.query(on: tx).filter(\.$orgID == org.id!).filter(\.$leftOn == nil)
                .all()
            {
                m.leftOn = today.description
                m.leftReason = "组织撤销"
                try await m.update(on: tx)
            }
            if let r = try await MobileOrgRecord.find(org.id, on: tx) {
                r.dissolvedOn = today.description
                r.dissolvedReason = reason
                try await r.update(on: tx)
            }
            org.closedAt = AppClock.now
            org.closedReason = reason
            try await org.update(on: tx)
            try await OrganizationEvent(
                organizationID: org.id!, kind: .closed, summary: "撤销流动党员党组织：\(reason)", by: username
            ).create(on: tx)
        }
    }

    /// Full members under `path` with an open flow covered neither by a mobile organization nor by an agreement.
    static func uncoveredFullMembers(under path: String, today: CalendarDate, on db: Database) async throws
        -> [UncoveredMember]
    {
        let day = today.description
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT m.id, o.path, f.destination_code
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND m.category = 'full' AND f.member_id = m.id AND f.status IN \(open)
              AND NOT \(CoverageStore.byMobileOrg(member: "m.id", inflow: "i", day: day))
              AND NOT \(CoverageStore.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day))
            ORDER BY m.id
            """
        ).all(decoding: UncoveredRow.self).map {
            UncoveredMember(id: $0.id, path: $0.path, destination: $0.destinationCode)
        }
    }
}

struct CountyPlaceRow: Decodable {
    var id: Int
    var code: String
    var short_name: String
    var path: String
}

struct MobilePlaceRow: Decodable {
    var path: String
    var division_code: String
}
