import Fluent
import LiudongCore
import Vapor

/// The member applies for a transfer on the phone (`/my/transfer`): to another branch of ours in the county, or out
/// of our tree to an organization named with its place; then follows its steps.
struct MyTransferPages {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("my", "transfer", use: page)
        r.member.post("my", "transfer", use: apply)
    }

    struct Option: Encodable {
        var value: String
        var label: String
    }

    func page(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    private func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let me = try req.member
        guard let m = try await Member.find(me.memberID, on: req.db),
            let branch = try await Organization.find(m.organizationID, on: req.db)
        else { throw AppError.notFound }
        let today = AppClock.today
        var cards: [TransferPages.TransferCard] = []
        for t in try await TransferStore.all(of: m.requireID(), on: req.db) {
            cards.append(try await TransferPages.card(t, on: req.db, today: today))
        }
        let county = try await OrgTree.county(of: branch, on: req.db)
        let branches = try await county.asyncMap { try await OrgTree.openBranches(under: $0, on: req.db) } ?? []
        struct View: Encodable {
            var branch: String
            var transfers: [Line]
            var canApply: Bool
            var branches: [Option]
            var error: String?
        }
        struct Line: Encodable {
            var title: String
            var state: String
            var steps: [TransferPages.StepLine]
        }
        return try await req.myPage(
            "my/transfer", title: "组织关系转接",
            View(
                branch: branch.shortName,
                transfers: cards.map {
                    Line(title: "\($0.direction)：\($0.from) → \($0.to)", state: $0.state, steps: $0.steps)
                },
                canApply: m.rosterState == nil && !cards.contains { $0.next.count > 0 || $0.canCancel },
                branches: branches.filter { $0.kind == .regular && $0.id != branch.id }.map {
                    Option(value: $0.code, label: $0.shortName)
                }, error: error), status: status)
    }

    func apply(req: Request) async throws -> Response {
        let me = try req.member
        guard let m = try await Member.find(me.memberID, on: req.db) else { throw AppError.notFound }
        let input = try req.content.decode(TransferActions.Input.self)
        do {
            _ = try await TransferActions.apply(input, member: m, by: me.auditName, user: nil, on: req.db)
        } catch AppError.invalid(let errors) {
            return try await render(
                req, error: errors.map(\.message).joined(separator: "；"), status: .unprocessableEntity)
        } catch AppError.conflict(let message) {
            return try await render(req, error: message, status: .conflict)
        }
        return req.redirect(to: "/my/transfer", flash: "已提交申请，等待党支部同意")
    }
}
