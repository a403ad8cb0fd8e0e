import Fluent
import LiudongCore
import Vapor

/// The branch's side: a member's certificate page, (re)issue, the annual check; and the same through the API.
extension CertificateController {
    struct StaffView: Encodable {
        struct Line: Encodable {
            var text: String
        }
        var memberID: String
        var memberName: String
        var hasOpenFlow: Bool
        /// Why the open flow gets no certificate (出国(境), under a month), else nil.
        var refusal: String?
        /// An open flow the rules allow a certificate for.
        var canIssue: Bool
        /// What the page advises: the next contact of a member abroad, a transfer after six months at one place.
        var advice: [CertificateAdvice]
        var card: CertificateCard?
        var history: [Line]
        var checks: [Line]
        var checkins: [Line]
        /// 党费: the latest payments with where each was made (an inflow organization's shows the same day).
        var dues: [Line]
        var grades: [SelectOption]
        var year: Int
    }

    private func member(_ req: Request) async throws -> Member {
        try await MemberService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)) ?? UUID(), for: try req.user, on: req.db)
    }

    func page(req: Request) async throws -> Response {
        let m = try await member(req)
        let certs = try await Certificate.query(on: req.db).filter(\.$memberID == m.id!).sort(\.$createdAt, .descending)
            .all()
        let current = certs.first
        let ids = certs.compactMap(\.id)
        let checks = try await CertificateCheck.query(on: req.db).filter(\.$certificateID ~~ ids).sort(\.$year).all()
        let checkins = try await CertificateCheckin.query(on: req.db).filter(\.$certificateID ~~ ids)
            .sort(\.$checkedInOn, .descending).limit(50).all()
        let orgs = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: req.db).filter(\.$id ~~ checkins.map(\.orgID)).all()
                .map { ($0.id!, $0.shortName) })
        let open = m.flowStatus.flatMap(FlowState.init(rawValue:))?.isOpen ?? false
        let today = AppClock.today
        let flow = try await CertificateService.openFlow(of: m.id!, on: req.db)
        let rules = try await flow.asyncMap { try await CertificateService.rules($0, on: req.db) } ?? nil
        let view = StaffView(
            memberID: m.id!.uuidString, memberName: m.name, hasOpenFlow: open,
            refusal: rules.flatMap(CertificateRules.refusal),
            canIssue: open && rules.map { CertificateRules.refusal($0) == nil } ?? true,
            advice: CertificateAdvice.lines(rules, today: today),
            card: try await current.asyncMap { try await CertificateCard.make($0, member: m, req: req) } ?? nil,
            history: certs.map { c in
                .init(
                    text: "\(c.number) · \(c.issuedOn)签发 · 有效至\(c.validTo) · \(c.status(on: today).label)"
                        + (c.revokedOn.map { "（\($0)注销：\(c.revokedReason ?? "")）" } ?? ""))
            },
            checks: checks.map {
                .init(text: "\($0.year)年度年审 · 民主评议\($0.appraisal.label) · \($0.checkedOn) · 延至\($0.validTo)")
            },
            checkins: checkins.map { .init(text: "\($0.checkedInOn) \(orgs[$0.orgID] ?? "")登记报到（\($0.byUsername)）") },
            dues: try await DuesStore.certificateLines(of: m.requireID(), on: req.db).map { .init(text: $0) },
            grades: AppraisalGrade.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == .qualified)
            },
            year: today.year)
        return try await req.page("certificates/member", title: "流动党员活动证", view)
    }

    func issuePage(req: Request) async throws -> Response {
        let user = try req.user
        let m = try await member(req)
        let c = try await CertificateService.issue(for: m, by: user.username, on: req.db)
        try await req.audit(.create, "certificate", ref: c.number, summary: "签发流动党员活动证\(c.number)（\(m.name)）")
        return req.redirect(to: "/members/\(m.id!.uuidString)/certificate", flash: "已签发活动证\(c.number)，旧二维码已失效")
    }

    struct CheckInput: Content {
        var year: Int?
        var appraisal: String?
    }

    func checkPage(req: Request) async throws -> Response {
        let user = try req.user
        let m = try await member(req)
        guard
            let c = try await Certificate.query(on: req.db).filter(\.$memberID == m.id!).filter(\.$revokedOn == nil)
                .first()
        else { return req.redirect(to: "/members/\(m.id!.uuidString)/certificate", flash: "没有可年审的活动证") }
        let f = try req.content.decode(CheckInput.self)
        do {
            let check = try await CertificateService.check(
                c, year: f.year, appraisal: f.appraisal, by: user.username, on: req.db)
            try await req.audit(
                .update, "certificate", ref: c.number,
                summary: "活动证\(c.number) \(check.year)年度年审（\(check.appraisal.label)）")
            return req.redirect(to: "/members/\(m.id!.uuidString)/certificate", flash: "年审完成，有效期延至\(check.validTo)")
        } catch AppError.invalid(let errors) {
            return req.redirect(
                to: "/members/\(m.id!.uuidString)/certificate", flash: errors.map(\.message).joined(separator: "；"))
        } catch AppError.conflict(let message) {
            return req.redirect(to: "/members/\(m.id!.uuidString)/certificate", flash: message)
        }
    }

    struct Issued: Content {
        var number: String
        var validTo: String
        var url: String
    }

    /// `POST /api/v1/members/{id}/certificate` → 201 `{"number","validTo","url"}`.
    func issueAPI(req: Request) async throws -> Response {
        let user = try req.user
        let m = try await member(req)
        let c = try await CertificateService.issue(for: m, by: user.username, on: req.db)
        try await req.audit(.create, "certificate", ref: c.number, summary: "签发流动党员活动证\(c.number)（API）")
        let res = Response(status: .created)
        try res.content.encode(Issued(number: c.number, validTo: c.validTo, url: Self.url(c, req)), as: .json)
        return res
    }

    struct Shown: Content {
        struct Check: Content {
            var year: Int
            var appraisal: String
            var checkedOn: String
            var validTo: String
        }
        struct CheckIn: Content {
            var orgCode: String
            var on: String
        }
        var number: String
        var status: String
        var issuedOn: String
        var validTo: String
        var checks: [Check]
        var checkIns: [CheckIn]
    }

    private func certificate(_ req: Request) async throws -> Certificate {
        let user = try req.user
        guard let number = req.parameters.get("number"), number.count <= 40,
            let c = try await Certificate.query(on: req.db).filter(\.$number == number).first(),
            try await user.visibleMembers(Member.query(on: req.db)).filter(\.$id == c.memberID).count() > 0
        else { throw AppError.notFound }
        return c
    }

    /// `GET /api/v1/certificates/{number}` → `{"number","status","validTo","checks":[...]}` (staff, in scope).
    func showAPI(req: Request) async throws -> Shown {
        let c = try await certificate(req)
        let checks = try await CertificateCheck.query(on: req.db).filter(\.$certificateID == c.id!).sort(\.$year).all()
        let checkins = try await CertificateCheckin.query(on: req.db).filter(\.$certificateID == c.id!)
            .sort(\.$checkedInOn).limit(200).all()
        let codes = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: req.db).filter(\.$id ~~ checkins.map(\.orgID)).all()
                .map { ($0.id!, $0.code) })
        return Shown(
            number: c.number, status: c.status(on: AppClock.today).rawValue, issuedOn: c.issuedOn, validTo: c.validTo,
            checks: checks.map {
                .init(year: $0.year, appraisal: $0.appraisal.rawValue, checkedOn: $0.checkedOn, validTo: $0.validTo)
            }, checkIns: checkins.map { .init(orgCode: codes[$0.orgID] ?? "", on: $0.checkedInOn) })
    }

    /// `POST /api/v1/certificates/{number}/checks` `{"year","appraisal"}` → 201 with the certificate.
    func checkAPI(req: Request) async throws -> Response {
        let user = try req.user
        let c = try await certificate(req)
        let f = try req.content.decode(CheckInput.self)
        let check = try await CertificateService.check(
            c, year: f.year, appraisal: f.appraisal, by: user.username, on: req.db)
        try await req.audit(.update, "certificate", ref: c.number, summary: "活动证\(c.number) \(check.year)年度年审（API）")
        let res = Response(status: .created)
        try res.content.encode(try await showAPI(req: req), as: .json)
        return res
    }
}
