import Fluent
import LiudongCore
import SQLKit
import Vapor

/// A pairing the daily safety net ends, and why.
private struct StaleRow: Decodable {
    var id: UUID
    var why: String
}

/// Every query of pairings: the lists the pages and API show for an organization's subtree, the facts a new pairing
/// is judged by, the stale pairings, and the archive's.
enum PairingStore {
    struct UnpairedRow: Decodable, Sendable {
        var member_id: UUID
        var name: String
        var org_name: String
        var destination_code: String?
        var left_on: String
        var inflow_org_id: Int?
    }

    /// Members with an open flow and no open pairing of the side: under the subtree (outflow), or reported to the
    /// organization (inflow side).
    static func unpaired(side: PairingSide, org: Organization, limit: Int = 500, on db: Database) async throws
        -> [UnpairedRow]
    {
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        let whereOrg: SQLQueryString =
            side == .outflow
            ? "\(PathPrefix("o.path", org.path)) AND m.flow_status IN \(SQLGroupExpression(open))"
            : "f.inflow_org_id = \(bind: org.id!)"
        return try await db.sql().raw(
            """
            SELECT m.id AS member_id, m.name, o.short_name AS org_name, f.destination_code, f.left_on, f.inflow_org_id
            FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN flows f ON f.member_id = m.id AND f.status IN \(SQLGroupExpression(open))
            WHERE \(whereOrg)
              AND NOT EXISTS (SELECT 1 FROM pairings p WHERE p.member_id = m.id AND p.side = \(bind: side.rawValue) AND p.ended_on IS NULL)
            ORDER BY o.code, m.name LIMIT \(unsafeRaw: String(limit))
            """
        ).all(decoding: UnpairedRow.self)
    }

    struct CadreRow: Decodable, Sendable {
        /// The cadre's key (the keyed hash of the phone): assigning to this cadre copies them from an open pairing.
        var cadre_key: String
        var cadre_name: String
        var cadre_post: String
        var cadre_phone_masked: String
        var org_name: String
        var side: String
        var load: Int
    }

    /// Cadres of the subtree's organizations with their open pairings (their load).
    static func cadres(under org: Organization, on db: Database) async throws -> [CadreRow] {
        try await db.sql().raw(
            """
            SELECT p.cadre_phone_hash AS cadre_key, p.cadre_name, p.cadre_post, p.cadre_phone_masked,
                   o.short_name AS org_name, p.side, COUNT(*) AS load
            FROM pairings p JOIN organizations o ON o.id = p.cadre_org_id
            WHERE \(PathPrefix("o.path", org.path)) AND p.ended_on IS NULL
            GROUP BY p.cadre_phone_hash, p.cadre_name, p.cadre_post, p.cadre_phone_masked, o.short_name, p.side
            ORDER BY COUNT(*) DESC, p.cadre_name LIMIT 1000
            """
        ).all(decoding: CadreRow.self)
    }

    struct ListedRow: Decodable, Sendable {
        var id: UUID
        var member_id: UUID
        var member_name: String
        var side: String
        var cadre_name: String
        var cadre_post: String
        var cadre_phone_masked: String
        var cadre_org_code: String
        var started_on: String
        var ended_on: String?
        var end_reason: String?
    }

    /// Pairings of members of the subtree (or, for an inflow organization, of the members reported to it).
    /// `cadreAccount`: only the pairings of that account as the cadre (its own list).
    static func list(
        under org: Organization, includeEnded: Bool, cadreAccount: UUID? = nil, limit: Int = 2000, on db: Database
    ) async throws -> [ListedRow] {
        var scope: SQLQueryString =
            org.kind == .regular
            ? "\(PathPrefix("h.path", org.path))" : "c.id = \(bind: org.id!)"
        if let cadreAccount {
            scope = "p.cadre_account_id IS NOT NULL AND p.cadre_account_id = \(bind: cadreAccount)"
        }
        let ended: SQLQueryString = includeEnded ? "" : " AND p.ended_on IS NULL"
        return try await db.sql().raw(
            """
            SELECT p.id, p.member_id, m.name AS member_name, p.side, p.cadre_name, p.cadre_post, p.cadre_phone_masked,
                   c.code AS cadre_org_code, p.started_on, p.ended_on, p.end_reason
            FROM pairings p JOIN members m ON m.id = p.member_id JOIN organizations h ON h.id = m.organization_id
            JOIN organizations c ON c.id = p.cadre_org_id
            WHERE \(scope)\(ended)
            ORDER BY h.code, m.name, p.started_on LIMIT \(unsafeRaw: String(limit))
            """
        ).all(decoding: ListedRow.self)
    }

