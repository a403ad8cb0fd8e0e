import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Requests (诉求办理): raised by a member (or recorded by a cadre from a contact), routed to the side that can
/// handle them, acknowledged and answered within working-day deadlines, rated by the member, escalated to the parent
/// organization when a deadline passes.
enum RequestActions {
    /// What a member (or a cadre for them) writes.
    struct Draft: Content {
        var kind: String?
        var title: String?
        var details: String?
        var divisionCode: String?
    }

    static func deadlines(on db: Database) async throws -> ServiceDeadlines {
        try await ServiceSettings.find(1, on: db)?.deadlines ?? ServiceDeadlines()
    }

    static func calendar(on db: Database) async throws -> WorkCalendar {
        var c = WorkCalendar()
        for d in try await WorkCalendarDay.query(on: db).all() {
            guard let day = d.id.flatMap({ CalendarDate($0) }) else { continue }
            if d.kind == "workday" { c.workdays.insert(day) } else { c.holidays.insert(day) }
        }
        return c
    }

    /// The checked draft, or every problem with its field in Chinese.
    static func check(_ d: Draft) throws -> (ServiceRequestKind, String, String, String?) {
        var errors: [FieldError] = []
        let kind = d.kind.flatMap(ServiceRequestKind.init(rawValue:))
        if kind == nil { errors.append(FieldError("kind", "请选择诉求类别")) }
        let title = Normalize.text(d.title)
        if title == nil {
            errors.append(FieldError("title", "请写一句话说明诉求"))
        } else if (title?.count ?? 0) > 60 {
            errors.append(FieldError("title", "标题不能超过60字"))
        }
        let details = Normalize.text(d.details)
        if (details?.count ?? 0) < 5 {
            errors.append(FieldError("details", "请写明具体情况（至少5个字）"))
        } else if (details?.count ?? 0) > 2_000 {
            errors.append(FieldError("details", "具体情况不能超过2000字"))
        }
        var division = Normalize.text(d.divisionCode)
        if let code = division {
            if code.count != 6 || !code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) || !Divisions.shared.contains(code) {
                errors.append(FieldError("divisionCode", "所在地区代码应为6位行政区划代码"))
                division = nil
            }
        }
        guard errors.isEmpty, let kind, let title, let details else { throw AppError.invalid(errors) }
        return (kind, title, details, division)
    }

    /// Whether an organization has an account that can act for it (not disabled).
    static func hasAccount(_ org: Int, on db: Database) async throws -> Bool {
        try await Account.query(on: db).filter(\.$organizationID == org).filter(\.$disabledAt == nil).count() > 0
    }

    /// Where a request goes. Rights matters (legal aid, wage arrears, labour disputes) to the legal service station
    /// serving the place of the matter (the most specific area), else like the rest: matters of where the member lives
    /// to the inflow organization they reported to when it has an account, everything else (or with no such
    /// organization, or a matter at home) to the home branch.
    static func route(
        member: Member, kind: ServiceRequestKind, division: String?, on db: Database
    ) async throws -> (side: RequestSide, org: Organization, inflow: Int?) {
        guard let home = try await Organization.find(member.organizationID, on: db) else { throw AppError.notFound }
        let county = try await OrgTree.county(of: home, on: db)
        let flow = try await Flow.query(on: db).filter(\.$memberID == member.id!)
            .filter(\.$status ~~ FlowState.allCases.filter(\.isOpen)).sort(\.$leftOn, .descending).first()
        let homeArea = county?.divisionCode ?? home.divisionCode
        let atHome = division.map { $0.hasPrefix(String(homeArea.prefix(6))) || flow == nil } ?? (flow == nil)
        let place = division ?? (atHome ? homeArea : flow?.destinationCode ?? homeArea)
        if kind.isRights {
            var best: (ServiceStation, Organization)?
            for s in try await ServiceStation.query(on: db).filter(\.$role == "legal").all()
            where place.hasPrefix(s.areaCode) || (atHome && homeArea.hasPrefix(s.areaCode)) {
                guard let org = try await Organization.find(s.id, on: db), org.closedAt == nil,
                    try await hasAccount(org.id!, on: db)
                else { continue }
                if let b = best, b.0.areaCode.count >= s.areaCode.count { continue }
                best = (s, org)
            }
            if let (_, org) = best { return (.station, org, flow?.inflowOrgID) }
        }
        if kind.isLocal, !atHome, let inflowID = flow?.inflowOrgID, try await hasAccount(inflowID, on: db),
            let inflow = try await Organization.find(inflowID, on: db)
        {
            return (.inflow, inflow, inflowID)
        }
        return (.home, home, flow?.inflowOrgID)
    }

    /// Raises a request: routed, with its two deadlines in working days from today, a notice to the handling side.
    static func raise(
        _ draft: Draft, member: Member, raisedBy: String, contact: UUID? = nil, today: CalendarDate, on db: Database
    ) async throws -> (ServiceRequest, Organization) {
        let (kind, title, details, division) = try check(draft)
        let (side, org, inflow) = try await route(member: member, kind: kind, division: division, on: db)
        let limits = try await deadlines(on: db)
        let calendar = try await calendar(on: db)
        let r = ServiceRequest()
        r.id = UUID()
        r.memberID = member.id!
        r.kind = kind
        r.title = title
        r.details = details
        r.divisionCode = division
        r.status = .submitted
        r.side = side
        r.routedOrgID = org.id!
        r.homeOrgID = member.organizationID
        r.inflowOrgID = inflow
        r.contactID = contact
        r.raisedBy = raisedBy
        r.submittedOn = today.description
        r.submittedAt = AppClock.now
        r.acknowledgeBy = calendar.adding(workingDays: limits.acknowledgeDays, to: today).description
        r.answerBy = calendar.adding(workingDays: limits.answerDays, to: today).description
        r.reopened = 0
        try await db.transaction { tx in
            try await r.create(on: tx)
            try await ServiceRequestEvent(
                r.id!, actor: raisedBy, action: contact == nil ? "提交诉求" : "结对联系中记录诉求",
                note: "\(kind.label)：\(title)；转\(side.label)\(org.shortName)办理", org: org.id
            ).create(on: tx)
            try await Notice(
                org: org, kind: .request,
                title: "新诉求（\(kind.label)）：\(title)，请于\(r.acknowledgeBy)前受理", link: "/requests/\(r.id!)"
            ).create(on: tx)
        }
        return (r, org)
    }

    /// The request, when the account may see it: routed to (or escalated to) an organization it covers.
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (ServiceRequest, Organization)
    {
        guard let id, let r = try await ServiceRequest.find(id, on: db),
            let routed = try await Organization.find(r.routedOrgID, on: db)
        else { throw AppError.notFound }
        if user.covers(routed) { return (r, routed) }
        if let e = r.escalatedToOrgID, let up = try await Organization.find(e, on: db), user.covers(up) {
            return (r, routed)
        }
        throw AppError.notFound
    }

    static func accept(
        _ r: ServiceRequest, handler: String?, by user: CurrentUser, today: CalendarDate, on db: Database
    ) async throws {
        guard r.status == .submitted else { throw AppError.conflict("这项诉求已经受理") }
        let name = Normalize.text(handler) ?? user.displayName
        guard name.count <= 30 else { throw AppError.invalid([FieldError("handler", "承办人姓名不能超过30字")]) }
        r.status = .accepted
        r.handlerName = name
        r.acceptedOn = today.description
        try await save(
            r, event: ServiceRequestEvent(r.id!, actor: user.username, action: "受理", note: "承办人：\(name)"), db)
    }

    static func progress(_ r: ServiceRequest, note: String?, by user: CurrentUser, on db: Database) async throws {
        guard r.status == .accepted || r.status == .inProgress else {
            throw AppError.conflict(r.status == .submitted ? "请先受理这项诉求" : "这项诉求已经答复")
        }
        guard let text = Normalize.text(note), text.count <= 1_000 else {
            throw AppError.invalid([FieldError("note", "请写明办理进展（不超过1000字）")])
        }
        r.status = .inProgress
        try await save(r, event: ServiceRequestEvent(r.id!, actor: user.username, action: "办理进展", note: text), db)
    }

    static func reply(
        _ r: ServiceRequest, text: String?, by user: CurrentUser, today: CalendarDate, on db: Database
    ) async throws {
        guard r.status.isOpen else { throw AppError.conflict("这项诉求已经答复") }
        guard let text = Normalize.text(text), text.count >= 5, text.count <= 2_000 else {
            throw AppError.invalid([FieldError("reply", "请写明答复内容（5至2000字），党员本人会看到")])
        }
        if r.status == .submitted {
            r.handlerName = r.handlerName ?? user.displayName
            r.acceptedOn = r.acceptedOn ?? today.description
        }
        r.status = .answered
        r.reply = text
        r.answeredOn = today.description
        try await save(r, event: ServiceRequestEvent(r.id!, actor: user.username, action: "答复", note: text), db)
    }

    /// To the other side: from the home branch to the inflow organization (when it has an account), from the inflow
    /// side or a station to the home branch. The deadlines stay: the member's clock does not restart.
    static func transfer(
        _ r: ServiceRequest, reason: String?, by user: CurrentUser, on db: Database
    ) async throws -> Organization {
        guard r.status.isOpen else { throw AppError.conflict("这项诉求已经答复，不能再转办") }
        guard let reason = Normalize.text(reason), reason.count >= 2, reason.count <= 500 else {
            throw AppError.invalid([FieldError("reason", "请写明转办理由")])
        }
        let target: Organization
        if r.routedOrgID == r.homeOrgID {
            guard let inflow = r.inflowOrgID, try await hasAccount(inflow, on: db),
                let org = try await Organization.find(inflow, on: db)
            else {
                throw AppError.invalid([FieldError("reason", "该党员没有开通账号的流入地党组织，无法转办")])
            }
            target = org
            r.side = .inflow
        } else {
            guard let home = try await Organization.find(r.homeOrgID, on: db) else { throw AppError.notFound }
            target = home
            r.side = .home
        }
        r.routedOrgID = target.id!
        r.status = .submitted
        r.handlerName = nil
        r.acceptedOn = nil
        try await save(
            r,
            event: ServiceRequestEvent(
                r.id!, actor: user.username, action: "转办", note: "转\(target.shortName)：\(reason)", org: target.id),
            db)
        try await Notice(
            org: target, kind: .request, title: "转来诉求（\(r.kind.label)）：\(r.title)，受理时限\(r.acknowledgeBy)",
            link: "/requests/\(r.id!)"
        ).create(on: db)
        return target
    }

    static func rate(
        _ r: ServiceRequest, stars: Int?, comment: String?, member: String, today: CalendarDate, on db: Database
    ) async throws {
        guard r.status == .answered else {
            throw AppError.conflict(r.status == .closed ? "这项诉求已经评价过" : "答复之后才能评价")
        }
        guard let stars, (1...5).contains(stars) else {
            throw AppError.invalid([FieldError("stars", "请选择1至5星")])
        }
        let text = Normalize.text(comment)
        guard (text?.count ?? 0) <= 500 else { throw AppError.invalid([FieldError("comment", "评价不能超过500字")]) }
        r.stars = stars
        r.ratingComment = text
        r.status = .closed
        r.closedOn = today.description
        try await save(
            r,
            event: ServiceRequestEvent(
                r.id!, actor: member, action: "评价", note: "\(stars)星" + (text.map { "：\($0)" } ?? "")),
            db)
    }

    /// Once, within the settings' days after it closed: back to the handler with a new answer deadline.
    static func reopen(
        _ r: ServiceRequest, reason: String?, member: String, today: CalendarDate, on db: Database
    ) async throws {
        let limits = try await deadlines(on: db)
        guard r.status == .closed, let closed = r.closedOn.flatMap({ CalendarDate($0) }) else {
            throw AppError.conflict("只有已办结的诉求可以申请重新办理")
        }
        guard r.reopened == 0 else { throw AppError.conflict("每项诉求只能申请重新办理一次") }
        guard today <= closed.adding(days: limits.reopenDays) else {
            throw AppError.conflict("已超过办结后\(limits.reopenDays)天，不能再申请重新办理，可以提交新的诉求")
        }
        guard let text = Normalize.text(reason), text.count >= 2, text.count <= 500 else {
            throw AppError.invalid([FieldError("reason", "请写明需要重新办理的原因")])
        }
        let calendar = try await calendar(on: db)
        r.reopened = 1
        r.status = r.handlerName == nil ? .submitted : .inProgress
        r.stars = nil
        r.ratingComment = nil
        r.closedOn = nil
        r.answeredOn = nil
        r.escalatedStage = nil
        r.escalatedToOrgID = nil
        r.escalatedOn = nil
        r.answerBy = calendar.adding(workingDays: limits.answerDays, to: today).description
        try await save(r, event: ServiceRequestEvent(r.id!, actor: member, action: "申请重新办理", note: text), db)
        if let org = try await Organization.find(r.routedOrgID, on: db) {
            try await Notice(
                org: org, kind: .request, title: "诉求被申请重新办理：\(r.title)，请于\(r.answerBy)前答复",
                link: "/requests/\(r.id!)"
            ).create(on: db)
        }
    }

    private static func save(_ r: ServiceRequest, event: ServiceRequestEvent, _ db: Database) async throws {
        try await db.transaction { tx in
            try await r.update(on: tx)
            try await event.create(on: tx)
        }
    }

    /// The deadline a request has missed on `today` (after the day itself), if any.
    static func overdueStage(_ r: ServiceRequest, today: CalendarDate) -> String? {
        let day = today.description
        if r.status.isOpen, day > r.answerBy { return "answer" }
        if r.status == .submitted, day > r.acknowledgeBy { return "acknowledge" }
        return nil
    }

    /// Where an overdue request is escalated: the parent of the handling organization; for one outside the tree (an
    /// inflow organization), the parent of the member's home branch.
    static func escalationTarget(_ r: ServiceRequest, on db: Database) async throws -> Organization? {
        guard let routed = try await Organization.find(r.routedOrgID, on: db) else { return nil }
        if routed.kind == .regular, let p = routed.parentID { return try await Organization.find(p, on: db) }
        guard let home = try await Organization.find(r.homeOrgID, on: db), let p = home.parentID else { return nil }
        return try await Organization.find(p, on: db)
    }

    /// The daily job: escalate every request that passed a deadline it was not yet escalated for (a notice to the
    /// parent organization, a line in its worklist), and close answers left unrated.
    static func sweep(today: CalendarDate, on db: Database) async throws -> (escalated: Int, closed: Int) {
        var escalated = 0
        let open = try await ServiceRequest.query(on: db)
            .filter(\.$status ~~ [.submitted, .accepted, .inProgress]).all()
        for r in open {
            guard let stage = overdueStage(r, today: today), r.escalatedStage != stage,
                let up = try await escalationTarget(r, on: db)
            else { continue }
            r.escalatedStage = stage
            r.escalatedToOrgID = up.id
            r.escalatedOn = today.description
            let what = stage == "answer" ? "超过答复时限\(r.answerBy)" : "超过受理时限\(r.acknowledgeBy)"
            try await save(
                r,
                event: ServiceRequestEvent(
                    r.id!, actor: "系统", action: "逾期督办", note: "\(what)，报\(up.shortName)督办", org: up.id), db)
            try await Notice(
                org: up, kind: .request, title: "逾期诉求督办：\(r.title)（\(what)）", link: "/requests/\(r.id!)"
            ).create(on: db)
            escalated += 1
        }
        let limits = try await deadlines(on: db)
        let cutoff = today.adding(days: -limits.autoCloseDays).description
        var closed = 0
        for r in try await ServiceRequest.query(on: db).filter(\.$status == .answered).all() {
            guard let answered = r.answeredOn, answered <= cutoff else { continue }
            r.status = .closed
            r.closedOn = today.description
            try await save(
                r,
                event: ServiceRequestEvent(r.id!, actor: "系统", action: "自动办结", note: "答复后\(limits.autoCloseDays)天未评价"),
                db)
            closed += 1
        }
        return (escalated, closed)
    }
}
