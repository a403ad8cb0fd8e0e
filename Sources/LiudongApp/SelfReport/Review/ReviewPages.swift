import Fluent
import LiudongCore
import Vapor

/// The review queue: pending reports routed to organizations in scope; confirm or return with a reason.
struct ReviewPages {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(anyOf: [.reviewArrivals, .reviewHomeReports])
        review.get("reviews", use: index)
        review.post("reviews", ":id", "confirm", use: confirm)
        review.post("reviews", ":id", "return", use: returnReport)
    }

    struct Row: Encodable {
        var id: String
        var receipt: String
        var kind: String
        var name: String
        var idMasked: String
        var phoneMasked: String?
        var inRoster: Bool
        var memberID: String?
        var destination: String?
        var address: String?
        var employer: String?
        var reason: String?
        var leftOn: String?
        var expectedReturnOn: String?
        var inflowOrg: String?
        var note: String?
        var submittedAt: String
        var reviewOrg: String
        var reviewReason: String?
        var reviewedBy: String?
        var nameDiffers: Bool
    }
    struct IndexView: Encodable {
        var rows: [Row]
        var status: String
        var statuses: [SelectOption]
        var total: Int
        var pending: Bool
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let status = (try? req.query.get(String.self, at: "status")).flatMap(ReportStatus.init(rawValue:)) ?? .pending
        let q = ReviewActions.queue(for: user, status: status, on: req.db)
        let total = try await q.count()
        let reports = try await q.sort(\.$createdAt, status == .pending ? .ascending : .descending).limit(200).all()
        let orgIDs = Set(reports.flatMap { [$0.reviewOrgID] + ($0.inflowOrgID.map { [$0] } ?? []) })
        let orgs = try await OrgTree.byID(orgIDs, on: req.db)
        let rows = reports.map { r in
            Row(
                id: r.id!.uuidString, receipt: Masking.receipt(r.receipt), kind: r.kind.label, name: r.name,
                idMasked: (try? req.cipher.open(r.idNumberEnc)).map(Masking.idNumber) ?? Masking.idStored(r.idMasked),
                phoneMasked: r.phoneMasked,
                inRoster: r.memberID != nil, memberID: r.memberID?.uuidString,
                destination: r.destinationCode.map { Divisions.shared.fullName($0) }, address: r.address,
                employer: r.employer,
                reason: r.reason.flatMap(OutflowReason.init(rawValue:))?.label, leftOn: r.leftOn,
                expectedReturnOn: r.expectedReturnOn,
                inflowOrg: r.inflowOrgID.flatMap { orgs[$0]?.shortName }, note: r.note,
                submittedAt: Format.dateTime(r.createdAt),
                reviewOrg: orgs[r.reviewOrgID]?.shortName ?? "", reviewReason: r.reviewReason, reviewedBy: r.reviewedBy,
                nameDiffers: r.rosterNameDiffers == true)
        }
        let statuses = ReportStatus.allCases.map {
            SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == status)
        }
        return try await req.page(
            "reviews/index", title: "报到审核",
            IndexView(
                rows: rows, status: status.rawValue, statuses: statuses, total: total, pending: status == .pending))
    }

    private func report(_ req: Request) async throws -> SelfReport {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound }
        return try await ReviewActions.find(id, for: try req.user, on: req.db)
    }

    func confirm(req: Request) async throws -> Response {
        let user = try req.user
        let r = try await report(req)
        let outcome: ReviewActions.Confirmation
        do {
            outcome = try await ReviewActions.confirm(
                r, by: user, gate: req.application.writeGate, cipher: req.cipher, on: req.db)
        } catch let e as AppError {
            return req.redirect(to: "/reviews", flash: e.reason)
        }
        if outcome == .handedToHome {
            try await req.audit(
                .update, "self-report", ref: r.receipt, summary: "确认\(r.name)的\(r.kind.label)，与流出记录不符，转流出地党支部核实")
            return req.redirect(to: "/reviews", flash: "已确认；流出地没有\(r.name)去往本地的流出记录，已转其党支部核实后生效")
        }
        try await req.audit(.update, "self-report", ref: r.receipt, summary: "确认\(r.name)的\(r.kind.label)")
        return req.redirect(to: "/reviews", flash: "已确认\(r.name)的\(r.kind.label)")
    }

    struct ReturnForm: Content { var reason: String? }

    func returnReport(req: Request) async throws -> Response {
        let user = try req.user
        let r = try await report(req)
        let reason = try req.content.decode(ReturnForm.self).reason
        do {
            try await ReviewActions.returnReport(
                r, reason: reason, by: user, gate: req.application.writeGate, on: req.db)
        } catch let e as AppError {
            return req.redirect(to: "/reviews", flash: e.fields.first?.message ?? e.reason)
        }
        try await req.audit(
            .update, "self-report", ref: r.receipt, summary: "退回\(r.name)的\(r.kind.label)：\(reason ?? "")")
        return req.redirect(to: "/reviews", flash: "已退回\(r.name)的\(r.kind.label)")
    }
}
