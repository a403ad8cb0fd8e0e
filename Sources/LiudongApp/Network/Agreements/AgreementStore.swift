import Fluent
import LiudongCore
import SQLKit
import Vapor

/// A member listed on a `list` agreement.
private struct ListedMember: Decodable {
    var memberID: UUID

    enum CodingKeys: String, CodingKey { case memberID = "member_id" }
}

/// Every query of agreements: the pages', the actions', the worklist's and the archive's.
enum AgreementStore {
    /// The members an agreement covers today, and how many of them the coverage rate counts elsewhere.
    struct Covered: Equatable, Sendable {
        /// Its outflow subtree's open flows reporting to its inflow organization (listed, for a list agreement).
        var members = 0
        /// Of those, members the rate already counts as covered by a mobile organization or by another agreement in
        /// force: the agreement adds `members - elsewhere` to the rate.
        var elsewhere = 0
        var adds: Int { members - elsewhere }
    }

    private struct CoveredRow: Decodable {
        var n: Int
        var elsewhere: Int?
    }

    static func covered(_ a: Agreement, on db: Database, today: CalendarDate) async throws -> Covered {
        guard let out = try await Organization.find(a.outflowOrgID, on: db), let id = a.id else { return Covered() }
        let open = SQLBind.group(LedgerService.openStates)
        let day = today.description
        let listOnly: SQLQueryString =
            a.covers == .list
            ? "AND EXISTS (SELECT 1 FROM agreement_members am WHERE am.agreement_id = \(bind: id) AND am.member_id = m.id)"
            : ""
        let row = try await db.sql().raw(
            """
            SELECT COUNT(*) AS n,
              SUM(CASE WHEN \(CoverageStore.byMobileOrg(member: "m.id", inflow: "i", day: day))
                OR EXISTS (SELECT 1 FROM agreements a JOIN organizations ao ON ao.id = a.outflow_org_id
                  WHERE a.id <> \(bind: id) AND a.inflow_org_id = f.inflow_org_id AND \(CoverageStore.counted(on: day))
                    AND o.path LIKE (ao.path || '%')
                    AND (a.covers = 'all' OR EXISTS (SELECT 1 FROM agreement_members am
                         WHERE am.agreement_id = a.id AND am.member_id = m.id)))
                THEN 1 ELSE 0 END) AS elsewhere
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(PathPrefix("o.path", out.path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND f.inflow_org_id = \(bind: a.inflowOrgID) \(listOnly)
            """
        ).first(decoding: CoveredRow.self)
        return Covered(members: row?.n ?? 0, elsewhere: row?.elsewhere ?? 0)
    }

    static func agreement(_ id: UUID, on db: Database) async throws -> Agreement? {
        try await Agreement.find(id, on: db)
    }

    /// An organization by its code (codes longer than 32 characters are nobody's).
    static func organization(code: String?, on db: Database) async throws -> Organization? {
        guard let c = Normalize.text(code), c.count <= 32 else { return nil }
        return try await Organization.query(on: db).filter(\.$code == c).first()
    }

    static func numberTaken(_ number: String, on db: Database) async throws -> Bool {
        try await Agreement.query(on: db).filter(\.$number == number).count() > 0
    }

    /// How many of `ids` are members under `path` the account sees.
    static func visibleMembers(_ ids: [UUID], under path: String, for user: CurrentUser, on db: Database)
        async throws -> [UUID]
    {
        guard !ids.isEmpty else { return [] }
        return try await user.visibleMembers(Member.query(on: db), within: path).filter(\.$id ~~ ids).all()
            .compactMap(\.id)
    }

    /// Stores a new agreement and its member list in one transaction.
    static func create(_ a: Agreement, listed: [UUID], on db: Database) async throws {
        try await db.transaction { tx in
            try await a.create(on: tx)
            guard !listed.isEmpty else { return }
            let sql = try tx.sql()
            for chunk in stride(from: 0, to: listed.count, by: 400) {
                var insert = sql.insert(into: "agreement_members").columns("agreement_id", "member_id")
                for m in listed[chunk..<min(chunk + 400, listed.count)] {
                    insert = insert.values(SQLBind(a.id!), SQLBind(m))
                }
                try await insert.run()
            }
        }
    }

    /// Members listed on a `list` agreement.
    static func listed(_ a: Agreement, on db: Database) async throws -> [UUID] {
        try await db.sql().raw(
            "SELECT member_id FROM agreement_members WHERE agreement_id = \(bind: a.id!)"
        ).all(decoding: ListedMember.self).map(\.memberID)
    }

