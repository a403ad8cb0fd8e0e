import Fluent
import LiudongCore
import Vapor

/// Transfers on the web: the member's panel (`/members/{id}/roster`: transfers with every step, exits, the forms to
/// start one or record one), each step as a form, the list of an organization (`/transfers`, overdue first) and the
/// printable letter (`/transfers/{id}/letter`: 存根, 介绍信, 回执 on one A4).
struct TransferPages {
    func boot(_ r: FeatureRoutes) throws {
        let edit = r.signedIn(.editRoster)
        edit.get("members", ":id", "roster", use: panel)
        edit.post("members", ":id", "transfers", use: apply)
        edit.post("members", ":id", "hold", use: hold)
        r.signedIn(.viewMembers).get("transfers", "suggested", use: suggested)
        edit.post("transfers", ":tid", ":step", use: step)
        r.signedIn(.viewMembers).get("transfers", use: list)
        r.signedIn(.viewMembers).get("transfers", ":tid", "letter", use: letter)
    }

    struct StepLine: Encodable {
        var step: String
        var state: String
        var on: String
        var by: String
        var note: String?
    }

    struct TransferCard: Encodable {
        var id: String
        var direction: String
        var kind: String
        var channel: String
        var from: String
        var to: String
        var reason: String
        var state: String
        var stateKey: String
        var letterNo: String?
        var validUntil: String?
        var overdue: Bool
        var receiptOverdue: Bool
        var cancelReason: String?
        var steps: [StepLine]
        var next: [Option]
        var canCancel: Bool
    }

    struct Option: Encodable {
        var value: String
        var label: String
    }

    struct ExitLine: Encodable {
        var id: String
        var kind: String
        var on: String
        var reason: String
        var state: String
        var canUndo: Bool
        var canRestore: Bool
    }

    static func card(_ t: Transfer, on db: Database, today: CalendarDate) async throws -> TransferCard {
        let steps = try await TransferStore.steps(of: t.requireID(), on: db)
        let next = TransferStep.allCases.filter {
            $0 != .cancel && $0 != .reissue && (try? TransferRules.next(t.state, $0).get()) != nil
        }
        return TransferCard(
            id: t.id!.uuidString, direction: t.direction.label, kind: t.kind.label, channel: t.channel.label,
            from: t.fromName, to: t.toName, reason: t.reason, state: t.state.label, stateKey: t.state.rawValue,
            letterNo: t.letterNo, validUntil: t.validUntil, overdue: t.overdue(today: today),
            receiptOverdue: t.receiptOverdue(today: today), cancelReason: t.cancelReason,
            steps: steps.map {
                StepLine(
                    step: TransferStep(rawValue: $0.step)?.label ?? "申请",
                    state: TransferState(rawValue: $0.state)?.label ?? "",
                    on: $0.onDay, by: $0.byName, note: $0.note)
            },
            next: next.map { Option(value: $0.rawValue, label: $0.label) },
            canCancel: (try? TransferRules.next(t.state, .cancel).get()) != nil)
    }

