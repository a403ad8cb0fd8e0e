import Fluent
import LiudongCore
import Vapor

/// A member's dues for staff (`/dues/members/{id}`): base and its history, the months of the last two years with where
/// each was paid, payments, relief, the branch's consents and talks, and the forms for each. The inflow side sees
/// only its reporting members, and records only what was paid to it.
struct DuesMemberPages {
    func boot(_ r: FeatureRoutes) throws {
        let rec = r.signedIn(.recordDues)
        rec.get("dues", "members", ":id", use: page)
        rec.post("dues", "members", ":id", "payments", use: pay)
        rec.post("dues", "members", ":id", "bases", use: base)
        rec.post("dues", "members", ":id", "reliefs", use: relief)
        rec.post("dues", "members", ":id", "records", use: record)
        rec.post("dues", "bases", ":bid", ":decision", use: decideBase)
        r.signedIn(.manageDues).post("dues", "reliefs", ":rid", ":decision", use: decideRelief)
    }

    /// The member named by `:id` among those the account sees (an inflow account: its reporting members).
    static func member(_ req: Request, id: UUID? = nil) async throws -> Member {
        let user = try req.user
        guard let id = id ?? req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let m = try await DuesStore.member(id, visibleTo: user, on: req.db)
        else { throw AppError.notFound }
        return m
    }

    struct MonthCell: Encodable {
        var month: String
        var due: String
        var paid: Bool
        var owed: Bool
        var whereText: String
    }

    struct Line: Encodable {
        var id: String
        var text: String
        var note: String?
        var state: String
        var canDecide: Bool
    }

    struct Option: Encodable {
        var value: String
        var label: String
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user
        let m = try await Self.member(req)
        let id = try m.requireID()
        let today = AppClock.today
        let current = YearMonth(containing: today)
        let rules = try await DuesActions.rules(for: m, month: current, on: req.db)
        let rows = try await DuesStore.months(of: id, on: req.db.sql()).filter {
            $0.month >= current.adding(-23).description
        }
        let bases = try await DuesStore.bases(of: id, on: req.db)
        let base = DuesRules.base(for: current, in: bases.filter { $0.state == .confirmed }.compactMap(\.core))
        let payees = try await DuesStore.payees(of: m, on: req.db).filter {
            user.isInflowSide ? $0.org.id == user.scopeID : user.covers($0.org)
        }
        let unpaid = Set(rows.filter { $0.payment_id == nil && $0.due_fen > 0 }.compactMap { YearMonth($0.month) })
        let run = DuesPaymentRules.unpaidRun(unpaid, through: DuesPaymentRules.lastDueMonth(today))
        let tree = !user.isInflowSide
        let canManage = user.can(.manageDues) && user.scopeLevel != .branch && tree
        struct View: Encodable {
            var id: String
            var name: String
            var tree: Bool
            var baseText: String
            var monthly: String
            var run: Int
            var months: [MonthCell]
            var payments: [Line]
            var bases: [Line]
            var reliefs: [Line]
            var records: [Line]
            var payees: [Option]
            var categories: [Option]
            var channels: [Option]
            var today: String
            var month: String
            var backMonths: Int
            var policy: String
        }
        return try await req.page(
            "dues/member", title: "\(m.name) · 党费",
            View(
                id: id.uuidString, name: m.name, tree: tree,
                baseText: base.map {
                    "\($0.category.label)\($0.category.usesBase ? "，月基数\(Fen.yuan($0.baseFen))元" : "")（\($0.from.chinese)起）"
                }
                    ?? "尚未核定党费基数",
                monthly: base.map { Fen.yuan(DuesRules.monthly($0.category, baseFen: $0.baseFen, rules: rules)) }
                    ?? "—",
                run: run,
                months: rows.reversed().map { r in
                    MonthCell(
                        month: YearMonth(r.month)?.chinese ?? r.month, due: Fen.yuan(r.due_fen),
                        paid: r.payment_id != nil,
                        owed: r.payment_id == nil && r.due_fen > 0 && r.month < current.description,
                        whereText: r.payment_id == nil
                            ? (r.due_fen == 0 ? "无需交纳" : "未交") : "\(r.paid_on ?? "")交至\(r.paid_to ?? "")")
                },
                payments: try await DuesStore.payments(of: id, on: req.db).map { p in
                    Line(
                        id: p.id!.uuidString,
                        text:
                            "\(p.months) \(Fen.yuan(p.amountFen))元，\(p.paidOn)\(p.channel.label)交至\(p.paidToKind.label)",
                        note: [
                            p.paidBy.map { "\($0)代缴" }, p.receipt.map { "收据\($0)" }, p.note,
                            p.toCentre ? "自愿多交，全额上缴中央" : nil,
                        ]
                        .compactMap { $0 }.joined(separator: "；"),
                        state: "登记人 \(p.recordedBy)", canDecide: false)
                },
                bases: tree
                    ? bases.reversed().map { b in
                        Line(
                            id: b.id!.uuidString,
                            text:
                                "\(b.fromMonth)起 \(b.category.label)\(b.category.usesBase ? " \(Fen.yuan(b.baseFen))元" : "")",
                            note: "\(b.declaredOn) \(b.declaredBy)\(b.note.map { "：\($0)" } ?? "")",
                            state: b.state.label,
                            canDecide: b.state == .declared)
                    } : [],
                reliefs: tree
                    ? try await DuesStore.reliefs(of: id, on: req.db).map { r in
                        Line(
                            id: r.id!.uuidString,
                            text:
                                "\(r.kind.label) \(r.fromMonth)至\(r.toMonth)\(r.kind == .reduce ? "，每月\(Fen.yuan(r.amountFen))元" : "")",
                            note: "\(r.reason)\(r.document.map { "（\($0)）" } ?? "")", state: r.state.label,
                            canDecide: canManage && r.state == .applied)
                    } : [],
                records: tree
                    ? try await DuesStore.records(of: id, on: req.db).map { r in
                        Line(
                            id: r.id!.uuidString, text: "\(r.onDay) \(r.kind.label)\(r.way.map { "（\($0)）" } ?? "")",
                            note: r.note, state: r.byName, canDecide: false)
                    } : [],
                payees: payees.map { Option(value: $0.org.code, label: "\($0.org.shortName)（\($0.kind.label)）") },
                categories: DuesCategory.allCases.map { Option(value: $0.rawValue, label: $0.label) },
                channels: DuesChannel.allCases.map { Option(value: $0.rawValue, label: $0.label) },
                today: today.description, month: current.description, backMonths: rules.backMonths,
                policy: rules.basePolicy.label))
    }

