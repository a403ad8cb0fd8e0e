import Fluent
import LiudongCore
import Vapor

/// Transfers through the API (bearer token): apply, each step, the list of an organization.
struct TransferAPI {
    func boot(_ r: FeatureRoutes) throws {
        let edit = r.signedIn(.editRoster)
        edit.post("api", "v1", "transfers", use: create)
        edit.post("api", "v1", "transfers", ":tid", ":step", use: step)
        r.signedIn(.viewMembers).get("api", "v1", "transfers", use: list)
    }

    struct Out: Content {
        var id: UUID
        var state: String
        var validUntil: String?

        init(_ t: Transfer) {
            id = t.id!
            state = t.state.rawValue
            validUntil = t.validUntil
        }
    }

    /// `POST /api/v1/transfers` → `201 {"id","state","validUntil"}`.
    func create(req: Request) async throws -> Response {
        let user = try req.user
        let input = try req.content.decode(TransferActions.Input.self)
        let m = try await req.rosterMember(id: Normalize.text(input.memberId).flatMap(UUID.init(uuidString:)))
        let t = try await TransferActions.apply(input, member: m, by: user.username, user: user, on: req.db)
        try await req.audit(.create, "transfer", ref: t.id!.uuidString, summary: "组织关系转接申请：\(m.name)")
        let res = Response(status: .created)
        try res.content.encode(Out(t), as: .json)
        return res
    }

    /// `POST /api/v1/transfers/{id}/approve|issue|report|receipt|archive|cancel|reissue` → `200`, `409` out of order.
    func step(req: Request) async throws -> Out {
        let t = try await TransferPages.transfer(req)
        guard let step = req.parameters.get("step").flatMap(TransferStep.init(rawValue:)) else {
            throw AppError.notFound
        }
        let input = (try? req.content.decode(TransferActions.StepInput.self)) ?? TransferActions.StepInput()
        try await TransferActions.take(
            step, t, input, as: try req.acting, validity: req.application.settings.transferValidity)
        return Out(t)
    }

    struct Item: Content {
        var id: UUID
        var memberId: UUID
        var name: String
        var state: String
        var validUntil: String?
        var overdue: Bool
    }

    struct Items: Content { var items: [Item] }

    /// `GET /api/v1/transfers?org=&state=&overdue=true`: either side under the organization, overdue first.
    func list(req: Request) async throws -> Items {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let raw = try? req.query.get(String.self, at: "state")
        let state = raw.flatMap(TransferState.init(rawValue:))
        if raw != nil, state == nil {
            throw AppError.invalid([
                FieldError("state", "状态应为 applied、approved、issued、reported、receiptBack、archived 或 cancelled")
            ])
        }
        let overdueOnly = ["true", "1"].contains((try? req.query.get(String.self, at: "overdue")) ?? "")
        let rows = try await TransferStore.list(
            under: org.path, state: state, overdueOnly: overdueOnly, today: today, on: req.db)
        return Items(
            items: rows.map { r in
                Item(
                    id: r.id, memberId: r.memberID, name: r.name, state: r.state.rawValue, validUntil: r.validUntil,
                    overdue: TransferRules.letterOverdue(
                        r.state, validUntil: r.validUntil.flatMap { CalendarDate($0) }, today: today)
                        || TransferRules.receiptOverdue(
                            r.state, reportedOn: r.reportedOn.flatMap { CalendarDate($0) }, today: today)
                )
            })
    }
}
