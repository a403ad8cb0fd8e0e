import Fluent
import LiudongCore
import Vapor

/// The member's own organizational life on the phone: the events attended, and checking in with an event's code.
struct MyOrgLifePages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "org-life", use: orgLife)
        my.post("my", "org-life", "check-in", use: checkIn)
    }

    /// At most 20 code attempts per member in ten minutes (a six-character code is not to be guessed).
    static func limitCodes(_ req: Request, _ me: CurrentMember) async throws {
        // Per member, and per client address (one phone signed in as several members counts once); counted in the
        // database, so the budget holds across nodes.
        if let wait = try await Throttle.first(
            [("orglife-code:\(me.memberID)", 20), ("orglife-code-client:\(req.clientAddress)", 60)], window: 600,
            on: req.db)
        {
            throw AppError.rateLimited(retryAfter: wait)
        }
    }

    // MARK: Organizational life

    struct Attended: Encodable {
        var on: String
        var org: String
        var kind: String
        var topic: String
        var status: String
    }

    func orgLife(req: Request) async throws -> Response {
        let me = try req.member
        let rows = try await OrgLifeStore.attended(by: me.memberID, limit: 30, on: req.db.sql())
        struct View: Encodable {
            var rows: [Attended]
            var error: String?
        }
        return try await req.myPage(
            "my/org-life", title: "组织生活签到",
            View(
                rows: rows.map {
                    Attended(
                        on: $0.heldOn, org: $0.shortName, kind: OrgLifeKind(rawValue: $0.kind)?.label ?? "",
                        topic: $0.topic, status: AttendanceStatus(rawValue: $0.status)?.label ?? "")
                }, error: nil))
    }

    struct CodeForm: Content { var code: String? }

    func checkIn(req: Request) async throws -> Response {
        let me = try req.member
        try await Self.limitCodes(req, me)
        let form = try req.content.decode(CodeForm.self)
        do {
            let (e, org) = try await OrgLifeActions.checkIn(code: form.code, member: me, on: req.db)
            return req.redirect(
                to: "/my/org-life", flash: "签到成功：\(org.shortName) \(e.kind.label)·\(e.topic)，已记入您的组织生活记录")
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/my/org-life", flash: errors.first?.message ?? "签到码不正确")
        }
    }
}
