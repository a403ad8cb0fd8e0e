import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Flows (流动): the open record of a member away from home, the daily sweep, the branch's decisions.
struct FlowsFeature: Feature {
    let name = "flows"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(6, CreateFlows()), NumberedMigration(42, AddFlowMovedOn())]
    }

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
    var rolledCounts: [RolledCount] {
        [
            RolledCount("arrivalsOverdue") {
                PerOrg(try await FlowStore.flagged(.overdue, under: $0.path, lateBefore: nil, on: $0.sql()))
            },
            RolledCount("lostCandidates") {
                let monthAgo = $0.today.adding(days: -30).description
                return PerOrg(
                    try await FlowStore.flagged(.lostCandidates, under: $0.path, lateBefore: monthAgo, on: $0.sql()))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        guard scope.user.can(.decideFlows), !scope.user.isInflowSide else { return [] }
        let overdue = try await scope.counts("arrivalsOverdue", in: self)
        let lost = try await scope.counts("lostCandidates", in: self)
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
