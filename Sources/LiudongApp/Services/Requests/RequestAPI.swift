import Fluent
import LiudongCore
import Vapor

/// `/api/v1` for requests: the member's own (raise, list, rate, reopen) and the handling side's (list, accept, reply,
/// transfer, statistics).
struct RequestAPI {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.post("api", "v1", "my", "requests", use: raise)
        my.get("api", "v1", "my", "requests", use: mine)
        my.post("api", "v1", "my", "requests", ":id", "rate", use: rate)
        my.post("api", "v1", "my", "requests", ":id", "reopen", use: reopen)
        let handle = r.signedIn(.handleRequests)
        handle.get("api", "v1", "requests", use: list)
        handle.get("api", "v1", "requests", "stats", use: stats)
        handle.post("api", "v1", "requests", ":id", "accept", use: accept)
        handle.post("api", "v1", "requests", ":id", "reply", use: reply)
        handle.post("api", "v1", "requests", ":id", "transfer", use: transfer)
    }

    struct Raised: Content {
        var id: String
        var acknowledgeBy: String
        var answerBy: String
        var routedTo: RequestStore.RoutedTo
    }

    struct Items: Content {
        var items: [RequestStore.Item]
    }

    func raise(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let draft = try req.content.decode(RequestActions.Draft.self)
        let (r, org) = try await RequestActions.raise(draft, member: m, as: try req.actingMember)
        return try await Raised(
            id: r.id!.uuidString, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy,
            routedTo: .init(orgCode: org.code, name: org.shortName)
        ).encodeResponse(status: .created, for: req)
    }

    func mine(req: Request) async throws -> Items {
        Items(items: try await RequestStore.member(try req.member.memberID, today: AppClock.today, on: req.db))
    }

    struct Rating: Content {
        var stars: Int?
        var comment: String?
    }

    func rate(req: Request) async throws -> Response {
        let r = try await MyRequestPages.mine(req)
        let f = try req.content.decode(Rating.self)
        try await RequestActions.rate(r, stars: f.stars, comment: f.comment, as: try req.actingMember)
        return Response(status: .noContent)
    }

    struct Reason: Content {
        var reason: String?
        var handler: String?
        var reply: String?
    }

    func reopen(req: Request) async throws -> Response {
        let r = try await MyRequestPages.mine(req)
        let f = try req.content.decode(Reason.self)
        try await RequestActions.reopen(r, reason: f.reason, as: try req.actingMember)
        return Response(status: .noContent)
    }

    func list(req: Request) async throws -> Items {
        let raw = req.query[String.self, at: "status"]
        let status = raw.flatMap(ServiceRequestStatus.init(rawValue:))
        if let raw, !raw.isEmpty, status == nil {
            throw AppError.invalid([
                FieldError("status", "状态应为 " + ServiceRequestStatus.allCases.map(\.rawValue).joined(separator: "、"))
            ])
        }
        return Items(
            items: try await RequestStore.staff(
                try req.user, status: status, today: AppClock.today, on: req.db))
    }

    struct Updated: Content {
        var id: String
        var status: String
        var routedTo: RequestStore.RoutedTo
    }

    func updated(_ r: ServiceRequest, _ req: Request) async throws -> Updated {
        let org = try await Organization.find(r.routedOrgID, on: req.db)
        return Updated(
            id: r.id!.uuidString, status: r.status.rawValue,
            routedTo: .init(orgCode: org?.code ?? "", name: org?.shortName ?? ""))
    }

    /// The request in the account's scope, with who acts.
    func request(_ req: Request) async throws -> (ServiceRequest, Acting) {
        let a = try req.acting
        let (r, _) = try await RequestActions.find(RequestPages.id(req), for: try a.staffUser(), on: req.db)
        return (r, a)
    }

    func accept(req: Request) async throws -> Updated {
        let (r, a) = try await request(req)
        let f = (try? req.content.decode(Reason.self)) ?? Reason()
        try await RequestActions.accept(r, handler: f.handler, as: a)
        return try await updated(r, req)
    }

    func reply(req: Request) async throws -> Updated {
        let (r, a) = try await request(req)
        let f = try req.content.decode(Reason.self)
        try await RequestActions.reply(r, text: f.reply, as: a)
        return try await updated(r, req)
    }

    func transfer(req: Request) async throws -> Updated {
        let (r, a) = try await request(req)
        let f = try req.content.decode(Reason.self)
        _ = try await RequestActions.transfer(r, reason: f.reason, as: a)
        return try await updated(r, req)
    }

    func stats(req: Request) async throws -> RequestStats {
        let org = try await req.scopeOrganization()
        var errors: [FieldError] = []
        for key in ["from", "to"] {
            if let raw = req.query[String.self, at: key], CalendarDate(raw) == nil {
                errors.append(FieldError(key, "日期格式应为YYYY-MM-DD"))
            }
        }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let (from, to) = RequestPages.period(req)
        return try await RequestStore.stats(
            path: org.path, from: from, to: to, today: AppClock.today, on: req.db)
    }
}
