import Fluent
import LiudongCore
import Vapor

/// The members' own phone side (手机端"我的"): member accounts, activation codes, `/my` and `/api/v1/my`.
struct MemberPortalFeature: Feature {
    let name = "memberPortal"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(15, CreateMemberAccounts()), NumberedMigration(30, CreateMemberSignInLocks())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try MyController().boot(routes)
        let staff = routes.signedIn(.issueActivationCodes)
        staff.post("members", ":id", "activation-code", use: issuePage)
        staff.post("api", "v1", "members", ":id", "activation-code", use: issueAPI)
        staff.post("members", ":id", "activation-code", "sms", use: smsPage)
        staff.post("api", "v1", "members", ":id", "activation-code", "sms", use: smsAPI)
        staff.post("members", ":id", "sign-in-unlock", use: unlockPage)
        staff.post("api", "v1", "members", ":id", "sign-in-unlock", use: unlockAPI)
    }

    var openAPI: String? { MemberPortalOpenAPI.part }

    struct Issued: Content {
        var code: String
        var expiresAt: Date
    }

    /// A code for a member of the account's scope: shown once, audited.
    private func issue(_ req: Request) async throws -> (Member, Issued) {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound }
        let member = try await MemberService.find(id, for: user, on: req.db)
        let (code, expires) = try await MemberAuthService.issueCode(
            for: member, by: user.username, cipher: req.cipher, on: req.db)
        try await MemberEvent.record(
            member.id!, kind: .updated, summary: "发放手机端账号激活码（14天内有效）", by: user.username, on: req.db)
        try await req.audit(.create, "activation-code", ref: member.id!.uuidString, summary: "为\(member.name)发放手机端激活码")
        return (member, Issued(code: code, expiresAt: expires))
    }

    struct Queued: Content {
        var queued: Bool
        var expiresAt: Date
    }

    /// A code sent by SMS to the member's roster phone: the staff never see it; it goes sealed into the outbox in the
    /// same transaction as the code. 409 without a provider or a mobile number on the roster.
    private func sendCode(_ req: Request) async throws -> (Member, Queued) {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound }
        let member = try await MemberService.find(id, for: user, on: req.db)
        guard req.settings.notify.provider != nil, req.settings.notify.templates[.activationCode] != nil else {
            throw AppError.conflict("未配置短信服务商或激活码短信模板，请打印激活码交给本人")
        }
        guard member.phoneEnc.flatMap({ try? req.cipher.open($0) }).flatMap(Phone.mobile) != nil
        else { throw AppError.conflict("名册中没有该党员的手机号码，请打印激活码交给本人") }
        let cipher = req.cipher
        let expires = try await req.db.transaction { tx in
            let (code, expires) = try await MemberAuthService.issueCode(
                for: member, by: user.username, cipher: cipher, on: tx)
            try await Notify.enqueue(
                .activationCode, member: member.requireID(), params: ["code": code], cipher: cipher, on: tx)
            try await MemberEvent.record(
                member.requireID(), kind: .updated, summary: "短信发送手机端账号激活码（14天内有效）", by: user.username,
                on: tx)
            return expires
        }
        try await req.audit(
            .create, "activation-code", ref: member.id!.uuidString, summary: "短信发送\(member.name)的手机端激活码")
        return (member, Queued(queued: true, expiresAt: expires))
    }

    /// `POST /api/v1/members/{id}/activation-code/sms` → 202 `{"queued":true,"expiresAt"}`.
    func smsAPI(req: Request) async throws -> Response {
        let (_, queued) = try await sendCode(req)
        let res = Response(status: .accepted)
        try res.content.encode(queued, as: .json)
        return res
    }

    func smsPage(req: Request) async throws -> Response {
        do {
            let (member, _) = try await sendCode(req)
            return req.redirect(to: "/members/\(member.id!.uuidString)", flash: "激活码已通过短信发送到名册手机号，14天内有效")
        } catch AppError.conflict(let message) {
            let id = req.parameters.get("id") ?? ""
            return req.redirect(to: "/members/\(id)", flash: message)
        }
    }

    /// `POST /api/v1/members/{id}/activation-code` → 201 `{"code","expiresAt"}`.
    func issueAPI(req: Request) async throws -> Response {
        let (_, issued) = try await issue(req)
        let res = Response(status: .created)
        try res.content.encode(issued, as: .json)
        return res
    }

    struct SlipView: Encodable {
        var name: String
        var branch: String
        var code: String
        var expires: String
        var url: String
        var qr: String
        var memberID: String
    }

    /// The printable slip: the code, where to activate, and a QR code that opens the page with the code filled in
    /// (from the URL's fragment, by the page itself).
    func issuePage(req: Request) async throws -> Response {
        let (member, issued) = try await issue(req)
        // The code rides in the fragment: browsers never send it, so it reaches no server or proxy log.
        let url = req.settings.baseURL + "/my/activate#code=" + issued.code
        let branch = try await Organization.find(member.organizationID, on: req.db)
        let view = SlipView(
            name: member.name, branch: branch?.name ?? "", code: issued.code,
            expires: CalendarDate(date: issued.expiresAt).chinese, url: url,
            qr: try QRCode(url).svg(pixelsPerModule: 5),
            memberID: member.id!.uuidString)
        let res = try await req.page("my/slip", title: "手机端激活码", view)
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }

    struct Unlocked: Content {
        /// How many devices or networks had been paused.
        var unlocked: Int
    }

    /// The member's branch lifts the pauses that failed sign-ins put on the member's phone account (audited).
    private func unlock(_ req: Request) async throws -> (Member, Unlocked) {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound }
        let member = try await MemberService.find(id, for: user, on: req.db)
        let n = try await MemberSignInLocks.unlock(member: member.id!, now: AppClock.now, on: try req.db.sql())
        try await MemberEvent.record(
            member.id!, kind: .updated, summary: "解除手机端登录暂停（\(n)处）", by: user.username, on: req.db)
        try await req.audit(
            .update, "member-account", ref: member.id!.uuidString, summary: "解除\(member.name)的手机端登录暂停（\(n)处）")
        return (member, Unlocked(unlocked: n))
    }

    /// `POST /api/v1/members/{id}/sign-in-unlock` → 200 `{"unlocked": n}`.
    func unlockAPI(req: Request) async throws -> Unlocked {
        try await unlock(req).1
    }

    func unlockPage(req: Request) async throws -> Response {
        let (member, done) = try await unlock(req)
        return req.redirect(
            to: "/members/\(member.id!.uuidString)",
            flash: done.unlocked > 0 ? "已解除\(member.name)的手机端登录暂停" : "\(member.name)的手机端登录没有被暂停")
    }
}