    /// Members' names, in order.
    static func names(_ ids: [UUID], on db: Database) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        return try await Member.query(on: db).filter(\.$id ~~ ids).sort(\.$name).all().map(\.name)
    }

    /// The renewal chain, oldest first, that `a` belongs to (following `previous_id` back and renewals forward).
    static func chain(_ a: Agreement, on db: Database) async throws -> [Agreement] {
        var back: [Agreement] = []
        var cursor = a.previousID
        var seen: Set<UUID> = [a.id!]
        while let id = cursor, !seen.contains(id), let p = try await Agreement.find(id, on: db) {
            back.insert(p, at: 0)
            seen.insert(id)
            cursor = p.previousID
        }
        var forward: [Agreement] = []
        var last = a.id!
        while let next = try await Agreement.query(on: db).filter(\.$previousID == last).first(),
            !seen.contains(next.id!)
        {
            forward.append(next)
            seen.insert(next.id!)
            last = next.id!
        }
        return back + [a] + forward
    }

    /// Agreements touching `org`: signed by it, by an organization under it or above it, or with it as the other side.
    static func list(for org: Organization, on db: Database) async throws -> [Agreement] {
        let related = try await Organization.query(on: db).group(.or) {
            $0.under(path: org.path).filter(\.$id ~~ org.pathIDs)
        }.all().compactMap(\.id)
        return try await Agreement.query(on: db).group(.or) {
            $0.filter(\.$outflowOrgID ~~ related).filter(\.$inflowOrgID ~~ related)
        }.sort(\.$validTo, .descending).limit(2000).all()
    }

    /// Our organizations under `path` that may sign, and the organizations they may sign with (the form's choices).
    static func signingParties(under path: String, on db: Database) async throws -> (
        ours: [Organization], theirs: [Organization]
    ) {
        let ours = try await Organization.query(on: db).under(path: path).filter(\.$kind == .regular)
            .filter(\.$level ~~ [.county, .committee, .generalBranch, .branch]).filter(\.$closedAt == nil)
            .sort(\.$path).limit(3000).all()
        let theirs = try await Organization.query(on: db).filter(\.$kind ~~ [.external, .mobile])
            .filter(\.$closedAt == nil).sort(\.$divisionCode).limit(3000).all()
        return (ours, theirs)
    }

    /// Agreements the inflow organization has still to confirm.
    static func toConfirm(by inflow: Int, on db: Database) async throws -> Int {
        try await Agreement.query(on: db).filter(\.$inflowOrgID == inflow).filter(\.$confirmedAt == nil)
            .filter(\.$terminatedOn == nil).filter(\.$signedOn != nil).count()
    }

    /// Agreements in force ending within `soon`, not yet renewed, per signing organization under `path` (from the
    /// scope's organizations to their agreements: a branch's few, not every agreement of the province).
    static func expiring(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [OrgCount] {
        let day = today.description
        let soon = today.adding(days: AgreementStatus.expiringDays).description
        return try await sql.raw(
            """
            SELECT a.outflow_org_id AS org_id, COUNT(*) AS n FROM organizations o CROSS JOIN agreements a
            WHERE a.outflow_org_id = o.id AND \(PathPrefix("o.path", path)) AND a.signed_on IS NOT NULL
              AND a.terminated_on IS NULL
              AND a.valid_from <= \(bind: day) AND a.valid_to >= \(bind: day) AND a.valid_to <= \(bind: soon)
              AND NOT EXISTS (SELECT 1 FROM agreements r WHERE r.previous_id = a.id)
            GROUP BY a.outflow_org_id
            """
        ).all(decoding: OrgCount.self)
    }

    /// Agreements between the member's inflow organization (an open flow's) and the member's branch or an
    /// organization above it, with that inflow organization (for the archive).
    static func ofMember(_ member: Member, on db: Database) async throws -> [Agreement] {
        guard let id = member.id,
            let flow = try await Flow.query(on: db).filter(\.$memberID == id).filter(
                \.$status ~~ [.away, .arrived, .lost]
            )
            .first(), let inflowID = flow.inflowOrgID,
            let home = try await Organization.find(member.organizationID, on: db)
        else { return [] }
        var out: [Agreement] = []
        for a in try await Agreement.query(on: db).filter(\.$inflowOrgID == inflowID)
            .filter(\.$outflowOrgID ~~ home.pathIDs).all()
        {
            if a.covers == .list, !(try await listed(a, on: db).contains(id)) { continue }
            out.append(a)
        }
        return out
    }

    /// An external inflow organization where ten or more members of ours report with no agreement covering them.
    struct UnsignedInflow: Decodable, Sendable {
        var id: Int
        var code: String
        var shortName: String
        var n: Int

        enum CodingKeys: String, CodingKey {
            case id, code, n
            case shortName = "short_name"
        }
    }

    /// How many members of a scope at one inflow organization without an agreement call for one.
    static let inflowThreshold = 10

    struct BranchInflowCount: Decodable, Sendable {
        var path: String
        var inflow_id: Int
        var n: Int
    }

    /// Members under `path` reporting to an external inflow organization with no agreement covering them, per branch
    /// (its path) and inflow organization: what `inflowWithoutAgreement` counts, before the threshold.
    static func uncoveredPerBranchAndInflow(under path: String, today: CalendarDate, on sql: SQLDatabase)
        async throws -> [BranchInflowCount]
    {
        let open = SQLBind.group(LedgerService.openStates)
        let day = today.description
        return try await sql.raw(
            """
            SELECT o.path, f.inflow_org_id AS inflow_id, COUNT(*) AS n
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f CROSS JOIN organizations i
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND i.id = f.inflow_org_id AND i.kind = 'external'
              AND NOT \(CoverageStore.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day))
            GROUP BY o.path, f.inflow_org_id
            """
        ).all(decoding: BranchInflowCount.self)
    }

    /// External inflow organizations where `threshold` or more members under `path` report with no agreement
    /// covering them.
    static func inflowWithoutAgreement(
        under path: String, today: CalendarDate, threshold: Int = inflowThreshold, on sql: SQLDatabase
    ) async throws -> [UnsignedInflow] {
        let open = SQLBind.group(LedgerService.openStates)
        let day = today.description
        return try await sql.raw(
            """
            SELECT i.id, i.code, i.short_name, COUNT(*) AS n
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f CROSS JOIN organizations i
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND i.id = f.inflow_org_id AND i.kind = 'external'
              AND NOT \(CoverageStore.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day))
            GROUP BY i.id, i.code, i.short_name HAVING COUNT(*) >= \(bind: threshold) ORDER BY n DESC
            """
        ).all(decoding: UnsignedInflow.self)
    }
}
