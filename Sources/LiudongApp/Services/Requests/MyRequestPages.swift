import Fluent
import LiudongCore
import Vapor

/// The member's own requests on the phone: raise one, follow it, rate the answer, reopen once.
struct MyRequestPages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "requests", use: list)
        my.post("my", "requests", use: raise)
        my.get("my", "requests", ":id", use: show)
        my.post("my", "requests", ":id", "rate", use: rate)
        my.post("my", "requests", ":id", "reopen", use: reopen)
    }

    /// The member's own request (404 for anyone else's).
    static func mine(_ req: Request) async throws -> ServiceRequest {
        try await RequestActions.mine(
            req.parameters.get("id").flatMap { UUID(uuidString: $0) }, member: try req.member.memberID, on: req.db)
    }

    func list(req: Request) async throws -> Response {
        let me = try req.member
        struct View: Encodable {
            var items: [RequestStore.Item]
            var kinds: [Pair]
        }
        return try await req.myPage(
            "my/requests", title: "我的诉求",
            View(
                items: try await RequestStore.member(me.memberID, today: AppClock.today, on: req.db),
                kinds: ServiceRequestKind.allCases.map { Pair($0.rawValue, $0.label) }))
    }

    func raise(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let draft = try req.content.decode(RequestActions.Draft.self)
        do {
            let (r, org) = try await RequestActions.raise(draft, member: m, as: try req.actingMember)
            return req.redirect(
                to: "/my/requests/\(r.id!)", flash: "已提交，由\(org.shortName)在\(r.acknowledgeBy)前受理、\(r.answerBy)前答复")
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/my/requests", flash: errors.map(\.message).joined(separator: "；"))
        }
    }

    func show(req: Request) async throws -> Response {
        let r = try await Self.mine(req)
        let routed = try await Organization.find(r.routedOrgID, on: req.db)
        let limits = try await RequestActions.deadlines(on: req.db)
        let canReopen = RequestActions.canReopen(r, today: AppClock.today, limits: limits)
        struct View: Encodable {
            var id: String
            var kind: String
            var title: String
            var details: String
            var status: String
            var routed: String
            var side: String
            var submittedOn: String
            var acknowledgeBy: String
            var answerBy: String
            var handler: String?
            var reply: String?
            var stars: Int?
            var comment: String?
            var canRate: Bool
            var canReopen: Bool
            var reopenDays: Int
            var trail: [RequestStore.Event]
        }
        return try await req.myPage(
            "my/request", title: "我的诉求",
            View(
                id: r.id!.uuidString, kind: r.kind.label, title: r.title, details: r.details, status: r.status.label,
                routed: routed?.shortName ?? "", side: r.side.label, submittedOn: r.submittedOn,
                acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy, handler: r.handlerName, reply: r.reply,
                stars: r.stars, comment: r.ratingComment, canRate: r.status == .answered, canReopen: canReopen,
                reopenDays: limits.reopenDays,
                trail: try await RequestStore.trail(r.id!, on: req.db)))
    }

    struct RateForm: Content {
        var stars: String?
        var comment: String?
        var reason: String?
    }

    func rate(req: Request) async throws -> Response {
        let r = try await Self.mine(req)
        let f = try req.content.decode(RateForm.self)
        return try await req.act(back: "/my/requests/\(r.id!)") {
            try await RequestActions.rate(
                r, stars: f.stars.flatMap { Int($0) }, comment: f.comment, as: try req.actingMember)
            return "谢谢您的评价，诉求已办结"
        }
    }

    func reopen(req: Request) async throws -> Response {
        let r = try await Self.mine(req)
        let f = try req.content.decode(RateForm.self)
        return try await req.act(back: "/my/requests/\(r.id!)") {
            try await RequestActions.reopen(r, reason: f.reason, as: try req.actingMember)
            return "已申请重新办理，请在\(r.answerBy)前等待答复"
        }
    }
}
