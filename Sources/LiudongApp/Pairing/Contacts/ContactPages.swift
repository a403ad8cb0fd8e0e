import Fluent
import LiudongCore
import Vapor

/// A member's pairings and contacts (the phone-first contact form), the quarter's compliance, and the member's answer.
struct ContactPages {
    func boot(_ r: FeatureRoutes) throws {
        let record = r.signedIn(.recordContacts)
        record.get("members", ":id", "pairings", use: memberPage)
        record.post("members", ":id", "contacts", use: recordPage)
        record.post("api", "v1", "contacts", use: recordAPI)
        let reports = r.signedIn(.viewContactReports)
        reports.get("contacts", use: compliancePage)
        reports.get("api", "v1", "contact-compliance", use: complianceAPI)
        r.member.post("my", "contacts", ":id", "confirm", use: confirmMine)
        r.member.post("my", "contacts", ":id", "deny", use: denyMine)
        r.member.post("api", "v1", "my", "contacts", ":id", "answer", use: answerAPI)
        r.member.get("api", "v1", "my", "contacts", use: myContactsAPI)
    }

    struct MemberView: Encodable {
        struct Pair: Encodable {
            var id: String
            var side: String
            var cadre: String
            var phone: String
            var org: String
            var startedOn: String
            var ended: String?
            var canRecord: Bool
        }
        struct Line: Encodable {
            var id: String
            var on: String
            var method: String
            var cadre: String
            var summary: String
            var needs: String?
            var nextOn: String?
            var answer: String
            var answered: Bool
            var denied: Bool
        }
        var memberID: String
        var name: String
        var orgCode: String
        var flowSince: String?
        var pairs: [Pair]
        var contacts: [Line]
        var methods: [SelectOption]
        /// Kinds of request a need heard in a contact may be recorded as (诉求办理).
        var requestKinds: [SelectOption]
        var today: String
        var input: ContactActions.Input
        var errors: [String: String]
        var canManage: Bool
    }

