import Fluent
import LiudongCore
import Vapor

/// `POST /api/v1/dues/payments` (bearer token): a payment recorded by the home branch, the inflow organization or
/// the mobile organization it was paid to.
struct DuesPaymentAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.recordDues).post("api", "v1", "dues", "payments", use: create)
    }

    struct Created: Content { var id: UUID }

    /// → `201 {"id"}`; `409` for a month already paid (saying where and when), `422` per field.
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(DuesActions.PaymentInput.self)
        let m = try await DuesMemberPages.member(
            req, id: Normalize.text(input.memberId).flatMap(UUID.init(uuidString:)))
        let p = try await DuesActions.pay(input, member: m, source: "api", as: try req.acting)
        let res = Response(status: .created)
        try res.content.encode(Created(id: try p.requireID()), as: .json)
        return res
    }
}
