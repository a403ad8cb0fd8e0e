import Fluent
import Foundation
import LiudongCore
import Vapor

/// What changes a member's dues, each checked by the core and audited once: a base declared (the member) or entered
/// (the branch) and confirmed, relief applied for and decided by the committee, the branch's consent or talk, and a
/// payment — at home, at the inflow organization, at a mobile organization.
enum DuesActions {
    /// Months back a change of base or relief recomputes (unpaid months only).
    static let recomputeMonths = 36

    /// The rules in force for the member's county this month.
    static func rules(for m: Member, month: YearMonth, on db: Database) async throws -> DuesRuleSet {
        guard let holder = try await DuesStore.ruleHolder(of: m.organizationID, on: db) else { return .standard }
        return DuesRules.version(for: month, in: try await DuesStore.versions(county: holder.requireID(), on: db.sql()))
    }

    /// A base declared by the member (waits for the branch) or entered by the branch (confirmed at once); its month
    /// follows the county's base policy.
    static func declare(
        _ m: Member, category: String?, base: String?, from: String?, note: String?, byMember: Bool, as a: Acting
    ) async throws -> DuesBaseRecord {
        let checked = try DuesRules.base(category: category, base: base, from: from).orThrow()
        let current = YearMonth(containing: a.today)
        guard checked.from <= current.adding(12), checked.from >= current.adding(-recomputeMonths) else {
            throw AppError.invalid([FieldError("from", "起始月份应在三年前至一年后之间")])
        }
        let rules = try await rules(for: m, month: checked.from, on: a.db)
        let earlier = try await DuesStore.confirmedBases(of: m.requireID(), on: a.db)
        let r = DuesBaseRecord()
        r.memberID = try m.requireID()
        r.category = checked.category
        r.baseFen = checked.baseFen
        r.fromMonth =
            DuesRules.effectiveMonth(
                declared: checked.from, policy: rules.basePolicy, hasEarlier: !earlier.isEmpty
            ).description
        r.state = byMember ? .declared : .confirmed
        r.declaredBy = a.name
        r.declaredOn = a.today.description
        r.note = Normalize.text(note).map { String($0.prefix(200)) }
        if !byMember {
            r.decidedBy = a.name
            r.decidedOn = a.today.description
        }
        try await a.db.transaction { tx in
            if !byMember { try await replace(sameMonthAs: r, on: tx) }
            try await r.create(on: tx)
            if !byMember { try await recompute(m, from: YearMonth(r.fromMonth) ?? current, today: a.today, on: tx) }
        }
        try await a.audit(
            .create, "dues-base", ref: r.id?.uuidString,
            summary:
                "党费基数（\(r.category.label)\(r.category.usesBase ? " \(Fen.yuan(r.baseFen))元" : "")，\(r.fromMonth)起）："
                + "\(m.name)\(byMember ? "本人申报" : "党支部录入")")
        return r
    }

    /// The branch confirms (or does not) a base the member declared.
    static func decide(_ r: DuesBaseRecord, confirm: Bool, as a: Acting) async throws {
        guard r.state == .declared else { throw AppError.conflict("该基数已处理") }
        guard let m = try await Member.find(r.memberID, on: a.db) else { throw AppError.notFound }
        r.state = confirm ? .confirmed : .rejected
        r.decidedBy = a.name
        r.decidedOn = a.today.description
        try await a.db.transaction { tx in
            if confirm { try await replace(sameMonthAs: r, on: tx) }
            try await r.update(on: tx)
            if confirm {
                try await recompute(
                    m, from: YearMonth(r.fromMonth) ?? YearMonth(containing: a.today), today: a.today, on: tx)
            }
        }
        try await a.audit(
            .update, "dues-base", ref: r.id?.uuidString, summary: "党费基数\(confirm ? "确认" : "不予确认")：\(m.name)")
    }

    /// A later base for the same month corrects the earlier one.
    private static func replace(sameMonthAs r: DuesBaseRecord, on db: Database) async throws {
        for old in try await DuesBaseRecord.query(on: db).filter(\.$memberID == r.memberID)
            .filter(\.$fromMonth == r.fromMonth).filter(\.$state == .confirmed).all()
        {
            old.state = .replaced
            try await old.update(on: db)
        }
    }

    /// The member's unpaid months from `from` (at most three years back) through this month, recomputed.
    static func recompute(_ m: Member, from: YearMonth, today: CalendarDate, on db: Database) async throws {
        let current = YearMonth(containing: today)
        let start = max(from, current.adding(-recomputeMonths))
        try await DuesStore.generate(member: m, months: start.through(current), on: db)
    }

