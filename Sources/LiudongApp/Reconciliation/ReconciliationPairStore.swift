import Fluent
import LiudongCore
import SQLKit
import Vapor

/// An organization pair (outflow county × inflow organization) with its sign-off and its open items.
struct PairRow: Decodable {
    var county_id: Int
    var county: String
    var county_path: String
    var inflow_id: Int
    var inflow: String
    var outflow_signed_by: String?
    var inflow_signed_by: String?
    var open_items: Int
}

/// A county's items: how many, how many resolved.
struct CountyItemCount: Decodable {
    var county_id: Int
    var n: Int
    var resolved: Int
}

struct CountyName: Decodable {
    var id: Int
    var short_name: String
}

/// The organization pairs of a quarter's reconciliation: which pairs have members flowing between them, each
/// county's progress, and the two sides' sign-offs.
extension ReconciliationStore {
    /// Pairs with members flowing between them: in the subtree at `path`, or (`inflowOrgID`) reporting to one
    /// inflow organization.
    static func pairs(quarter: Quarter, under path: String, inflowOrgID: Int?, on sql: SQLDatabase) async throws
        -> [PairRow]
    {
        let open = SQLBind.group(LedgerService.openStates)
        // The flows between the pairs: reported to the inflow organization; a province's or a city's open flows
        // first; a smaller subtree's organizations, then their mobile members (`members_org_flow`: a member's
        // `flow_status` mirrors their open flow's), then those members' flows.
        let flows: SQLQueryString
        if let inflowOrgID {
            flows = """
                flows f \(FlowJoin(under: "")) members m ON m.id = f.member_id
                \(FlowJoin(under: "")) organizations b ON b.id = m.organization_id
                WHERE f.inflow_org_id = \(bind: inflowOrgID) AND f.status IN \(open)
                """
        } else if FlowJoin(under: path).flowsFirst {
            flows = """
                flows f \(FlowJoin(under: path)) members m ON m.id = f.member_id
                \(FlowJoin(under: path)) organizations b ON b.id = m.organization_id
                WHERE f.status IN \(open) AND f.inflow_org_id IS NOT NULL AND \(PathPrefix("b.path", path))
                """
        } else {
            flows = """
                organizations b CROSS JOIN members m CROSS JOIN flows f
                WHERE \(PathPrefix("b.path", path)) AND m.organization_id = b.id AND m.flow_status IN \(open)
                  AND f.member_id = m.id AND f.status IN \(open) AND f.inflow_org_id IS NOT NULL
                """
        }
        return try await sql.raw(
            """
            SELECT c.id AS county_id, c.short_name AS county, c.path AS county_path, i.id AS inflow_id, i.short_name AS inflow,
                   s.outflow_signed_by, s.inflow_signed_by,
                   (SELECT COUNT(*) FROM reconciliation_items ri WHERE ri.quarter = \(bind: quarter.description)
                      AND ri.county_id = c.id AND ri.inflow_org_id = i.id
                      AND ri.status = \(bind: ItemStatus.open.rawValue)) AS open_items
            FROM (SELECT DISTINCT b.path AS bpath, f.inflow_org_id FROM \(flows)) x
            JOIN organizations c ON c.level = 'county' AND x.bpath LIKE c.path || '%'
            JOIN organizations i ON i.id = x.inflow_org_id
            LEFT JOIN reconciliation_signoffs s ON s.quarter = \(bind: quarter.description) AND s.county_id = c.id
                 AND s.inflow_org_id = i.id
            """
        ).all(decoding: PairRow.self)
    }

    /// The quarter's items and how many are resolved, per county under `path` (each county's items by the
    /// `reconciliation_items_pair` index: a county's home page read the whole province's).
    static func itemsPerCounty(quarter: Quarter, under path: String, on sql: SQLDatabase) async throws
        -> [CountyItemCount]
    {
        // A province or a city holds most counties: every item of the quarter once, then the counties under it.
        let from: SQLQueryString =
            FlowJoin(under: path).flowsFirst
            ? """
            reconciliation_items ri JOIN organizations c ON c.id = ri.county_id
            WHERE ri.quarter = \(bind: quarter.description) AND \(PathPrefix("c.path", path))
            """
            : """
            organizations c CROSS JOIN reconciliation_items ri
            WHERE c.level = 'county' AND \(PathPrefix("c.path", path))
              AND ri.quarter = \(bind: quarter.description) AND ri.county_id = c.id
            """
        return try await sql.raw(
            """
            SELECT ri.county_id, COUNT(*) AS n,
                   SUM(CASE WHEN ri.status = \(bind: ItemStatus.open.rawValue) THEN 0 ELSE 1 END) AS resolved
            FROM \(from) GROUP BY ri.county_id
            """
        ).all(decoding: CountyItemCount.self)
    }

    static func counties(under path: String, on sql: SQLDatabase) async throws -> [CountyName] {
        try await sql.raw(
            """
            SELECT id, short_name FROM organizations WHERE level = 'county' AND \(PathPrefix("path", path))
            ORDER BY sort_order, code
            """
        ).all(decoding: CountyName.self)
    }

    /// Open items of the quarter, between one pair or (nil) anywhere.
    static func openItems(
        quarter: Quarter, countyID: Int? = nil, inflowOrgID: Int? = nil,
        on sql: SQLDatabase
    ) async throws -> Int {
        var filter = SQLQueryString(
            "quarter = \(bind: quarter.description) AND status = \(bind: ItemStatus.open.rawValue)")
        if let countyID { filter.appendInterpolation(SQLQueryString(" AND county_id = \(bind: countyID)")) }
        if let inflowOrgID { filter.appendInterpolation(SQLQueryString(" AND inflow_org_id = \(bind: inflowOrgID)")) }
        return try await sql.raw("SELECT COUNT(*) AS n FROM reconciliation_items WHERE \(filter)")
            .first(decoding: CountResult.self)?.n ?? 0
    }

    /// One side's signature on a pair.
    static func sign(
        quarter: Quarter, countyID: Int, inflowOrgID: Int, outflowSide: Bool, username: String,
        gate: WriteGate, on db: Database
    ) async throws {
        let now = AppClock.now
        try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            try await sql.insert(into: "reconciliation_signoffs").columns("quarter", "county_id", "inflow_org_id")
                .values([quarter.description, countyID, inflowOrgID] as [any Encodable & Sendable])
                .onConflict(with: ["quarter", "county_id", "inflow_org_id"]) { $0.set(excludedValueOf: "quarter") }
                .run()
            let by = outflowSide ? "outflow_signed_by" : "inflow_signed_by"
            let at = outflowSide ? "outflow_signed_at" : "inflow_signed_at"
            try await sql.update("reconciliation_signoffs").set(SQLColumn(by), to: SQLBind(username))
                .set(SQLColumn(at), to: SQLBind(now))
                .where("quarter", .equal, quarter.description).where("county_id", .equal, countyID)
                .where("inflow_org_id", .equal, inflowOrgID).run()
        }
    }
}
