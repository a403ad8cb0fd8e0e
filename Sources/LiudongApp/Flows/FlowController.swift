import Fluent
import LiudongCore
import Vapor

/// The branch's decisions on flagged flows: confirm lost contact, or record that contact was made.
struct FlowController {
    func boot(_ r: FeatureRoutes) throws {
        let decide = r.signedIn(.decideFlows)
        decide.post("flows", ":id", "lost", use: markLost)
        decide.post("flows", ":id", "contacted", use: contacted)
    }

    /// A flow whose member lies in the user's scope (never an inflow account's decision).
    private func flow(_ req: Request) async throws -> (Flow, Member, Organization) {
        let user = try req.user
        guard user.can(.decideFlows), let id = req.parameters.get("id", as: UUID.self),
            let f = try await Flow.find(id, on: req.db)
        else { throw AppError.notFound }
        let m = try await MemberService.find(f.memberID, for: user, on: req.db)
        guard let org = try await Organization.find(m.organizationID, on: req.db) else { throw AppError.notFound }
        return (f, m, org)
    }

    func markLost(req: Request) async throws -> Response {
        let (f, m, org) = try await flow(req)
        let username = try req.user.username
        try await req.db.writeTransaction(gate: req.application.writeGate) { tx in
            f.status = .lost
            try await f.update(on: tx)
            m.flowStatus = FlowState.lost.rawValue
            try await m.update(on: tx)
            try await MemberEvent(
                memberID: m.id!, kind: .flow, summary: "经核实确认失联（最近联系\(f.lastContactOn)）", by: username
            ).create(on: tx)
        }
        try await req.audit(.update, "flow", ref: m.id!.uuidString, summary: "确认\(m.name)失联")
        return req.redirect(to: "/orgs/\(org.code)#lost", flash: "已将\(m.name)标记为失联")
    }

    func contacted(req: Request) async throws -> Response {
        let (f, m, org) = try await flow(req)
        let username = try req.user.username
        try await req.db.writeTransaction(gate: req.application.writeGate) { tx in
            f.lastContactOn = AppClock.today.description
            f.lostCandidateSince = nil
            if f.status == .lost { f.status = f.inflowOrgID == nil ? .away : .arrived }
            try await f.update(on: tx)
            m.flowStatus = f.status.rawValue
            try await m.update(on: tx)
            try await MemberEvent(memberID: m.id!, kind: .contact, summary: "已取得联系", by: username).create(on: tx)
        }
        try await req.audit(.update, "flow", ref: m.id!.uuidString, summary: "记录已与\(m.name)取得联系")
        return req.redirect(to: "/orgs/\(org.code)#lost", flash: "已记录与\(m.name)取得联系")
    }
}
