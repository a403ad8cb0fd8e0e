import Fluent
import Foundation
import LiudongCore

/// What is done with a transfer (`TransferRules`), each step checked against who may take it, recorded with who did
/// it, and audited: applying (the branch, or the member on `/my`), the branch's consent, the committee's letter, the
/// receiving side's report, the receipt, archiving — and what archiving a transfer out does to the member.
enum TransferActions {
    struct Input: Codable, Sendable {
        var memberId: String?
        var direction: String?
        var toOrgCode: String?
        var toOrgName: String?
        var toDivision: String?
        var reason: String?
        var channel: String?
        /// A transfer in: the sending side's letter number.
        var letterNo: String?
    }

    /// The details a step may carry.
    struct StepInput: Codable, Sendable {
        var reason: String?
        var letterNo: String?
        var reference: String?
        var duesPaidTo: String?
        var validDays: Int?
        var note: String?
        var branchCertificate: String?
        var application: String?
    }

    /// A transfer applied for: out of our tree (to an organization named with its division), between two of our
    /// branches (`toOrgCode`), or into our tree (the member registered at the receiving branch, the sending side
    /// named) — the last arrives with its letter issued. One transfer in progress per member.
    static func apply(_ input: Input, member m: Member, by actor: String, user: CurrentUser?, on db: Database)
        async throws -> Transfer
    {
        let today = AppClock.today
        guard let direction = Normalize.text(input.direction).flatMap(TransferDirection.init(rawValue:)) else {
            throw AppError.invalid([FieldError("direction", "请选择转接方向：out（转出）、in（转入）或 internal（本系统内）")])
        }
        let channel = Normalize.text(input.channel).flatMap(TransferChannel.init(rawValue:)) ?? .online
        let reason = try TransferRules.reason(input.reason, what: "转接原因").orThrow()
        guard try await TransferStore.open(of: m.requireID(), on: db) == nil else {
            throw AppError.conflict("该党员已有进行中的组织关系转接")
        }
        guard m.rosterState == nil || direction == .in else { throw AppError.conflict("该党员不在花名册上") }
        guard let branch = try await Organization.find(m.organizationID, on: db) else { throw AppError.notFound }
        if let user { guard user.covers(branch) else { throw AppError.notFound } }
        let t = Transfer()
        t.memberID = try m.requireID()
        t.direction = direction
        t.reason = reason
        t.channel = channel
        t.createdBy = actor
        t.state = .applied
        switch direction {
        case .out, .in:
            if let code = Normalize.text(input.toOrgCode), try await OrgTree.organization(code: code, on: db) != nil {
                throw AppError.invalid([FieldError("toOrgCode", "对方是本系统内的党组织：请选择“本系统内转接”")])
            }
            let other = try TransferRules.outside(
                name: input.toOrgName, division: input.toDivision, divisions: { Divisions.shared.contains($0) }
            ).orThrow()
            if direction == .out {
                (t.fromOrgID, t.fromName, t.fromDivision) = (branch.id, branch.name, branch.divisionCode)
                (t.toOrgID, t.toName, t.toDivision) = (nil, other.name, other.division)
            } else {
                (t.fromOrgID, t.fromName, t.fromDivision) = (nil, other.name, other.division)
                (t.toOrgID, t.toName, t.toDivision) = (branch.id, branch.name, branch.divisionCode)
            }
        case .internal:
            guard let code = Normalize.text(input.toOrgCode),
                let to = try await OrgTree.organization(code: code, on: db),
                to.level == .branch, to.kind == .regular, to.closedAt == nil, to.id != branch.id
            else { throw AppError.invalid([FieldError("toOrgCode", "请选择接收的党支部（本系统内、不是原支部）")]) }
            (t.fromOrgID, t.fromName, t.fromDivision) = (branch.id, branch.name, branch.divisionCode)
            (t.toOrgID, t.toName, t.toDivision) = (to.id, to.name, to.divisionCode)
        }
        t.kind = TransferRules.kind(from: t.fromDivision, to: t.toDivision)
        var note = "\(direction.label)：\(t.fromName) → \(t.toName)（\(t.kind.label)，\(channel.label)）"
        if direction == .in {
            // Into our tree: the sending side's letter is in hand; the member joins the roster on 已报到.
            let days = try TransferRules.validityDays(t.kind, requested: nil).orThrow()
            t.state = .issued
            t.issuedOn = today.description
            t.validUntil = today.adding(days: days - 1).description
            t.letterNo = Normalize.text(input.letterNo).map { String($0.prefix(40)) }
            m.rosterState = RosterState.transferringIn.rawValue
            try await m.update(on: db)
            note += "，凭介绍信登记"
        }
        try await TransferStore.create(t, step: "apply", by: actor, note: note, on: db)
        try await MemberEvent.record(t.memberID, kind: .transfer, summary: "申请组织关系转接：\(note)", by: actor, on: db)
        return t
    }

