import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Recording a contact with a paired member, the member's answer to it, and a committee's hearing of the half-year
/// report. Each action checks with `ContactRules`, stores, records the member's event, and writes the audit line.
enum ContactActions {
    struct Input: Content, Sendable {
        var pairingId: String?
        var method: String?
        var date: String?
        var summary: String?
        var needs: String?
        var nextOn: String?
    }

    /// Records a contact of a pairing the account may see. `member`, when the request names one (the member's page),
    /// must be the pairing's member: compared before anything is written. `via`: how the audit line ends.
    static func record(_ input: Input, member: Member? = nil, as a: Acting) async throws -> Contact {
        let user = try a.staffUser()
        guard let pairingID = Normalize.text(input.pairingId).flatMap(UUID.init(uuidString:)) else {
            throw AppError.invalid([FieldError("pairingId", "请选择结对（pairingId 应为结对编号）")])
        }
        let pairing = try await PairingActions.find(pairingID, for: user, on: a.db)
        if let member, pairing.memberID != member.id { throw AppError.notFound }
        if user.isInflowSide, pairing.side != .inflow { throw AppError.notFound }
        let flow = try await PairingStore.openFlow(of: pairing.memberID, on: a.db)
        let draft = try ContactRules.contact(
            pairingEndedOn: pairing.endedOn, method: input.method, date: input.date, summary: input.summary,
            needs: input.needs, nextOn: input.nextOn, flowBegan: flow.flatMap { CalendarDate($0.leftOn) },
            today: a.today
        ).orThrow()
        let c = Contact()
        c.memberID = pairing.memberID
        c.pairingID = pairing.id!
        c.method = draft.method
        c.contactOn = draft.on.description
        c.summary = draft.summary
        c.needs = draft.needs
        c.nextOn = draft.next?.description
        c.enteredBy = user.username
        try await a.db.transaction { tx in
            try await c.create(on: tx)
            // A contact is news of the member: the flow's last contact moves forward (never back).
            if let flow, flow.lastContactOn < draft.on.description {
                flow.lastContactOn = draft.on.description
                flow.lostCandidateSince = nil
                try await flow.update(on: tx)
            }
            try await MemberEvent.record(
                pairing.memberID, kind: .contact,
                summary:
                    "\(pairing.side.label)结对人\(pairing.cadreName)\(draft.method.label)（\(draft.on)）：\(draft.summary.prefix(60))",
                by: user.username, on: tx)
            // The member is asked to confirm it happened (请确认), in the inbox and by SMS.
            try await Notify.enqueue(
                .contactToConfirm, member: pairing.memberID,
                params: ["cadre": pairing.cadreName, "date": Notify.day(draft.on), "method": draft.method.label],
                link: "/my#tile-contacts", on: tx)
        }
        try await a.audit(
            .create, "contact", ref: c.id!.uuidString,
            summary: member.map { "记录与\($0.name)的\(c.method.label)" } ?? "记录\(c.method.label)（API）")
        return c
    }

    /// The member answers a contact recorded about them: it happened (确认联系) or it did not. Once.
    static func answer(_ id: UUID?, answer: ContactAnswer, note: String?, by member: CurrentMember, on db: Database)
        async throws -> Contact
    {
        guard let id, let c = try await ContactStore.contact(id, on: db), c.memberID == member.memberID else {
            throw AppError.notFound
        }
        let note = try ContactRules.answer(existing: c.answer, note: note).orThrow()
        try await db.transaction { tx in
            c.answer = answer
            c.answerNote = note
            c.answeredAt = AppClock.now
            try await c.update(on: tx)
            try await MemberEvent.record(
                member.memberID, kind: .contact,
                summary: "本人对\(c.contactOn)的\(c.method.label)：\(answer == .confirmed ? "确认联系" : "表示未发生")"
                    + (note.map { "（\($0)）" } ?? ""),
                by: member.auditName, on: tx)
            try await LostContactActions.signOfLife(member.memberID, what: "回应结对联系", on: tx)
        }
        return c
    }

    /// The committee records its hearing of the half-year report (once per half-year). Answers the problems in one
    /// sentence, or nil when recorded.
    static func recordHearing(
        org: Organization, half: HalfYear, heldOn: String?, chair: String?, attendees: String?, conclusions: String?,
        followUp: String?, as a: Acting
    ) async throws -> String? {
        let user = try a.staffUser()
        let (draft, problems) = ContactRules.hearing(
            half: half, heldOn: heldOn, chair: chair, attendees: attendees, conclusions: conclusions,
            followUp: followUp, alreadyHeld: try await ContactStore.hearingHeld(org: org.id!, half: half, on: a.db),
            today: a.today)
        guard let draft else { return problems.joined(separator: "；") }
        let h = ContactHearing()
        h.orgID = org.id!
        h.half = half.description
        h.heldOn = draft.heldOn.description
        h.chair = draft.chair
        h.attendees = draft.attendees
        h.conclusions = draft.conclusions
        h.followUp = draft.followUp
        h.recordedBy = user.username
        try await h.create(on: a.db)
        try await a.audit(
            .create, "contact-hearing", ref: org.code, summary: "记录\(half.chinese)听取联络情况汇报（\(draft.heldOn)）")
        return nil
    }
}
