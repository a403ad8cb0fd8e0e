import Fluent
import LiudongCore
import Vapor

/// Pairing pages (per branch or committee: unpaired members, cadres with their load, assign many at once, import)
/// and the pairing API.
struct PairingPages {
    func boot(_ r: FeatureRoutes) throws {
        let manage = r.signedIn(.managePairings)
        manage.get("pairings", use: index)
        manage.post("pairings", "assign", use: assign)
        manage.post("pairings", ":id", "end", use: endPage)
        manage.post("pairings", "import", use: importFile)
        manage.post("api", "v1", "pairings", use: createAPI)
        manage.delete("api", "v1", "pairings", ":id", use: deleteAPI)
        manage.get("api", "v1", "pairings", use: listAPI)
    }

    struct IndexView: Encodable {
        struct Unpaired: Encodable {
            var id: String
            var name: String
            var org: String
            var destination: String
            var leftOn: String
        }
        struct Cadre: Encodable {
            var key: String
            var name: String
            var post: String
            var phone: String
            var org: String
            var side: String
            var load: Int
            var full: Bool
        }
        struct Listed: Encodable {
            var id: String
            var memberID: String
            var member: String
            var side: String
            var cadre: String
            var phone: String
            var startedOn: String
        }
        var orgCode: String
        var orgName: String
        var side: String
        var sideLabel: String
        var canSwitchSide: Bool
        /// Only the account's own pairings as the cadre (from the worklist).
        var mine: Bool
        var unpaired: [Unpaired]
        var cadres: [Cadre]
        var pairings: [Listed]
        var cap: Int
        var posts: [String]
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.scopeOrganization()
        let side: PairingSide =
            user.isInflowSide
            ? .inflow : ((try? req.query.get(String.self, at: "side")).flatMap(PairingSide.init(rawValue:)) ?? .outflow)
        let cap = req.settings.pairingCap
        let unpaired = try await PairingStore.unpaired(side: side, org: org, on: req.db)
        let cadres = try await PairingStore.cadres(under: org, on: req.db)
        let mine = (try? req.query.get(String.self, at: "mine")) == "1"
        let listed = try await PairingStore.list(
            under: org, includeEnded: false, cadreAccount: mine ? user.accountID : nil, limit: 500, on: req.db)
        let view = IndexView(
            orgCode: org.code, orgName: org.name, side: side.rawValue, sideLabel: side.label,
            canSwitchSide: !user.isInflowSide, mine: mine,
            unpaired: unpaired.map {
                .init(
                    id: $0.member_id.uuidString, name: $0.name, org: $0.org_name,
                    destination: $0.destination_code.map { Divisions.shared.fullName($0) } ?? "", leftOn: $0.left_on)
            },
            cadres: cadres.filter { $0.side == side.rawValue }.map {
                .init(
                    key: $0.cadre_key, name: $0.cadre_name, post: $0.cadre_post, phone: $0.cadre_phone_masked,
                    org: $0.org_name, side: PairingSide(rawValue: $0.side)?.label ?? $0.side, load: $0.load,
                    full: $0.load >= cap)
            },
            pairings: listed.map {
                .init(
                    id: $0.id.uuidString, memberID: $0.member_id.uuidString, member: $0.member_name,
                    side: PairingSide(rawValue: $0.side)?.label ?? $0.side, cadre: "\($0.cadre_name)（\($0.cadre_post)）",
                    phone: $0.cadre_phone_masked, startedOn: $0.started_on)
            }, cap: cap, posts: PairingActions.posts)
        return try await req.page("pairing/index", title: "结对帮带", view)
    }

    struct AssignForm: Content {
        var org: String?
        var side: String?
        var members: [String]?
        var cadreKey: String?
        var name: String?
        var post: String?
        var phone: String?
        var orgCode: String?
        var account: String?
    }