    /// Takes a step, if the state allows it and `user` is on the right side for it.
    static func take(
        _ step: TransferStep, _ t: Transfer, _ input: StepInput, as a: Acting, validity: TransferRules.Validity
    ) async throws {
        let user = try a.staffUser()
        try await authorize(step, t, user: user, on: a.db)
        let next = try TransferRules.next(t.state, step).orThrow()
        let today = a.today
        var note: String? = Normalize.text(input.note)
        switch step {
        case .approve:
            break
        case .issue, .reissue:
            if step == .reissue {
                guard t.overdue(today: today) else { throw AppError.conflict("介绍信尚在有效期内，无需重新开具") }
                let certificate = try TransferRules.reason(
                    input.branchCertificate, field: "branchCertificate", what: "党支部出具的证明（说明逾期原因）"
                ).orThrow()
                let application = try TransferRules.reason(
                    input.application, field: "application", what: "党员本人的申请"
                ).orThrow()
                note = "支部证明：\(certificate)；本人申请：\(application)"
            }
            let days = try TransferRules.validityDays(t.kind, requested: input.validDays, settings: validity)
                .orThrow()
            t.issuedOn = today.description
            t.validUntil = today.adding(days: days - 1).description
            if let dues = Normalize.text(input.duesPaidTo) {
                guard dues.count == 7, let y = Int(dues.prefix(4)), let mth = Int(dues.suffix(2)),
                    dues.dropFirst(4).first == "-",
                    (2000...2100).contains(y), (1...12).contains(mth)
                else { throw AppError.invalid([FieldError("duesPaidTo", "党费交至月份格式如 2026-11")]) }
                t.duesPaidTo = dues
            } else {
                // 党费交至 from the dues ledger when the issuer leaves it empty.
                t.duesPaidTo = try await DuesStore.paidThrough(t.memberID, on: a.db.sql())?.description
            }
            if let r = Normalize.text(input.reference) { t.reference = String(r.prefix(60)) }
            let number = Normalize.text(input.letterNo).map { String($0.prefix(40)) }
            if let number {
                t.letterNo = number
            } else {
                let n = try await TransferStore.issued(inYear: today.year, on: a.db) + 1
                t.letterNo = "转字〔\(today.year)〕第\(n)号"
            }
            note = [note, "介绍信\(t.letterNo ?? "")，有效期至\(t.validUntil ?? "")"].compactMap { $0 }.joined(separator: "；")
        case .report:
            t.reportedOn = today.description
        case .receipt:
            t.receiptOn = today.description
        case .archive:
            t.archivedOn = today.description
        case .cancel:
            let reason = try TransferRules.reason(input.reason, what: "撤销原因").orThrow()
            t.cancelReason = reason
            note = reason
        }
        t.state = next
        let member = try await Member.find(t.memberID, on: a.db)
        let line = note
        try await a.db.transaction { tx in
            try await t.update(on: tx)
            try await TransferStore.record(t, step: step.rawValue, by: a.name, note: line, on: tx)
            if let member {
                try await effects(of: step, t, member: member, by: a.name, on: tx, today: today)
                let expect: NationalExpectation =
                    step == .archive && t.direction == .out
                    ? .absent : step == .report && t.direction != .out ? .inBranch : .none
                try await NationalTodoActions.add(
                    member, .transfer, "\(t.direction.label)（\(t.fromName) → \(t.toName)）：\(step.label)",
                    expect: expect,
                    today: today, on: tx)
            }
            try await MemberEvent.record(
                t.memberID, kind: .transfer, summary: "组织关系转接：\(step.label)" + (line.map { "（\($0)）" } ?? ""),
                by: a.name, on: tx)
            if step == .issue || step == .reissue {
                let until = t.validUntil.flatMap { CalendarDate($0) }.map(Notify.day) ?? ""
                try await Notify.enqueue(
                    .transferLetterIssued, member: t.memberID, params: ["org": t.toName, "date": until],
                    link: "/my/transfer", on: tx)
            } else if step == .report {
                try await Notify.enqueue(
                    .transferArrived, member: t.memberID, params: ["org": t.toName], link: "/my/transfer", on: tx)
            }
            try await a.on(tx).audit(
                .update, "transfer", ref: t.id!.uuidString, summary: "组织关系转接\(step.label)：\(member?.name ?? "")")
        }
    }

