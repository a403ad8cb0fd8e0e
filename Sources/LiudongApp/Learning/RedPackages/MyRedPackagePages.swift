import Fluent
import LiudongCore
import Vapor

/// The member's red packages on the phone: 确认收到 from the home page, or the package's page to answer 收到 with a
/// reflection (学习心得) or 未收到 with the reason.
struct MyRedPackagePages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "red-packages", ":id", use: show)
        my.post("my", "red-packages", ":id", "confirm", use: confirm)
        my.post("my", "red-packages", ":id", "answer", use: answer)
    }

    /// The member's own mailed package (404 for anyone else's, or one not mailed yet).
    static func mine(_ req: Request) async throws -> RedPackage {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let p = try await RedPackage.find(id, on: req.db),
            p.memberID == me.memberID, p.mailed
        else { throw AppError.notFound }
        return p
    }

    func show(req: Request) async throws -> Response {
        let p = try await Self.mine(req)
        struct Reason: Encodable {
            var value: String
            var label: String
        }
        struct View: Encodable {
            var id: String
            var items: [String]
            var shipping: String
            var received: String?
            var notReceived: String?
            var reflection: String?
            var reasons: [Reason]
        }
        return try await req.myPage(
            "my/red-package", title: "红色包裹",
            View(
                id: p.id!.uuidString, items: p.items, shipping: "\(p.sentOn)寄出 · \(p.courier) 运单号 \(p.trackingNo)",
                received: p.confirmedOn,
                notReceived: p.answer == .notReceived && p.confirmedOn == nil
                    ? (p.reason?.label ?? "") + (p.reasonNote.map { "：\($0)" } ?? "") : nil,
                reflection: p.reflection,
                reasons: NotReceivedReason.allCases.map { Reason(value: $0.rawValue, label: $0.label) }))
    }

    func confirm(req: Request) async throws -> Response {
        let p = try await Self.mine(req)
        try await RedPackageActions.confirm(p, as: try req.actingMember)
        return req.redirect(to: "/my", flash: "已确认收到红色包裹")
    }

    struct AnswerForm: Content {
        var received: String?
        var reason: String?
        var note: String?
        var reflection: String?
    }

    func answer(req: Request) async throws -> Response {
        let p = try await Self.mine(req)
        let f = try req.content.decode(AnswerForm.self)
        do {
            try await RedPackageActions.answer(
                p, received: f.received, reason: f.reason, note: f.note, reflection: f.reflection,
                as: try req.actingMember)
        } catch AppError.invalid(let errors) {
            return req.redirect(
                to: "/my/red-packages/\(p.id!.uuidString)", flash: errors.map(\.message).joined(separator: "；"))
        } catch AppError.conflict(let message) {
            return req.redirect(to: "/my", flash: message)
        }
        return req.redirect(
            to: "/my",
            flash: p.answer == .received ? "已确认收到红色包裹，谢谢！" : "已告诉党支部包裹未收到，党支部会核对地址后重新寄出")
    }
}