    /// Relief applied for by the member or the branch; the committee decides.
    static func applyRelief(
        _ m: Member, kind: String?, amount: String?, from: String?, to: String?, reason: String?, document: String?,
        as a: Acting
    ) async throws -> DuesReliefRecord {
        let checked = try DuesRules.relief(kind: kind, amount: amount, from: from, to: to, reason: reason).orThrow()
        let r = DuesReliefRecord()
        r.memberID = try m.requireID()
        r.kind = checked.kind
        r.amountFen = checked.amountFen
        r.fromMonth = checked.from.description
        r.toMonth = checked.to.description
        r.reason = String((Normalize.text(reason) ?? "").prefix(300))
        r.document = Normalize.text(document).map { String($0.prefix(100)) }
        r.state = .applied
        r.appliedBy = a.name
        r.appliedOn = a.today.description
        try await r.create(on: a.db)
        try await a.audit(
            .create, "dues-relief", ref: r.id?.uuidString,
            summary: "党费\(r.kind.label)申请（\(r.fromMonth)至\(r.toMonth)）：\(m.name)")
        return r
    }

    /// The committee (or above) approves or refuses; an approval records its document and recomputes the months.
    static func decideRelief(_ r: DuesReliefRecord, approve: Bool, document: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        guard user.scopeLevel != .branch, !user.isInflowSide else {
            throw AppError.conflict("少交、免交党费由基层党委审批")
        }
        guard r.state == .applied else { throw AppError.conflict("该申请已处理") }
        guard let m = try await Member.find(r.memberID, on: a.db) else { throw AppError.notFound }
        let doc = Normalize.text(document).map { String($0.prefix(100)) } ?? r.document
        if approve {
            guard doc != nil else { throw AppError.invalid([FieldError("document", "请填写批准文件（文号）")]) }
            let overlapping = try await DuesReliefRecord.query(on: a.db).filter(\.$memberID == r.memberID)
                .filter(\.$state == .approved).all().contains { $0.fromMonth <= r.toMonth && $0.toMonth >= r.fromMonth }
            guard !overlapping else { throw AppError.conflict("这些月份已有批准的少交或免交") }
        }
        r.state = approve ? .approved : .refused
        r.document = doc
        r.decidedBy = a.name
        r.decidedOn = a.today.description
        try await a.db.transaction { tx in
            try await r.update(on: tx)
            if approve {
                try await recompute(
                    m, from: YearMonth(r.fromMonth) ?? YearMonth(containing: a.today), today: a.today, on: tx)
            }
        }
        try await a.audit(
            .update, "dues-relief", ref: r.id?.uuidString,
            summary: "党费\(r.kind.label)\(approve ? "批准" : "不予批准")：\(m.name)")
    }

    /// The branch's consent to pay by the quarter, or a talk about arrears.
    static func note(_ m: Member, kind: DuesRecord.Kind, note: String?, way: String?, as a: Acting) async throws {
        guard let text = Normalize.text(note) else {
            throw AppError.invalid([FieldError("note", kind == .talk ? "请填写谈话情况" : "请填写同意的情况")])
        }
        let r = DuesRecord()
        r.memberID = try m.requireID()
        r.kind = kind
        r.onDay = a.today.description
        r.byName = a.name
        r.note = String(text.prefix(500))
        r.way = Normalize.text(way).map { String($0.prefix(20)) }
        try await r.create(on: a.db)
        try await a.audit(.create, "dues-\(kind.rawValue)", ref: r.id?.uuidString, summary: "\(kind.label)：\(m.name)")
    }

    /// A payment as a form or the API sends it (amount in fen).
    struct PaymentInput: Content {
        var memberId: String?
        var from: String?
        var to: String?
        var amountFen: Int?
        var paidOn: String?
        var paidTo: String?
        var channel: String?
        var reference: String?
        var receipt: String?
        var paidBy: String?
        var note: String?
    }