    func panel(req: Request) async throws -> Response {
        let m = try await req.rosterMember()
        let today = AppClock.today
        var cards: [TransferCard] = []
        for t in try await TransferStore.all(of: m.requireID(), on: req.db) {
            cards.append(try await Self.card(t, on: req.db, today: today))
        }
        let years = req.application.settings.restoreYears
        let exits = try await ExitStore.exits(of: m.requireID(), on: req.db).map { e in
            ExitLine(
                id: e.id!.uuidString, kind: e.kind.label, on: e.onDay, reason: e.reason,
                state: e.undoneOn.map { "\($0)已更正：\(e.undoReason ?? "")" } ?? e.restoredOn.map {
                    "\($0)恢复党籍：\(e.restoreNote ?? "")"
                } ?? "有效",
                canUndo: e.inForce && e.kind != .transferOut,
                canRestore: e.inForce
                    && (CalendarDate(e.onDay).map {
                        ExitRules.canRestore(e.kind, exitedOn: $0, today: today, years: years)
                    }
                        ?? false)
            )
        }
        let branch = try await Organization.find(m.organizationID, on: req.db)
        struct View: Encodable {
            var id: String
            var name: String
            var branch: String
            var rosterState: String?
            var transfers: [TransferCard]
            var exits: [ExitLine]
            var kinds: [Option]
            var today: String
            var canStart: Bool
            var suggestion: String?
            var holds: [StepLine]
        }
        return try await req.page(
            "roster/panel", title: "\(m.name) · 组织关系转接与党员减少",
            View(
                id: m.id!.uuidString, name: m.name, branch: branch?.shortName ?? "",
                rosterState: m.rosterState.flatMap(RosterState.init(rawValue:))?.label, transfers: cards, exits: exits,
                kinds: ExitKind.allCases.filter { $0 != .transferOut }.map {
                    Option(value: $0.rawValue, label: $0.label)
                },
                today: today.description,
                canStart: m.rosterState == nil && !cards.contains { $0.next.count > 0 || $0.canCancel },
                suggestion: try await TransferActions.suggestion(for: m.requireID(), on: req.db, today: today),
                holds: try await TransferStore.holds(of: m.requireID(), on: req.db).map {
                    StepLine(step: "保留在原籍", state: "", on: $0.decidedOn, by: $0.decidedBy, note: $0.reason)
                }))
    }

    func apply(req: Request) async throws -> Response {
        let m = try await req.rosterMember()
        let input = try req.content.decode(TransferActions.Input.self)
        let back = "/members/\(m.id!.uuidString)/roster"
        return try await req.act(back: back) {
            let t = try await TransferActions.apply(
                input, member: m, by: try req.user.username, user: try req.user, on: req.db)
            try await req.audit(.create, "transfer", ref: t.id!.uuidString, summary: "组织关系转接申请：\(m.name)")
            return "已登记转接申请（\(t.direction.label)至\(t.toName)），待\(t.state == .issued ? "报到" : "党支部同意")"
        }
    }

    struct HoldForm: Content { var reason: String? }

    func hold(req: Request) async throws -> Response {
        let m = try await req.rosterMember()
        let f = try req.content.decode(HoldForm.self)
        return try await req.act(back: "/members/\(m.id!.uuidString)/roster") {
            try await TransferActions.hold(m, reason: f.reason, as: try req.acting)
            return "已记录保留在原籍，一年后复核"
        }
    }

