import Fluent
import LiudongCore
import Vapor

/// The public side: the phone page behind every QR code, the status check, and the JSON API.
struct SelfReportPages {
    func boot(_ routes: FeatureRoutes) throws {
        let limited = routes.public.grouped(ClientRateLimit())
        let r = limited.grouped("r")
        r.get("status", use: statusPage)
        r.post("status", use: statusCheck)
        r.get(":orgCode", use: phonePage)
        r.on(.POST, ":orgCode", body: .collect(maxSize: "64kb"), use: submitForm)
        let api = limited.grouped("api", "v1", "self-reports")
        api.on(.POST, body: .collect(maxSize: "64kb"), use: submitAPI)
        api.get(":receipt", use: statusAPI)
    }

    private func context(_ req: Request) -> SelfReportService.Context {
        .init(
            cipher: req.cipher, settings: req.settings, limiter: req.application.rateLimiter,
            writer: req.application.reportWriter, client: req.clientAddress)
    }

    // MARK: API

    struct Created: Content {
        var receipt: String
        var status: String
    }

    func submitAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(SelfReportInput.self)
        let outcome = try await SelfReportService.submit(
            input, context: context(req), directory: req.application.orgDirectory, on: req.db)
        let res = Response(status: outcome.duplicate ? .ok : .created)
        try res.content.encode(Created(receipt: outcome.receipt, status: outcome.status.rawValue), as: .json)
        return res
    }

    struct StatusResponse: Content {
        var receipt: String
        var kind: String
        var status: String
        var statusLabel: String
        var reason: String?
        var submittedAt: Date?
        var reviewedAt: Date?
    }

    func statusAPI(req: Request) async throws -> StatusResponse {
        let r = try await SelfReportService.status(
            receipt: req.parameters.get("receipt") ?? "", idTail: (try? req.query.get(String.self, at: "idTail")) ?? "",
            cipher: req.cipher, on: req.db)
        return StatusResponse(
            receipt: r.receipt, kind: r.kind.rawValue, status: r.status.rawValue, statusLabel: r.status.label,
            reason: r.reviewReason, submittedAt: r.createdAt, reviewedAt: r.reviewedAt)
    }

    // MARK: Phone page

    func phonePage(req: Request) async throws -> View {
        let org = try await publicOrg(req)
        let kind = (try? req.query.get(String.self, at: "kind")).flatMap(ReportKind.init(rawValue:))
        return try await PhonePage.render(req, org: org, input: SelfReportInput(kind: kind?.rawValue), errors: [])
    }

    func submitForm(req: Request) async throws -> Response {
        let org = try await publicOrg(req)
        let input = try PhonePage.input(from: req, org: org)
        do {
            let outcome = try await SelfReportService.submit(
                input, context: context(req), directory: req.application.orgDirectory, on: req.db)
            let body = PhonePage.Receipt(
                receipt: outcome.receipt, kind: ReportKind(rawValue: input.kind ?? "")?.label ?? "",
                duplicate: outcome.duplicate, orgCode: org.code)
            return try await req.view.render("report/receipt", body).encodeResponse(
                status: outcome.duplicate ? .ok : .created, for: req)
        } catch AppError.invalid(let errors) {
            return try await PhonePage.render(req, org: org, input: input, errors: errors).encodeResponse(
                status: .unprocessableEntity, for: req)
        }
    }

    private func publicOrg(_ req: Request) async throws -> Organization {
        guard
            let org = try await OrgTree.organization(code: req.parameters.get("orgCode") ?? "", on: req.db),
            !org.isClosed
        else { throw AppError.notFound }
        return org
    }

    // MARK: Status page

    struct StatusView: Encodable {
        var receipt: String
        var idTail: String
        var error: String?
        var result: StatusResponse?
        var kindLabel: String?
    }

    func statusPage(req: Request) async throws -> View {
        try await req.view.render(
            "report/status",
            StatusView(
                receipt: (try? req.query.get(String.self, at: "receipt")) ?? "", idTail: "",
                error: nil, result: nil, kindLabel: nil))
    }

    struct StatusForm: Content {
        var receipt: String?
        var idTail: String?
    }

    func statusCheck(req: Request) async throws -> View {
        let f = try req.content.decode(StatusForm.self)
        do {
            let r = try await SelfReportService.status(
                receipt: f.receipt ?? "", idTail: f.idTail ?? "", cipher: req.cipher, on: req.db)
            let res = StatusResponse(
                receipt: r.receipt, kind: r.kind.rawValue, status: r.status.rawValue, statusLabel: r.status.label,
                reason: r.reviewReason, submittedAt: r.createdAt, reviewedAt: r.reviewedAt)
            return try await req.view.render(
                "report/status",
                StatusView(
                    receipt: r.receipt, idTail: "", error: nil, result: res,
                    kindLabel: r.kind.label))
        } catch AppError.notFound {
            return try await req.view.render(
                "report/status",
                StatusView(
                    receipt: f.receipt ?? "", idTail: "",
                    error: "没有找到该回执，请核对回执号和身份证号后6位", result: nil, kindLabel: nil))
        }
    }
}