    /// The outflow-side cadre of each member (the ledger's 结对联系人 column): "name（post）".
    static func outflowCadres(of memberIDs: [UUID], on db: Database) async throws -> [UUID: String] {
        guard !memberIDs.isEmpty else { return [:] }
        var result: [UUID: String] = [:]
        for chunk in stride(from: 0, to: memberIDs.count, by: 500).map({
            Array(memberIDs[$0..<min($0 + 500, memberIDs.count)])
        }) {
            let rows = try await Pairing.query(on: db).filter(\.$memberID ~~ chunk).filter(\.$side == .outflow)
                .filter(\.$endedOn == nil).all()
            for p in rows { result[p.memberID] = "\(p.cadreName)（\(p.cadrePost)）" }
        }
        return result
    }

    /// Open pairings of a member (both sides), outflow side first.
    static func active(of memberID: UUID, on db: Database) async throws -> [Pairing] {
        try await Pairing.query(on: db).filter(\.$memberID == memberID).filter(\.$endedOn == nil)
            .sort(\.$side, .descending).all()
    }

    /// Every pairing of a member, latest first.
    static func all(of memberID: UUID, on db: Database) async throws -> [Pairing] {
        try await Pairing.query(on: db).filter(\.$memberID == memberID).sort(\.$startedOn, .descending).all()
    }

    static func pairing(_ id: UUID, on db: Database) async throws -> Pairing? { try await Pairing.find(id, on: db) }

    /// One open pairing of the cadre with this phone hash (to copy the cadre from).
    static func sample(cadre key: String, on db: Database) async throws -> Pairing? {
        try await Pairing.query(on: db).filter(\.$cadrePhoneHash == key).filter(\.$endedOn == nil).first()
    }

    /// The member's open flow.
    static func openFlow(of memberID: UUID, on db: Database) async throws -> Flow? {
        try await Flow.query(on: db).filter(\.$memberID == memberID).filter(\.$status ~~ [.away, .arrived, .lost])
            .first()
    }

    static func organization(code: String, on db: Database) async throws -> Organization? {
        try await Organization.query(on: db).filter(\.$code == code).first()
    }

    static func account(username: String, on db: Database) async throws -> Account? {
        try await Account.query(on: db).filter(\.$username == username).first()
    }

    /// Open pairings of the cadre with this phone hash.
    static func load(cadre hash: String, on db: Database) async throws -> Int {
        try await Pairing.query(on: db).filter(\.$cadrePhoneHash == hash).filter(\.$endedOn == nil).count()
    }

    /// The member's open pairing on one side.
    static func open(of memberID: UUID, side: PairingSide, on db: Database) async throws -> Pairing? {
        try await Pairing.query(on: db).filter(\.$memberID == memberID).filter(\.$side == side)
            .filter(\.$endedOn == nil).first()
    }

    /// The member's open pairings (of one side, or both).
    static func open(of memberID: UUID, side: PairingSide?, on db: Database) async throws -> [Pairing] {
        var query = Pairing.query(on: db).filter(\.$memberID == memberID).filter(\.$endedOn == nil)
        if let side { query = query.filter(\.$side == side) }
        return try await query.all()
    }

    /// Open pairings whose flow is no longer open (`why` = flow), or whose member moved to another branch than the
    /// one the outflow cadre serves (`why` = branch).
    static func stale(on db: Database) async throws -> [(id: UUID, flowClosed: Bool)] {
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        return try await db.sql().raw(
            """
            SELECT p.id, p.member_id,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM flows f WHERE f.member_id = p.member_id AND f.status IN \(SQLGroupExpression(open)))
                        THEN 'flow' ELSE 'branch' END AS why
            FROM pairings p JOIN members m ON m.id = p.member_id JOIN organizations home ON home.id = m.organization_id
            JOIN organizations c ON c.id = p.cadre_org_id
            WHERE p.ended_on IS NULL AND (
              NOT EXISTS (SELECT 1 FROM flows f WHERE f.member_id = p.member_id AND f.status IN \(SQLGroupExpression(open)))
              OR (p.side = 'outflow' AND substr(home.path, 1, length(c.path)) <> c.path))
            """
        ).all(decoding: StaleRow.self).map { ($0.id, $0.why == "flow") }
    }
}
