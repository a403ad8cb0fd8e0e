import Fluent
import LiudongCore
import Vapor

/// The review queue as JSON, so flows can be driven without the pages; the same rules as the pages.
struct ReviewAPI {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(anyOf: [.reviewArrivals, .reviewHomeReports])
        review.get("api", "v1", "reviews", use: index)
        review.post("api", "v1", "reviews", ":id", "confirm", use: confirm)
        review.post("api", "v1", "reviews", ":id", "return", use: returnReport)
    }

    struct Item: Content {
        var id: UUID
        var kind: String
        var memberName: String
        var idMasked: String
        var orgCode: String
        var submittedAt: Date?
        var status: String
    }
    struct Items: Content { var items: [Item] }

    /// `GET /api/v1/reviews?status=pending` (pending, confirmed or returned; at most 500, oldest first).
    func index(req: Request) async throws -> Items {
        let user = try req.user
        let raw = (try? req.query.get(String.self, at: "status")) ?? "pending"
        guard let status = ReportStatus(rawValue: raw) else {
            throw AppError.invalid([FieldError("status", "status 应为 pending、confirmed 或 returned")])
        }
        let reports = try await ReviewActions.queue(for: user, status: status, on: req.db).sort(\.$createdAt)
            .limit(500).all()
        return Items(
            items: reports.map {
                Item(
                    id: $0.id!, kind: $0.kind.rawValue, memberName: $0.name, idMasked: $0.idMasked,
                    orgCode: $0.orgCode, submittedAt: $0.createdAt, status: $0.status.rawValue)
            })
    }

    private func report(_ req: Request) async throws -> SelfReport {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound }
        return try await ReviewActions.find(id, for: try req.user, on: req.db)
    }

    struct Outcome: Content {
        var id: UUID
        var status: String
        /// `confirmed`, or `handedToHome` (an arrival the home side has no record of: its branch decides).
        var outcome: String
    }

    /// `POST /api/v1/reviews/{id}/confirm`.
    func confirm(req: Request) async throws -> Outcome {
        let user = try req.user
        let r = try await report(req)
        let outcome = try await ReviewActions.confirm(
            r, by: user, gate: req.application.writeGate, cipher: req.cipher, on: req.db)
        let handed = outcome == .handedToHome
        try await req.audit(
            .update, "self-report", ref: r.receipt,
            summary: handed ? "确认\(r.name)的\(r.kind.label)，与流出记录不符，转流出地党支部核实（API）" : "确认\(r.name)的\(r.kind.label)（API）")
        return Outcome(id: r.id!, status: r.status.rawValue, outcome: handed ? "handedToHome" : "confirmed")
    }

    struct ReturnBody: Content { var reason: String? }

    /// `POST /api/v1/reviews/{id}/return` `{"reason"}`.
    func returnReport(req: Request) async throws -> Outcome {
        let user = try req.user
        let r = try await report(req)
        let reason = try req.content.decode(ReturnBody.self).reason
        try await ReviewActions.returnReport(r, reason: reason, by: user, gate: req.application.writeGate, on: req.db)
        try await req.audit(
            .update, "self-report", ref: r.receipt, summary: "退回\(r.name)的\(r.kind.label)：\(reason ?? "")（API）")
        return Outcome(id: r.id!, status: r.status.rawValue, outcome: "returned")
    }
}
