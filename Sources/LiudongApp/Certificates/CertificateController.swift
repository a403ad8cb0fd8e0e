import Fluent
import LiudongCore
import Vapor

/// The certificate's public verification page `/c/{token}` (with 登记报到 for a signed-in inflow or mobile
/// organization), the branch's page for a member's certificate, the API, and the member's own card.
struct CertificateController {
    func boot(_ r: FeatureRoutes) throws {
        r.public.grouped(ClientRateLimit()).get("c", ":token", use: verify)
        r.signedIn(.actForInflowOrganization).post("c", ":token", "checkin", use: checkIn)
        let manage = r.signedIn(.manageCertificates)
        manage.get("members", ":id", "certificate", use: page)
        manage.post("members", ":id", "certificate", use: issuePage)
        manage.post("members", ":id", "certificate", "check", use: checkPage)
        manage.post("api", "v1", "members", ":id", "certificate", use: issueAPI)
        manage.get("api", "v1", "certificates", ":number", use: showAPI)
        manage.post("api", "v1", "certificates", ":number", "checks", use: checkAPI)
        r.member.get("my", "certificate", use: mine)
    }

    /// "张**": the first character and a star for each of the rest.
    static func maskedName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    static func url(_ c: Certificate, _ req: Request) -> String {
        req.settings.baseURL + "/c/" + CertificateService.token(c, cipher: req.cipher)
    }

    // MARK: Public page

    struct PublicView: Encodable {
        var token: String
        var name: String
        var branch: String
        var number: String
        var validity: String
        var status: String
        var statusKey: String
        var canCheckIn: Bool
        var checkedInHere: String?
        var orgName: String?
        /// The account's events taking place now, to record the member present at.
        var events: [OrgLifeOption]
    }

    /// Shows only the masked name, the home branch, the number, validity and status; an unknown or forged token
    /// is a plain 404.
    func verify(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let c = try await CertificateService.find(token: token, cipher: req.cipher, on: req.db),
            let m = try await Member.find(c.memberID, on: req.db)
        else { throw AppError.notFound }
        let branch = try await Organization.find(m.organizationID, on: req.db)
        let status = c.status(on: AppClock.today)
        let user = req.auth.get(CurrentUser.self)
        var here: String?
        if let user, user.can(.actForInflowOrganization) {
            here = try await CertificateStore.lastCheckin(c.id!, org: user.scopeID, on: req.db)
        }
        let res = try await req.page(
            "certificates/public", title: "流动党员活动证查验",
            PublicView(
                token: token, name: Self.maskedName(m.name), branch: branch?.name ?? "", number: c.number,
                validity:
                    "\(CalendarDate(c.issuedOn)?.chinese ?? c.issuedOn) 至 \(CalendarDate(c.validTo)?.chinese ?? c.validTo)",
                status: status.label, statusKey: status.rawValue,
                canCheckIn: user?.can(.actForInflowOrganization) == true && status == .valid, checkedInHere: here,
                orgName: user?.scopeName,
                events: status == .valid && user?.can(.actForInflowOrganization) == true
                    ? try await OrgLifeOption.openNow(orgID: user!.scopeID, on: req.db) : []))
        res.headers.replaceOrAdd(name: HTTPHeaders.Name.cacheControl, value: "no-store")
        res.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex")
        return res
    }

    /// 登记报到: the signed-in inflow or mobile organization records the member's check-in with it.
    func checkIn(req: Request) async throws -> Response {
        let user = try req.user
        let token = req.parameters.get("token") ?? ""
        guard let c = try await CertificateService.find(token: token, cipher: req.cipher, on: req.db) else {
            throw AppError.notFound
        }
        let today = AppClock.today
        guard c.status(on: today) == .valid else {
            return req.redirect(to: "/c/\(token)", flash: "活动证\(c.status(on: today).label)，不能登记报到")
        }
        if try await CertificateStore.checkIn(c, org: user.scopeID, on: today, by: user.username, db: req.db) {
            try await req.audit(.create, "certificate", ref: c.number, summary: "\(user.scopeName)凭活动证\(c.number)登记报到")
        }
        return req.redirect(to: "/c/\(token)", flash: "已登记报到（\(user.scopeName)，\(today.chinese)）")
    }

    // MARK: Member's own card

    func mine(req: Request) async throws -> Response {
        let me = try req.member
        struct View: Encodable {
            var card: CertificateCard?
            var refusal: String?
            var advice: [CertificateAdvice]
            var dues: [String]
        }
        let c = try await CertificateStore.latest(of: me.memberID, on: req.db)
        let m = try await Member.find(me.memberID, on: req.db)
        let flow = try await CertificateService.openFlow(of: me.memberID, on: req.db)
        let rules = try await flow.asyncMap { try await CertificateService.rules($0, on: req.db) } ?? nil
        return try await req.myPage(
            "my/certificate", title: "流动党员活动证",
            View(
                card: try await c.asyncMap { c in try await CertificateCard.make(c, member: m, req: req) } ?? nil,
                refusal: rules.flatMap(CertificateRules.refusal),
                advice: CertificateAdvice.lines(rules, today: AppClock.today),
                dues: c == nil ? [] : try await DuesStore.certificateLines(of: me.memberID, on: req.db)))
    }
}

/// A line of advice on a certificate page (`CertificateRules`): the next contact of a member abroad (late when
/// overdue), or the suggestion to transfer the organizational relationship.
struct CertificateAdvice: Encodable {
    var id: String
    var text: String
    var late: Bool

    static func lines(_ f: CertificateRules.Flow?, today: CalendarDate) -> [CertificateAdvice] {
        guard let f else { return [] }
        var out: [CertificateAdvice] = []
        if let c = CertificateRules.abroadContact(f, today: today) {
            out.append(
                .init(
                    id: "abroad-contact",
                    text: "出国(境)期间保留组织关系，党组织至少每\(CertificateRules.abroadContactMonths)个月联系一次："
                        + "最近联系\(f.lastContactOn?.description ?? "无记录")，" + (c.overdue ? "已超过" : "下次应在")
                        + "\(c.due)\(c.overdue ? "，请尽快联系" : "前联系")",
                    late: c.overdue))
        }
        if let t = CertificateRules.transferAdvice(f, today: today) {
            out.append(.init(id: "transfer-advice", text: t, late: false))
        }
        return out
    }
}

/// The card as the member's phone and the branch's page show it.
struct CertificateCard: Encodable {
    var number: String
    var name: String
    var branch: String
    var issuedOn: String
    var validTo: String
    var status: String
    var statusKey: String
    var url: String
    var qr: String

    static func make(_ c: Certificate, member: Member?, req: Request) async throws -> CertificateCard {
        let branch = try await member.asyncMap { try await Organization.find($0.organizationID, on: req.db) } ?? nil
        let url = CertificateController.url(c, req)
        let status = c.status(on: AppClock.today)
        return CertificateCard(
            number: c.number, name: member?.name ?? "", branch: branch?.name ?? "", issuedOn: c.issuedOn,
            validTo: c.validTo, status: status.label, statusKey: status.rawValue, url: url,
            qr: status == .revoked ? "" : try QRCode(url).svg(pixelsPerModule: 5))
    }
}