    private func member(_ req: Request) async throws -> Member {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound }
        return try await MemberService.find(id, for: try req.user, on: req.db)
    }

    func memberPage(req: Request) async throws -> Response {
        try await render(req, member: try await member(req), input: .init(), errors: [:])
    }

    private func render(
        _ req: Request, member: Member, input: ContactActions.Input, errors: [String: String],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let user = try req.user
        let pairings = try await PairingStore.all(of: member.id!, on: req.db)
        let orgName = try await OrgTree.byID(Array(Set(pairings.map(\.cadreOrgID))), on: req.db)
            .mapValues(\.shortName)
        let byID = Dictionary(uniqueKeysWithValues: pairings.map { ($0.id!, $0) })
        let contacts = try await ContactStore.contacts(of: member.id!, on: req.db)
        let flow = try await PairingStore.openFlow(of: member.id!, on: req.db)
        let home = try await Organization.find(member.organizationID, on: req.db)
        let view = MemberView(
            memberID: member.id!.uuidString, name: member.name, orgCode: home?.code ?? "", flowSince: flow?.leftOn,
            pairs: pairings.map {
                .init(
                    id: $0.id!.uuidString, side: $0.side.label, cadre: "\($0.cadreName)（\($0.cadrePost)）",
                    phone: $0.cadrePhoneMasked, org: orgName[$0.cadreOrgID] ?? "", startedOn: $0.startedOn,
                    ended: $0.endedOn.map { [reason = $0.endReason ?? ""] e in "\(e)解除：\(reason)" },
                    canRecord: $0.endedOn == nil && (!user.isInflowSide || $0.side == .inflow))
            },
            contacts: contacts.map { c in
                let p = byID[c.pairingID]
                return .init(
                    id: c.id?.uuidString ?? "", on: c.contactOn, method: c.method.label,
                    cadre: p.map { "\($0.cadreName)（\($0.side.label)）" } ?? "",
                    summary: c.summary, needs: c.needs, nextOn: c.nextOn, answer: c.answer?.label ?? "待本人确认",
                    answered: c.answer != nil, denied: c.answer == .denied)
            },
            methods: ContactMethod.options(selected: input.method ?? ContactMethod.phone.rawValue),
            requestKinds: ServiceRequestKind.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: false)
            },
            today: AppClock.today.description, input: input, errors: errors,
            canManage: user.can(.managePairings))
        return try await req.page("pairing/member", title: "\(member.name) · 结对与联系", view, status: status)
    }

    func recordPage(req: Request) async throws -> Response {
        let member = try await member(req)
        let input = try req.content.decode(ContactActions.Input.self)
        do {
            let c = try await ContactActions.record(input, member: member, as: try req.acting)
            return req.redirect(
                to: "/members/\(member.id!.uuidString)/pairings", flash: "已记录\(c.method.label)（\(c.contactOn)），待党员本人确认")
        } catch AppError.invalid(let errors) {
            return try await render(
                req, member: member, input: input, errors: errors.byField, status: .unprocessableEntity)
        }
    }

    struct Created: Content { var id: UUID }

    /// `POST /api/v1/contacts` `{"pairingId","method","date","summary","needs"?,"nextOn"?}` → 201 `{"id"}`.
    func recordAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(ContactActions.Input.self)
        let c = try await ContactActions.record(input, as: try req.acting)
        let res = Response(status: .created)
        try res.content.encode(Created(id: c.id!), as: .json)
        return res
    }

    // MARK: Compliance

    static func quarter(_ req: Request) throws -> Quarter {
        guard let raw = try? req.query.get(String.self, at: "quarter"), !raw.isEmpty else { return AppClock.quarter }
        guard let q = Quarter(raw) else { throw AppError.invalid([FieldError("quarter", "季度的格式应为2026Q4")]) }
        return q
    }

    func complianceAPI(req: Request) async throws -> ComplianceResponse {
        let org = try await req.scopeOrganization()
        return try await Compliance.compute(org: org, quarter: try Self.quarter(req), on: req.db).response
    }

    struct ComplianceView: Codable {
        struct Method: Codable {
            var label: String
            var count: Int
            var share: String
        }
        struct Missing: Codable {
            var id: String
            var name: String
            var org: String
            var last: String
        }
        var orgCode: String
        var orgName: String
        var quarter: String
        var quarterLabel: String
        var quarters: [SelectOption]
        var mobileMembers: Int
        var contacted: Int
        var confirmed: Int
        var unconfirmed: Int
        var share: String
        var confirmedShare: String
        var methods: [Method]
        var children: [Compliance.Child]
        var missing: [Missing]
        var more: Int
        var lastMonth: Bool
        /// When the figures were counted, when they come from the roll-up (a city's or province's current quarter).
        var countedAt: String? = nil
    }

    func compliancePage(req: Request) async throws -> Response {
        let org = try await req.scopeOrganization()
        let quarter = try Self.quarter(req)
        var view: ComplianceView
        if quarter == Quarter(containing: AppClock.today),
            let (cached, at) = try await FigureCache.read(
                "contactCompliance", for: org, as: ComplianceView.self, on: req.db),
            cached.quarter == quarter.description
        {
            view = cached
            view.countedAt = "截至" + Features.clock(at) + "（大范围统计每5分钟更新）"
        } else {
            view = try await Self.complianceView(for: org, quarter: quarter, on: req.db)
        }
        return try await req.page("pairing/compliance", title: "季度联系情况", view)
    }

    /// The quarter's compliance under `org`: totals, by method, per child, and the first 500 not contacted.
    static func complianceView(for org: Organization, quarter: Quarter, on db: Database) async throws
        -> ComplianceView
    {
        let c = try await Compliance.compute(org: org, quarter: quarter, on: db)
        var recent: [Quarter] = [AppClock.quarter]
        while recent.count < 6, let p = recent.last?.previous { recent.append(p) }
        let missing = c.notContacted
        let today = AppClock.today
        let view = ComplianceView(
            orgCode: org.code, orgName: org.name, quarter: quarter.description, quarterLabel: quarter.chinese,
            quarters: recent.map {
                SelectOption(value: $0.description, label: $0.chinese, selected: $0 == quarter)
            },
            mobileMembers: c.mobileMembers, contacted: c.contacted, confirmed: c.confirmed,
            unconfirmed: c.unconfirmed, share: Compliance.percent(c.contacted, of: c.mobileMembers),
            confirmedShare: Compliance.percent(c.confirmed, of: c.mobileMembers),
            methods: c.byMethod.map {
                .init(label: $0.0.label, count: $0.1, share: Compliance.percent($0.1, of: c.mobileMembers))
            },
            children: c.children,
            missing: missing.prefix(500).map {
                .init(
                    id: $0.member_id.uuidString, name: $0.name,
                    org: $0.org_name, last: $0.last_contact_on ?? "从未联系")
            },
            more: max(0, missing.count - 500),
            lastMonth: quarter.contains(today) && today.month % 3 == 0 && !missing.isEmpty)
        return view
    }

    // MARK: The member's answer

    struct AnswerBody: Content {
        var answer: String?
        var note: String?
    }

    func confirmMine(req: Request) async throws -> Response {
        try await answerPage(req, .confirmed)
    }

    func denyMine(req: Request) async throws -> Response {
        try await answerPage(req, .denied)
    }

    private func answerPage(_ req: Request, _ answer: ContactAnswer) async throws -> Response {
        let m = try req.member
        let note = (try? req.content.decode(AnswerBody.self))?.note
        do {
            _ = try await ContactActions.answer(
                req.parameters.get("id").flatMap(UUID.init(uuidString:)), answer: answer, note: note, by: m, on: req.db)
        } catch AppError.conflict(let message) {
            return req.redirect(to: "/my", flash: message)
        }
        return req.redirect(to: "/my", flash: answer == .confirmed ? "已确认这次联系，谢谢" : "已记录：这次联系没有发生，党组织会核实")
    }

    /// `POST /api/v1/my/contacts/{id}/answer` `{"answer":"confirmed"|"denied","note"?}`.
    func answerAPI(req: Request) async throws -> MyContact {
        let m = try req.member
        let body = try req.content.decode(AnswerBody.self)
        guard let answer = body.answer.flatMap(ContactAnswer.init(rawValue:)) else {
            throw AppError.invalid([FieldError("answer", "answer 应为 confirmed 或 denied")])
        }
        let c = try await ContactActions.answer(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), answer: answer, note: body.note, by: m, on: req.db
        )
        return MyContact(c, pairing: try await PairingStore.pairing(c.pairingID, on: req.db))
    }

    struct MyContact: Content {
        var id: UUID
        var date: String
        var method: String
        var cadre: String
        var side: String
        var summary: String
        var answer: String?

        init(_ c: Contact, pairing: Pairing?) {
            id = c.id!
            date = c.contactOn
            method = c.method.rawValue
            cadre = pairing?.cadreName ?? ""
            side = pairing?.side.rawValue ?? ""
            summary = c.summary
            answer = c.answer?.rawValue
        }
    }
    struct MyContacts: Content { var items: [MyContact] }

    /// `GET /api/v1/my/contacts`: this year's contacts with the member (and last year's not yet answered), newest
    /// first.
    func myContactsAPI(req: Request) async throws -> MyContacts {
        let m = try req.member
        let list = try await ContactStore.ofMember(m.memberID, year: AppClock.today.year, on: req.db)
        return MyContacts(items: list.map { MyContact($0.0, pairing: $0.1) })
    }
}
