import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Recording a contact with a paired member, and the member's answer to it.
enum ContactService {
    struct Input: Content, Sendable {
        var pairingId: String?
        var method: String?
        var date: String?
        var summary: String?
        var needs: String?
        var nextOn: String?
    }

    /// Records a contact of a pairing the account may see. `member`, when the request names one (the member's page),
    /// must be the pairing's member: compared before anything is written.
    static func record(
        _ input: Input, member: UUID? = nil, by user: CurrentUser, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> Contact {
        guard let pairingID = Normalize.text(input.pairingId).flatMap(UUID.init(uuidString:)) else {
            throw AppError.invalid([FieldError("pairingId", "请选择结对（pairingId 应为结对编号）")])
        }
        let pairing = try await PairingService.find(pairingID, for: user, on: db)
        if let member, pairing.memberID != member { throw AppError.notFound }
        if user.isInflowSide, pairing.side != .inflow { throw AppError.notFound }
        var errors: [FieldError] = []
        if pairing.endedOn != nil { errors.append(FieldError("pairingId", "该结对已于\(pairing.endedOn ?? "")解除，不能再记录联系")) }
        let method = input.method.flatMap(ContactMethod.init(rawValue:))
        if method == nil { errors.append(FieldError("method", "联系方式应为电话随访（phone）、视频约访（video）或上门走访（visit）")) }
        let flow = try await Flow.query(on: db).filter(\.$memberID == pairing.memberID)
            .filter(\.$status ~~ [.away, .arrived, .lost]).first()
        let date = Normalize.text(input.date).flatMap({ CalendarDate($0) })
        if let date {
            if date > today {
                errors.append(FieldError("date", "联系日期不能晚于今天"))
            } else if let began = flow.flatMap({ CalendarDate($0.leftOn) }), date < began {
                errors.append(FieldError("date", "联系日期不能早于外出日期（\(began)）"))
            }
        } else {
            errors.append(FieldError("date", "请填写联系日期（YYYY-MM-DD）"))
        }
        let summary = Normalize.text(input.summary)
        if (summary?.count ?? 0) < 10 {
            errors.append(FieldError("summary", "请写明联系情况（工作、生活、思想），至少10个字"))
        } else if (summary?.count ?? 0) > 2000 {
            errors.append(FieldError("summary", "联系情况不能超过2000字"))
        }
        let needs = Normalize.text(input.needs)
        if (needs?.count ?? 0) > 1000 { errors.append(FieldError("needs", "诉求不能超过1000字")) }
        var next: CalendarDate?
        if let raw = Normalize.text(input.nextOn) {
            next = CalendarDate(raw)
            if next == nil { errors.append(FieldError("nextOn", "下次联系日期的格式应为YYYY-MM-DD")) }
            if let n = next, let d = date, n <= d { errors.append(FieldError("nextOn", "下次联系日期应晚于本次")) }
        }
        guard errors.isEmpty, let method, let date, let summary else { throw AppError.invalid(errors) }
        let c = Contact()
        c.memberID = pairing.memberID
        c.pairingID = pairing.id!
        c.method = method
        c.contactOn = date.description
        c.summary = summary
        c.needs = needs
        c.nextOn = next?.description
        c.enteredBy = user.username
        try await db.transaction { tx in
            try await c.create(on: tx)
            // A contact is news of the member: the flow's last contact moves forward (never back).
            if let flow, flow.lastContactOn < date.description {
                flow.lastContactOn = date.description
                flow.lostCandidateSince = nil
                try await flow.update(on: tx)
            }
            try await MemberEvent.record(
                pairing.memberID, kind: .contact,
                summary: "\(pairing.side.label)结对人\(pairing.cadreName)\(method.label)（\(date)）：\(summary.prefix(60))",
                by: user.username, on: tx)
        }
        return c
    }

    /// The member answers a contact recorded about them: it happened (确认联系) or it did not. Once.
    static func answer(
        _ id: UUID?, answer: ContactAnswer, note: String?, by member: CurrentMember, on db: Database
    ) async throws -> Contact {
        guard let id, let c = try await Contact.find(id, on: db), c.memberID == member.memberID else {
            throw AppError.notFound
        }
        guard c.answer == nil else { throw AppError.conflict("这次联系已回复过（\(c.answer?.label ?? "")）") }
        let note = Normalize.text(note).map { String($0.prefix(500)) }
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
        }
        return c
    }

    /// The member's contacts this year, newest first.
    /// The contacts a member sees: this year's, and last year's still waiting for their answer (a contact on
    /// 30 December is still theirs to confirm on 2 January).
    static func ofMember(_ memberID: UUID, year: Int, on db: Database) async throws -> [(Contact, Pairing?)] {
        let contacts = try await Contact.query(on: db).filter(\.$memberID == memberID)
            .group(.or) { either in
                either.filter(\.$contactOn >= "\(year)-01-01").group(.and) {
                    $0.filter(\.$contactOn >= "\(year - 1)-01-01").filter(\.$answer == nil)
                }
            }
            .sort(\.$contactOn, .descending).limit(200).all()
        let pairings = try await Pairing.query(on: db).filter(\.$memberID == memberID).all()
        let byID = Dictionary(uniqueKeysWithValues: pairings.map { ($0.id!, $0) })
        return contacts.map { ($0, byID[$0.pairingID]) }
    }
}
