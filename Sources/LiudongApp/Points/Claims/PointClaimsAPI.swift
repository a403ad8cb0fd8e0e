import Fluent
import LiudongCore
import Vapor

/// `POST /api/v1/my/points/claims` and `…/appeals`: the member's claims and appeals from an app.
struct PointClaimsAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.member.on(
            .POST, "api", "v1", "my", "points", "claims",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.claimLimit)), use: claim)
        r.member.post("api", "v1", "my", "points", "appeals", use: appeal)
    }

    struct Created: Content {
        var id: String
        var status: String
    }

    /// `POST /api/v1/my/points/claims` `{"itemCode","on","description","photo"?}` (photo: base64 JPEG or PNG).
    func claim(req: Request) async throws -> Response {
        let me = try req.member
        guard let m = try await Member.find(me.memberID, on: req.db) else { throw AppError.notFound }
        let input = try req.content.decode(PointClaimsActions.ClaimInput.self)
        var photo: [UInt8]?
        if let raw = input.photo, !raw.isEmpty {
            let text = raw.range(of: "base64,").map { String(raw[$0.upperBound...]) } ?? raw
            guard text.utf8.count <= CSRFMiddleware.claimLimit,
                let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            else { throw AppError.invalid([FieldError("photo", "照片应为 base64 编码的 JPG 或 PNG 图片")]) }
            photo = Array(data)
        }
        let c = try await PointClaimsActions.submit(
            input, photo: photo, member: m, app: req.application, as: try req.actingMember)
        return try Self.created(c.id!, c.status.rawValue)
    }

    /// `POST /api/v1/my/points/appeals` `{"entryId","reason"}`.
    func appeal(req: Request) async throws -> Response {
        let me = try req.member
        let input = try req.content.decode(PointClaimsActions.AppealInput.self)
        let a = try await PointClaimsActions.appeal(input, member: me.memberID, as: try req.actingMember)
        return try Self.created(a.id!, a.status.rawValue)
    }

    static func created(_ id: UUID, _ status: String) throws -> Response {
        let res = Response(status: .created)
        try res.content.encode(Created(id: id.uuidString, status: status), as: .json)
        return res
    }
}
