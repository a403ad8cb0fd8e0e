import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Flows (流动): the open record of a member away from home, the daily sweep, the branch's decisions.
struct FlowsFeature: Feature {
    let name = "flows"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(6, CreateFlows())] }

    func routes(_ routes: FeatureRoutes) throws { try FlowController().boot(routes) }

    var commands: [(name: String, command: any AsyncCommand)] { [("sweep", SweepCommand())] }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var entries: [ArchiveEntry] = []
        for flow in try await FlowStore.history(of: id, on: db.sql()) {
            let destination = flow.destination_code.map { "至" + Divisions.shared.fullName($0) } ?? ""
            let inflow = flow.inflow.map { "，流入地党组织：" + $0 } ?? ""
            let status = FlowState(rawValue: flow.status)?.label ?? flow.status
            entries.append(
                ArchiveEntry(
                    at: flow.left_on, side: "流出地", kind: "流动",
                    text: "外出\(destination)\(inflow)，状态：\(status)，最近联系 \(flow.last_contact_on)"))
            if let arrived = flow.arrived_on {
                entries.append(ArchiveEntry(at: arrived, side: "流入地", kind: "报到", text: "到达\(flow.inflow ?? "流入地")报到"))
            }
            if let returned = flow.returned_on {
                entries.append(ArchiveEntry(at: returned, side: "流出地", kind: "返回", text: "返回原籍"))
            }
        }
        return entries
    }

    /// Arrivals overdue and lost-contact candidates, for the accounts that decide them.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        guard scope.user.can(.decideFlows), !scope.user.isInflowSide else { return [] }
        let sql = try scope.sql()
        let overdue = try await FlowStore.flagged(.overdue, under: scope.user.scopePath, lateBefore: nil, on: sql)
        let monthAgo = scope.today.adding(days: -30).description
        let lost = try await FlowStore.flagged(
            .lostCandidates, under: scope.user.scopePath, lateBefore: monthAgo, on: sql)
        let page = "/orgs/\(scope.user.scopeCode)"
        return [
            WorkTally(
                kind: "arrivalsOverdue", label: "逾期未报到", href: page + "#overdue", counts: overdue.counts,
                overdue: overdue.counts),
            WorkTally(
                kind: "lostCandidates", label: "失联待确认", href: page + "#lost", counts: lost.counts,
                overdue: lost.late),
        ]
    }
}

/// A flow as the archive shows it.
struct FlowHistoryRow: Decodable {
    var status: String
    var left_on: String
    var destination_code: String?
    var inflow: String?
    var arrived_on: String?
    var returned_on: String?
    var last_contact_on: String
}

/// The flows table's queries for the archive and the worklist.
enum FlowStore {
    static func history(of memberID: UUID, on sql: SQLDatabase) async throws -> [FlowHistoryRow] {
        try await sql.raw(
            """
            SELECT f.status, f.left_on, f.destination_code, i.short_name AS inflow, f.arrived_on, f.returned_on,
                   f.last_contact_on
            FROM flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id WHERE f.member_id = \(bind: memberID)
            """
        ).all(decoding: FlowHistoryRow.self)
    }

    /// Flagged flows of members in the subtree, per branch; `late`: those flagged before `lateBefore`.
    static func flagged(
        _ list: FlowService.List, under path: String, lateBefore: String?,
        on sql: SQLDatabase
    ) async throws -> [OrgCount] {
        let condition: SQLQueryString
        let flaggedOn: String
        switch list {
        case .overdue, .mobile:
            condition = "f.status = \(bind: FlowState.away.rawValue) AND f.overdue_since IS NOT NULL"
            flaggedOn = "f.overdue_since"
        case .lostCandidates:
            condition = """
                f.status IN (\(bind: FlowState.away.rawValue), \(bind: FlowState.arrived.rawValue)) \
                AND f.lost_candidate_since IS NOT NULL
                """
            flaggedOn = "f.lost_candidate_since"
        }
        let late = SQLQueryString(
            "SUM(CASE WHEN \(unsafeRaw: flaggedOn) < \(bind: lateBefore ?? "") THEN 1 ELSE 0 END)")
        return try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n, \(late) AS late
            FROM flows f \(FlowJoin(under: path)) members m ON m.id = f.member_id
                 \(FlowJoin(under: path)) organizations b ON b.id = m.organization_id
            WHERE \(condition) AND \(PathPrefix("b.path", path)) GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
    }
}
