import Fluent
import LiudongCore
import Vapor

/// `/red-packages`: the campaigns an account sees with their progress in its scope, setting one up, the packages
/// mailed under its organization, and mailing one by itself to a member of a branch.
struct RedPackagePages {
    func boot(_ r: FeatureRoutes) throws {
        let m = r.signedIn(.manageLearning)
        m.get("red-packages", use: packages)
        m.post("red-packages", use: send)
        m.post("red-packages", "campaigns", use: createCampaign)
    }

    struct Line: Encodable {
        var name: String
        var branch: String
        var campaign: String
        var contents: String
        var sentOn: String
        var shipping: String
        var state: String
        var stateClass: String
    }

    struct CampaignLine: Encodable {
        var id: String
        var name: String
        var org: String
        var budget: String
        var recipients: Int
        var sent: Int
        var received: Int
        var notReceived: Int
        var percent: Int
    }

    func packages(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let rows = try await RedPackageStore.packages(under: org.path, on: req.db).map { p in
            let state = RedPackageRules.state(
                trackingNo: p.trackingNo, sentOn: p.sentOn, answer: p.answer, confirmedOn: p.confirmedOn, today: today)
            return Line(
                name: p.name, branch: p.branch, campaign: p.campaign ?? "单独寄出",
                contents: p.contents.replacingOccurrences(of: "\n", with: "、"), sentOn: p.sentOn,
                shipping: "\(p.courier) \(p.trackingNo)",
                state: state == .received
                    ? "\(p.confirmedOn ?? "")收到"
                    : state.label + (p.reason.map { "：\($0.label)" } ?? "") + (p.reasonNote.map { "（\($0)）" } ?? ""),
                stateClass: Self.stateClass(state))
        }
        let campaigns = try await RedPackageStore.campaigns(
            visibleFrom: org.path, ancestors: org.pathIDs, on: req.db
        ).map { c in
            CampaignLine(
                id: c.id.uuidString, name: c.name, org: c.org, budget: RedPackageRules.yuan(c.budgetFen),
                recipients: c.recipients, sent: c.sent ?? 0, received: c.received ?? 0, notReceived: c.notReceived ?? 0,
                percent: c.recipients == 0 ? 0 : (c.received ?? 0) * 100 / c.recipients)
        }
        struct Option: Encodable {
            var id: String
            var name: String
        }
        var mobile: [Option] = []
        if org.level == .branch {
            mobile = try await RedPackageStore.mobileMembers(of: org.requireID(), on: req.db).map {
                Option(id: $0.id!.uuidString, name: $0.name)
            }
        }
        struct View: Encodable {
            var code: String
            var name: String
            var campaigns: [CampaignLine]
            var rows: [Line]
            var mobile: [Option]
            var today: String
        }
        return try await req.page(
            "learning/red-packages", title: "红色包裹",
            View(
                code: org.code, name: org.name, campaigns: campaigns, rows: rows, mobile: mobile,
                today: today.description))
    }

    static func stateClass(_ s: PackageState) -> String {
        switch s {
        case .received: return "ok"
        case .late, .notReceived: return "warn"
        case .sent, .waiting: return "muted"
        }
    }

    struct PackageForm: Content {
        var org: String?
        var memberId: String?
        var contents: String?
        var sentOn: String?
        var courier: String?
        var trackingNo: String?
    }

    func send(req: Request) async throws -> Response {
        let f = try req.content.decode(PackageForm.self)
        let branch = try await req.treeScopeOrganization(code: f.org ?? "")
        guard branch.level == .branch else { throw AppError.notFound }
        let back = "/red-packages?org=\(branch.code)"
        guard let id = Normalize.text(f.memberId).flatMap({ UUID(uuidString: $0) }),
            let m = try await Member.find(id, on: req.db),
            m.organizationID == branch.id
        else { return req.redirect(to: back, flash: "请选择本支部的党员") }
        return try await req.act(back: back) {
            try await RedPackageActions.send(
                to: m, branch: branch, contents: f.contents, sentOn: f.sentOn, courier: f.courier,
                trackingNo: f.trackingNo, as: try req.acting)
            return "已登记寄给\(m.name)的红色包裹，待本人确认收到"
        }
    }

    struct CampaignForm: Content {
        var org: String?
        var name: String?
        var contents: String?
        var budget: String?
    }

    func createCampaign(req: Request) async throws -> Response {
        let f = try req.content.decode(CampaignForm.self)
        let org = try await req.treeScopeOrganization(code: f.org ?? "")
        do {
            let c = try await RedPackageActions.createCampaign(
                name: f.name, contents: f.contents, budget: f.budget, org: org, as: try req.acting)
            return req.redirect(
                to: "/red-packages/campaigns/\(c.id!.uuidString)", flash: "已创建活动，请按条件选择收件党员")
        } catch AppError.invalid(let errors) {
            return req.redirect(
                to: "/red-packages?org=\(org.code)#new", flash: errors.map(\.message).joined(separator: "；"))
        }
    }
}