    /// Many members to one cadre at once; each member that cannot be paired is named with the reason.
    func assign(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(AssignForm.self)
        let org = try await req.scopeOrganization(code: f.org)
        let back = "/pairings?org=\(org.code)&side=\(f.side ?? "outflow")"
        var cadre = PairingActions.CadreInput(
            name: f.name, post: f.post, phone: f.phone, orgCode: Normalize.text(f.orgCode) ?? org.code,
            account: f.account)
        if let key = Normalize.text(f.cadreKey) {
            // An existing cadre of the scope: copied from one of their open pairings.
            guard
                let sample = try await PairingStore.sample(cadre: key, on: req.db),
                let cadreOrg = try await Organization.find(sample.cadreOrgID, on: req.db), user.covers(cadreOrg)
            else { return req.redirect(to: back, flash: "没有找到所选的结对人，请重新选择") }
            let account = try await sample.cadreAccountID.asyncMap { try await Account.find($0, on: req.db) } ?? nil
            cadre = .init(
                name: sample.cadreName, post: sample.cadrePost, phone: try req.cipher.open(sample.cadrePhoneEnc),
                orgCode: cadreOrg.code, account: account?.username)
        }
        let members = Array((f.members ?? []).prefix(200))
        guard !members.isEmpty else { return req.redirect(to: back, flash: "请先勾选要结对的党员") }
        let (done, failures) = try await PairingActions.assign(
            members, side: f.side, cadre: cadre, org: org, cap: req.settings.pairingCap, cipher: req.cipher,
            as: try req.acting)
        let message =
            "已结对\(done)人"
            + (failures.isEmpty ? "" : "；\(failures.count)人未结对：" + failures.prefix(10).joined(separator: "；"))
        return req.redirect(to: back, flash: message)
    }

    struct EndForm: Content {
        var reason: String?
        var back: String?
    }

    func endPage(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(EndForm.self)
        let p = try await PairingActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let back = LocalPath.safe(f.back)
        do {
            try await PairingActions.end(p, reason: f.reason, as: try req.acting)
        } catch let e as AppError {
            return req.redirect(to: back, flash: e.fields.first?.message ?? e.reason)
        }
        return req.redirect(to: back, flash: "已解除结对")
    }

    struct Created: Content { var id: UUID }

    /// `POST /api/v1/pairings` → 201 `{"id"}`; 422 per field.
    func createAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(PairingActions.Input.self)
        let p = try await PairingActions.createOne(
            input, cap: req.settings.pairingCap, cipher: req.cipher, as: try req.acting)
        let res = Response(status: .created)
        try res.content.encode(Created(id: p.id!), as: .json)
        return res
    }

    /// `DELETE /api/v1/pairings/{id}` with `{"reason"}` → 204.
    func deleteAPI(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await PairingActions.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let reason = try? req.content.decode(EndForm.self).reason
        try await PairingActions.end(p, reason: reason, via: "（API）", as: try req.acting)
        return Response(status: .noContent)
    }

    struct Listed: Content {
        struct Cadre: Content {
            var name: String
            var post: String
            var phoneMasked: String
            var orgCode: String
        }
        var id: UUID
        var memberId: UUID
        var memberName: String
        var side: String
        var cadre: Cadre
        var startedOn: String
        var endedOn: String?
        var endReason: String?
    }
    struct ListResponse: Content {
        var org: String
        var items: [Listed]
    }

    /// `GET /api/v1/pairings?org=CODE[&ended=1]`: the subtree's open pairings (with `ended=1`, the ended ones too).
    func listAPI(req: Request) async throws -> ListResponse {
        let org = try await req.scopeOrganization()
        let ended = (try? req.query.get(String.self, at: "ended")) == "1"
        let rows = try await PairingStore.list(under: org, includeEnded: ended, on: req.db)
        return ListResponse(
            org: org.code,
            items: rows.map {
                Listed(
                    id: $0.id, memberId: $0.member_id, memberName: $0.member_name, side: $0.side,
                    cadre: .init(
                        name: $0.cadre_name, post: $0.cadre_post, phoneMasked: $0.cadre_phone_masked,
                        orgCode: $0.cadre_org_code),
                    startedOn: $0.started_on, endedOn: $0.ended_on, endReason: $0.end_reason)
            })
    }
}