    /// Members six months or more at one place, for the branch to suggest a transfer or record 保留在原籍.
    func suggested(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        struct Row: Encodable {
            var id: String
            var name: String
            var branch: String
            var place: String
            var since: String
        }
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [Row]
        }
        let rows = try await TransferStore.suggestedMembers(under: org.path, today: AppClock.today, on: req.db).map {
            Row(
                id: $0.id.uuidString, name: $0.name, branch: $0.branch,
                place: $0.destinationCode.map { Divisions.shared.fullName($0) } ?? "", since: $0.since)
        }
        return try await req.page(
            "roster/suggested", title: "建议转移组织关系", View(code: org.code, name: org.shortName, rows: rows))
    }

    /// The transfer named by `:tid`, with either side in the account's tree.
    static func transfer(_ req: Request) async throws -> Transfer {
        let user = try req.user
        guard let id = req.parameters.get("tid").flatMap(UUID.init(uuidString:)),
            let t = try await Transfer.find(id, on: req.db)
        else { throw AppError.notFound }
        for org in [t.fromOrgID, t.toOrgID].compactMap({ $0 }) {
            if let o = try await Organization.find(org, on: req.db), user.covers(o) { return t }
        }
        throw AppError.notFound
    }

    /// A step's form: every field text (an empty 有效天数 is the rule's default, anything else not a number is refused).
    struct StepForm: Content {
        var reason: String?
        var letterNo: String?
        var reference: String?
        var duesPaidTo: String?
        var validDays: String?
        var note: String?
        var branchCertificate: String?
        var application: String?
    }

    func step(req: Request) async throws -> Response {
        let t = try await Self.transfer(req)
        guard let step = req.parameters.get("step").flatMap(TransferStep.init(rawValue:)) else {
            throw AppError.notFound
        }
        let f = try req.content.decode(StepForm.self)
        let input = TransferActions.StepInput(
            reason: f.reason, letterNo: f.letterNo, reference: f.reference, duesPaidTo: f.duesPaidTo,
            validDays: Normalize.text(f.validDays).map { Int($0.prefix(3)) ?? 0 }, note: f.note,
            branchCertificate: f.branchCertificate, application: f.application)
        return try await req.act(back: "/members/\(t.memberID.uuidString)/roster#t\(t.id!.uuidString)") {
            try await TransferActions.take(
                step, t, input, as: try req.acting, validity: req.application.settings.transferValidity)
            return "已\(step.label)：现为“\(t.state.label)”"
        }
    }

    func list(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let state = (try? req.query.get(String.self, at: "state")).flatMap(TransferState.init(rawValue:))
        let overdueOnly = (try? req.query.get(String.self, at: "overdue")) == "1"
        struct Row: Encodable {
            var id: String
            var memberID: String
            var name: String
            var direction: String
            var kind: String
            var from: String
            var to: String
            var state: String
            var validUntil: String?
            var overdue: String?
        }
        let rows = try await TransferStore.list(
            under: org.path, state: state, overdueOnly: overdueOnly, today: today, on: req.db
        ).map { r in
            let letter = TransferRules.letterOverdue(
                r.state, validUntil: r.validUntil.flatMap { CalendarDate($0) }, today: today)
            let receipt = TransferRules.receiptOverdue(
                r.state, reportedOn: r.reportedOn.flatMap { CalendarDate($0) }, today: today)
            return Row(
                id: r.id.uuidString, memberID: r.memberID.uuidString, name: r.name, direction: r.direction.label,
                kind: r.kind.label, from: r.fromName, to: r.toName, state: r.state.label, validUntil: r.validUntil,
                overdue: letter ? "介绍信逾期未报到" : receipt ? "回执未回" : nil)
        }
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [Row]
            var states: [Option]
            var state: String
            var overdue: Bool
        }
        return try await req.page(
            "roster/transfers", title: "组织关系转接",
            View(
                code: org.code, name: org.shortName, rows: rows,
                states: TransferState.allCases.map { Option(value: $0.rawValue, label: $0.label) },
                state: state?.rawValue ?? "", overdue: overdueOnly))
    }

    /// The paper letter: 存根, 介绍信 and 回执 on one A4, for a letter issued.
    func letter(req: Request) async throws -> Response {
        let t = try await Self.transfer(req)
        guard let m = try await Member.find(t.memberID, on: req.db), t.issuedOn != nil else { throw AppError.notFound }
        struct View: Encodable {
            var number: String
            var name: String
            var sex: String
            var age: Int?
            var category: String
            var from: String
            var to: String
            var duesPaidTo: String
            var issuedOn: String
            var validUntil: String
            var days: Int
            var reason: String
        }
        let issued = CalendarDate(t.issuedOn ?? "") ?? AppClock.today
        let until = CalendarDate(t.validUntil ?? "") ?? issued
        let birth = CalendarDate(m.birthDate)
        return try await req.page(
            "roster/letter", title: "中国共产党党员组织关系介绍信",
            View(
                number: t.letterNo ?? "", name: m.name, sex: m.sex.label,
                age: birth.map { $0.years(until: issued) },
                category: m.category.label, from: t.fromName, to: t.toName,
                duesPaidTo: t.duesPaidTo.map { "\($0.prefix(4))年\(Int($0.suffix(2)) ?? 0)月" } ?? "",
                issuedOn: issued.chinese, validUntil: until.chinese, days: until.daysSince(issued) + 1, reason: t.reason
            ))
    }
}
