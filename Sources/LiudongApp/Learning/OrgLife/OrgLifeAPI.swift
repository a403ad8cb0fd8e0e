import Fluent
import LiudongCore
import Vapor

/// The organizational-life API: events and attendance for staff, the member's check-in.
struct OrgLifeAPI {
    func boot(_ r: FeatureRoutes) throws {
        let rec = r.signedIn(.recordOrgLife)
        rec.post("api", "v1", "org-life", use: create)
        rec.put("api", "v1", "org-life", ":id", "attendance", use: attendance)
        r.member.post("api", "v1", "my", "org-life", "check-in", use: checkIn)
    }

    struct Created: Content {
        var id: UUID
        var checkInCode: String
    }

    /// `POST /api/v1/org-life` → 201 `{"id","checkInCode"}`.
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(OrgLifeActions.Input.self)
        let e = try await OrgLifeActions.create(input, as: try req.acting)
        let res = Response(status: .created)
        try res.content.encode(Created(id: e.id!, checkInCode: e.checkInCode), as: .json)
        return res
    }

    struct AttendanceBody: Content { var items: [OrgLifeActions.AttendanceItem]? }
    struct Recorded: Content {
        var recorded: Int
        var quorum: Quorum
    }

    /// `PUT /api/v1/org-life/{id}/attendance` `{"items":[…]}` → the count recorded and the quorum.
    func attendance(req: Request) async throws -> Recorded {
        let user = try req.user
        let (e, org) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let body = try req.content.decode(AttendanceBody.self)
        guard let items = body.items else { throw AppError.invalid([FieldError("items", "请提供出席情况 items")]) }
        let n = try await OrgLifeActions.setAttendance(items, event: e, org: org, as: try req.acting)
        return Recorded(recorded: n, quorum: try await OrgLifeStore.quorum(e, org: org, on: req.db))
    }

    struct CheckInBody: Content { var code: String? }
    struct CheckedIn: Content {
        var eventId: UUID
        var org: String
        var kind: String
        var topic: String
    }

    /// `POST /api/v1/my/org-life/check-in` `{"code"}` → 201 (422 for an unknown or closed code).
    func checkIn(req: Request) async throws -> Response {
        let me = try req.member
        try await MyOrgLifePages.limitCodes(req, me)
        let body = try req.content.decode(CheckInBody.self)
        let (e, org) = try await OrgLifeActions.checkIn(code: body.code, member: me, on: req.db)
        let res = Response(status: .created)
        try res.content.encode(
            CheckedIn(eventId: e.id!, org: org.name, kind: e.kind.rawValue, topic: e.topic), as: .json)
        return res
    }
}