    /// Who may take a step: the sending side's branch (or above) consents, cancels, and for a receiver outside our
    /// tree records the report and the receipt; a committee or above issues; the receiving side (ours) reports.
    private static func authorize(_ step: TransferStep, _ t: Transfer, user: CurrentUser, on db: Database) async throws
    {
        let from = try await t.fromOrgID.asyncMap { try await Organization.find($0, on: db) } ?? nil
        let to = try await t.toOrgID.asyncMap { try await Organization.find($0, on: db) } ?? nil
        let sending = from.map(user.covers) ?? false
        let receiving = to.map(user.covers) ?? false
        guard sending || receiving else { throw AppError.notFound }
        let ok: Bool
        switch (step, t.direction) {
        case (.approve, _), (.cancel, _): ok = t.direction == .in ? receiving : sending
        case (.issue, _), (.reissue, _):
            ok = (t.direction == .in ? receiving : sending) && user.scopeLevel != .branch
        case (.report, .out): ok = sending
        case (.report, _): ok = receiving
        case (.receipt, .in), (.archive, .in): ok = receiving
        case (.receipt, _), (.archive, _): ok = sending
        }
        guard ok else {
            throw AppError.conflict(
                step == .issue || step == .reissue
                    ? "介绍信由基层党委（或以上）开具" : "这一步应由\(step == .report && t.direction != .out ? "接收方" : "转出方")办理")
        }
    }

    /// What a step does to the member: 已报到 moves a member between our branches or puts one transferring in on the
    /// roster; archiving a transfer out takes the member off the roster (转出), closes the flow as transferred, ends
    /// pairings and revokes the activity certificate.
    private static func effects(
        of step: TransferStep, _ t: Transfer, member m: Member, by name: String, on db: Database, today: CalendarDate
    ) async throws {
        switch (step, t.direction) {
        case (.report, .internal):
            guard let to = t.toOrgID, let org = try await Organization.find(to, on: db) else { return }
            m.organizationID = to
            try await m.update(on: db)
            try await PairingActions.endAll(
                of: m.requireID(), side: .outflow, reason: "党员组织关系转至\(org.shortName)", on: db, today: today)
        case (.report, .in):
            m.rosterState = nil
            try await m.update(on: db)
        case (.archive, .out):
            let reason = "组织关系已转出至\(t.toName)"
            if let flow = try await FlowStore.open(of: m.requireID(), on: db).first {
                flow.status = .transferred
                flow.returnedOn = today.description
                try await flow.update(on: db)
            }
            try await PairingActions.endAll(of: m.requireID(), reason: reason, on: db, today: today)
            try await CertificateService.revokeAll(of: m.requireID(), reason: reason, on: db, today: today)
            try await ExitActions.record(
                m, kind: .transferOut, on: today, org: t.fromOrgID ?? m.organizationID,
                reason: "\(reason)（\(t.letterNo ?? "")）", transfer: t.id, by: name, on: db)
        default:
            break
        }
    }

    // MARK: The six-month prompt

    /// "建议转移组织关系" for a member six months or more at one place (an alert, never a decision), or nil.
    static func suggestion(for member: UUID, on db: Database, today: CalendarDate) async throws -> String? {
        guard let f = try await FlowStore.open(of: member, on: db).first,
            let since = CalendarDate(f.arrivedOn ?? f.movedOn ?? f.leftOn)
        else { return nil }
        let held = try await TransferStore.hold(of: member, on: db).flatMap { CalendarDate($0.decidedOn) }
        guard
            TransferRules.suggestTransfer(
                since: since, abroad: f.reason == OutflowReason.abroad.rawValue,
                transferInProgress: try await TransferStore.open(of: member, on: db) != nil, heldOn: held, today: today)
        else { return nil }
        return "建议转移组织关系：自\(since)起在\(f.destinationName)已满\(TransferRules.suggestAfterMonths)个月"
            + (held.map { "（\($0)决定保留在原籍，已满一年，请复核）" } ?? "")
    }

    /// 保留在原籍 with the reason, by the branch or above: the suggestion rests for a year.
    static func hold(_ m: Member, reason raw: String?, as a: Acting) async throws {
        let reason = try TransferRules.reason(raw, what: "保留在原籍的原因（如土地承包、村集体权益）").orThrow()
        let h = TransferHold()
        h.memberID = try m.requireID()
        h.reason = reason
        h.decidedOn = a.today.description
        h.decidedBy = a.name
        try await a.db.transaction { tx in
            try await h.create(on: tx)
            try await MemberEvent.record(
                m.requireID(), kind: .transfer, summary: "保留在原籍（一年后复核）：\(reason)", by: a.name, on: tx)
            try await a.on(tx).audit(
                .create, "transfer-hold", ref: m.id!.uuidString, summary: "\(m.name)保留在原籍：\(reason)")
        }
    }
}