    /// Records a payment: paid to an organization the recorder answers for (an inflow account: its own), which must be
    /// one where the member may pay; checked by `DuesPaymentRules`; months taken in one transaction.
    static func pay(_ input: PaymentInput, member m: Member, source: String, as a: Acting) async throws -> DuesPayment {
        let user = try a.staffUser()
        let (months, amount, paidOn) = try DuesPaymentRules.fields(
            from: input.from, to: input.to, amountFen: input.amountFen, paidOn: input.paidOn, today: a.today
        ).orThrow()
        guard let channel = input.channel.flatMap(DuesChannel.init(rawValue:)) else {
            throw AppError.invalid([FieldError("channel", "缴纳方式应为 cash、bank 或 online")])
        }
        let payees = try await DuesStore.payees(of: m, on: a.db)
        let code = Normalize.text(input.paidTo)?.uppercased()
        guard let payee = payees.first(where: { $0.org.code == code }) else {
            throw AppError.invalid([FieldError("paidTo", "缴至应为该党员所在党支部、报到的流入地党组织或参加的流动党员党组织")])
        }
        let mine = user.isInflowSide ? payee.org.id == user.scopeID : user.covers(payee.org)
        guard mine else { throw AppError.conflict("只能登记交到本组织的党费") }
        let entry = Entry(
            months: months, amountFen: amount, paidOn: paidOn, payee: payee, channel: channel,
            reference: input.reference, receipt: input.receipt, paidBy: input.paidBy, note: input.note, source: source,
            byHomeBranch: payee.kind == .home && !user.isInflowSide)
        let (p, plan) = try await a.db.transaction { tx in
            let written = try await write(entry, member: m, as: a.on(tx))
            // The member's receipt by message (a book imported at once sends none).
            try await Notify.enqueue(
                .duesPaid, member: m.requireID(), params: ["months": written.0.months, "amount": Fen.yuan(amount)],
                link: "/my/dues", on: tx)
            return written
        }
        try await a.audit(
            .create, "dues-payment", ref: p.id?.uuidString,
            summary: "党费 \(Fen.yuan(amount))元（\(p.months)）交至\(payee.org.shortName)：\(m.name)"
                + (p.paidBy.map { "，\($0)代缴" } ?? "") + (plan.toCentre ? "，自愿多交全额上缴中央" : ""))
        return p
    }

    /// A payment ready to check and write (fields read, the payee allowed to the recorder).
    struct Entry: Sendable {
        var months: [YearMonth]
        var amountFen: Int
        var paidOn: CalendarDate
        var payee: DuesStore.Payee
        var channel: DuesChannel
        var reference: String?
        var receipt: String?
        var paidBy: String?
        var note: String?
        var source: String
        var byHomeBranch: Bool
    }

    /// Checks the entry against what is on record (`DuesPaymentRules.check`) and writes it, in the caller's
    /// transaction: a payment from the page or the API alone, or every row of an imported book together.
    static func write(_ e: Entry, member m: Member, as a: Acting) async throws -> (DuesPayment, DuesPaymentPlan) {
        guard m.rosterState == nil else { throw AppError.conflict("该党员不在花名册上") }
        guard let first = e.months.first else { throw AppError.invalid([FieldError("from", "请填写交纳的月份")]) }
        try await DuesStore.generate(member: m, months: e.months, on: a.db)
        let covered = Set(e.months.map(\.description))
        let rows = try await DuesStore.months(of: m.requireID(), on: a.db.sql()).filter { covered.contains($0.month) }
        let facts = DuesPaymentFacts(
            today: a.today, joined: YearMonth(day: m.joinedOn) ?? first,
            due: Dictionary(rows.compactMap { r in YearMonth(r.month).map { ($0, r.due_fen) } }, uniquingKeysWith: max),
            alreadyPaid: rows.compactMap { r in
                guard r.payment_id != nil, let mo = YearMonth(r.month) else { return nil }
                return DuesPaidMonth(month: mo, paidTo: r.paid_to ?? "其他党组织", paidOn: r.paid_on ?? "")
            },
            rules: try await rules(for: m, month: YearMonth(containing: e.paidOn), on: a.db),
            consent: try await DuesStore.hasConsent(m.requireID(), on: a.db),
            byHomeBranch: e.byHomeBranch)
        let plan = try DuesPaymentRules.check(
            months: e.months, amountFen: e.amountFen, note: e.note, paidOn: e.paidOn, facts: facts
        ).orThrow()
        let p = DuesPayment()
        p.memberID = try m.requireID()
        p.fromMonth = first.description
        p.toMonth = e.months[e.months.count - 1].description
        p.amountFen = e.amountFen
        p.dueFen = plan.dueFen
        p.paidOn = e.paidOn.description
        p.paidToOrgID = try e.payee.org.requireID()
        p.paidToKind = e.payee.kind
        p.channel = e.channel
        p.reference = Normalize.text(e.reference).map { String($0.prefix(60)) }
        p.receipt = Normalize.text(e.receipt).map { String($0.prefix(40)) }
        p.paidBy = Normalize.text(e.paidBy).map { String($0.prefix(40)) }
        p.note = Normalize.text(e.note).map { String($0.prefix(300)) }
        p.toCentre = plan.toCentre
        p.source = e.source
        p.recordedBy = a.name
        guard try await DuesStore.record(p, months: e.months, branch: m.organizationID, on: a.db) else {
            throw AppError.conflict("其中有月份刚刚已登记交纳，同一月份不能重复交纳")
        }
        return (p, plan)
    }
}