    struct PayForm: Content {
        var from: String?
        var to: String?
        var amount: String?
        var paidOn: String?
        var paidTo: String?
        var channel: String?
        var reference: String?
        var receipt: String?
        var paidBy: String?
        var note: String?
    }

    func pay(req: Request) async throws -> Response {
        let m = try await Self.member(req)
        let f = try req.content.decode(PayForm.self)
        return try await req.act(back: "/dues/members/\(m.id!.uuidString)") {
            guard let fen = Fen.parse(f.amount ?? "", limit: DuesPaymentRules.maxAmountFen) else {
                throw AppError.invalid([FieldError("amount", "金额应为元，最多两位小数")])
            }
            let input = DuesActions.PaymentInput(
                memberId: nil, from: f.from, to: f.to, amountFen: fen, paidOn: f.paidOn, paidTo: f.paidTo,
                channel: f.channel, reference: f.reference, receipt: f.receipt, paidBy: f.paidBy, note: f.note)
            let p = try await DuesActions.pay(input, member: m, source: "web", as: try req.acting)
            return "已登记党费 \(Fen.yuan(p.amountFen))元（\(p.months)）"
        }
    }

    struct BaseForm: Content {
        var category: String?
        var base: String?
        var from: String?
        var note: String?
    }

    func base(req: Request) async throws -> Response {
        let m = try await Self.member(req)
        guard !(try req.user).isInflowSide else { throw AppError.notFound }
        let f = try req.content.decode(BaseForm.self)
        return try await req.act(back: "/dues/members/\(m.id!.uuidString)") {
            let r = try await DuesActions.declare(
                m, category: f.category, base: f.base, from: f.from, note: f.note, byMember: false, as: try req.acting)
            return "已录入党费基数，\(r.fromMonth)起执行"
        }
    }

    struct ReliefForm: Content {
        var kind: String?
        var amount: String?
        var from: String?
        var to: String?
        var reason: String?
        var document: String?
    }

    func relief(req: Request) async throws -> Response {
        let m = try await Self.member(req)
        guard !(try req.user).isInflowSide else { throw AppError.notFound }
        let f = try req.content.decode(ReliefForm.self)
        return try await req.act(back: "/dues/members/\(m.id!.uuidString)") {
            _ = try await DuesActions.applyRelief(
                m, kind: f.kind, amount: f.amount, from: f.from, to: f.to, reason: f.reason, document: f.document,
                as: try req.acting)
            return "已提交，待基层党委审批"
        }
    }

    struct RecordForm: Content {
        var kind: String?
        var note: String?
        var way: String?
    }

    func record(req: Request) async throws -> Response {
        let m = try await Self.member(req)
        guard !(try req.user).isInflowSide else { throw AppError.notFound }
        let f = try req.content.decode(RecordForm.self)
        guard let kind = f.kind.flatMap(DuesRecord.Kind.init(rawValue:)) else { throw AppError.notFound }
        return try await req.act(back: "/dues/members/\(m.id!.uuidString)") {
            try await DuesActions.note(m, kind: kind, note: f.note, way: f.way, as: try req.acting)
            return "已记录\(kind.label)"
        }
    }

    func decideBase(req: Request) async throws -> Response {
        guard let id = req.parameters.get("bid").flatMap(UUID.init(uuidString:)),
            let r = try await DuesBaseRecord.find(id, on: req.db)
        else { throw AppError.notFound }
        let m = try await Self.member(req, id: r.memberID)
        guard !(try req.user).isInflowSide else { throw AppError.notFound }
        let confirm = req.parameters.get("decision") == "confirm"
        return try await req.act(back: "/dues/members/\(m.id!.uuidString)") {
            try await DuesActions.decide(r, confirm: confirm, as: try req.acting)
            return confirm ? "已确认党费基数" : "已退回党费基数"
        }
    }

    struct DecideForm: Content { var document: String? }

    func decideRelief(req: Request) async throws -> Response {
        guard let id = req.parameters.get("rid").flatMap(UUID.init(uuidString:)),
            let r = try await DuesReliefRecord.find(id, on: req.db)
        else { throw AppError.notFound }
        let m = try await Self.member(req, id: r.memberID)
        let approve = req.parameters.get("decision") == "approve"
        let f = (try? req.content.decode(DecideForm.self)) ?? DecideForm()
        return try await req.act(back: "/dues/members/\(m.id!.uuidString)") {
            try await DuesActions.decideRelief(r, approve: approve, document: f.document, as: try req.acting)
            return approve ? "已批准" : "已不予批准"
        }
    }
}
