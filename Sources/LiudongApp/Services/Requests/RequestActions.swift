import Fluent
import Foundation
import LiudongCore
import Vapor

/// Requests (诉求办理): raised by a member (or recorded by a cadre from a contact), routed to the side that can
/// handle them, acknowledged and answered within working-day deadlines, rated by the member, escalated to the parent
/// organization when a deadline passes. Each action loads its facts (`RequestStore`), asks `RequestRules`, stores the
/// outcome with its trail event and notice, and writes the audit line — the pages and the API call the same action.
enum RequestActions {
    /// What a member (or a cadre for them) writes.
    struct Draft: Content {
        var kind: String?
        var title: String?
        var details: String?
        var divisionCode: String?
    }

    static func deadlines(on db: Database) async throws -> ServiceDeadlines {
        try await CalendarStore.deadlines(on: db)
    }

    /// Raises a request: routed, with its two deadlines in working days from today, a notice to the handling side.
    /// From a contact (`contact`), a cadre records it for the member.
    static func raise(
        _ draft: Draft, member: Member, contact: UUID? = nil, as a: Acting
    ) async throws -> (ServiceRequest, Organization) {
        let checked = try RequestRules.check(
            kind: draft.kind, title: draft.title, details: draft.details, divisionCode: draft.divisionCode
        ).orThrow()
        let (home, facts) = try await RequestStore.routingFacts(member, stations: checked.kind.isRights, on: a.db)
        let route = RequestRules.route(checked, facts: facts)
        let org: Organization
        switch route {
        case .station(let id), .inflow(let id):
            guard let found = try await Organization.find(id, on: a.db) else { throw AppError.notFound }
            org = found
        case .home: org = home
        }
        let limits = try await CalendarStore.deadlines(on: a.db)
        let calendar = try await CalendarStore.calendar(on: a.db)
        let r = ServiceRequest()
        r.id = UUID()
        r.memberID = try member.requireID()
        r.kind = checked.kind
        r.title = checked.title
        r.details = checked.details
        r.divisionCode = checked.division
        r.status = .submitted
        r.side = route.side
        r.routedOrgID = try org.requireID()
        r.homeOrgID = member.organizationID
        r.inflowOrgID = facts.flow?.inflowOrg
        r.contactID = contact
        r.raisedBy = a.name
        r.submittedOn = a.today.description
        r.submittedAt = AppClock.now
        r.acknowledgeBy = calendar.adding(workingDays: limits.acknowledgeDays, to: a.today).description
        r.answerBy = calendar.adding(workingDays: limits.answerDays, to: a.today).description
        r.reopened = 0
        try await RequestStore.create(
            r,
            event: ServiceRequestEvent(
                r.id!, actor: a.name, action: contact == nil ? "提交诉求" : "结对联系中记录诉求",
                note: "\(checked.kind.label)：\(checked.title)；转\(route.side.label)\(org.shortName)办理", org: org.id),
            notice: Notice(
                org: org, kind: .request,
                title: "新诉求（\(checked.kind.label)）：\(checked.title)，请于\(r.acknowledgeBy)前受理",
                link: "/requests/\(r.id!)"),
            on: a.db)
        if contact == nil {
            try await a.audit(.create, "service-request", ref: r.id!.uuidString, summary: "党员本人提交诉求（\(r.kind.label)）")
            try await LostContactActions.signOfLife(member.requireID(), what: "提出诉求", on: a.db, today: a.today)
        } else {
            try await a.audit(
                .create, "service-request", ref: r.id!.uuidString, summary: "结对联系中为\(member.name)记录诉求：\(r.title)")
        }
        return (r, org)
    }

    /// The request, when the account may see it: routed to (or escalated to) an organization it covers.
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (ServiceRequest, Organization)
    {
        guard let id, let (r, routed, up) = try await RequestStore.request(id, on: db) else { throw AppError.notFound }
        if user.covers(routed) { return (r, routed) }
        if let up, user.covers(up) { return (r, routed) }
        throw AppError.notFound
    }

    /// The member's own request (404 for anyone else's).
    static func mine(_ id: UUID?, member: UUID, on db: Database) async throws -> ServiceRequest {
        guard let id, let r = try await ServiceRequest.find(id, on: db), r.memberID == member else {
            throw AppError.notFound
        }
        return r
    }

    /// Whether the handling side may send it to the other side now (the page shows the form only then).
    static func canTransfer(_ r: ServiceRequest, on db: Database) async throws -> Bool {
        let atHome = r.routedOrgID == r.homeOrgID
        let usable =
            atHome && r.status.isOpen ? try await RequestStore.usableInflow(r.inflowOrgID, on: db) != nil : false
        return RequestRules.canTransfer(r.status, atHome: atHome, inflowUsable: usable)
    }

    static func accept(_ r: ServiceRequest, handler: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        let name = try RequestRules.accept(r.status, handler: handler, fallback: user.displayName).orThrow()
        r.status = .accepted
        r.handlerName = name
        r.acceptedOn = a.today.description
        try await RequestStore.save(
            r, event: ServiceRequestEvent(r.id!, actor: a.name, action: "受理", note: "承办人：\(name)"),
            message: .init(
                event: .requestAcknowledged, member: r.memberID, params: ["title": r.title],
                link: "/my/requests/\(r.id!)"),
            on: a.db)
        try await a.audit(.update, "service-request", ref: r.id!.uuidString, summary: "受理诉求：\(r.title)")
    }

    static func progress(_ r: ServiceRequest, note: String?, as a: Acting) async throws {
        let text = try RequestRules.progress(r.status, note: note).orThrow()
        r.status = .inProgress
        try await RequestStore.save(
            r, event: ServiceRequestEvent(r.id!, actor: a.name, action: "办理进展", note: text), on: a.db)
    }

    static func reply(_ r: ServiceRequest, text: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        let text = try RequestRules.reply(r.status, text: text).orThrow()
        if r.status == .submitted {
            r.handlerName = r.handlerName ?? user.displayName
            r.acceptedOn = r.acceptedOn ?? a.today.description
        }
        r.status = .answered
        r.reply = text
        r.answeredOn = a.today.description
        try await RequestStore.save(
            r, event: ServiceRequestEvent(r.id!, actor: a.name, action: "答复", note: text),
            message: .init(
                event: .requestAnswered, member: r.memberID, params: ["title": r.title], link: "/my/requests/\(r.id!)"),
            on: a.db)
        try await a.audit(.update, "service-request", ref: r.id!.uuidString, summary: "答复诉求：\(r.title)")
    }

    /// To the other side: from the home branch to the inflow organization (when it has an account), from the inflow
    /// side or a station to the home branch. The deadlines stay: the member's clock does not restart.
    static func transfer(_ r: ServiceRequest, reason: String?, as a: Acting) async throws -> Organization {
        let atHome = r.routedOrgID == r.homeOrgID
        let inflow = atHome && r.status.isOpen ? try await RequestStore.usableInflow(r.inflowOrgID, on: a.db) : nil
        let (why, side) = try RequestRules.transfer(
            r.status, reason: reason, atHome: atHome, inflowUsable: inflow != nil
        ).orThrow()
        let target: Organization
        if side == .inflow, let inflow {
            target = inflow
        } else {
            guard let home = try await Organization.find(r.homeOrgID, on: a.db) else { throw AppError.notFound }
            target = home
        }
        r.side = side
        r.routedOrgID = try target.requireID()
        r.status = .submitted
        r.handlerName = nil
        r.acceptedOn = nil
        try await RequestStore.save(
            r,
            event: ServiceRequestEvent(
                r.id!, actor: a.name, action: "转办", note: "转\(target.shortName)：\(why)", org: target.id),
            notice: Notice(
                org: target, kind: .request, title: "转来诉求（\(r.kind.label)）：\(r.title)，受理时限\(r.acknowledgeBy)",
                link: "/requests/\(r.id!)"),
            message: .init(
                event: .requestTransferred, member: r.memberID, params: ["title": r.title, "org": target.shortName],
                link: "/my/requests/\(r.id!)"),
            on: a.db)
        try await a.audit(
            .update, "service-request", ref: r.id!.uuidString, summary: "转办诉求至\(target.shortName)：\(r.title)")
        return target
    }

    static func rate(_ r: ServiceRequest, stars: Int?, comment: String?, as a: Acting) async throws {
        let (stars, text) = try RequestRules.rate(r.status, stars: stars, comment: comment).orThrow()
        r.stars = stars
        r.ratingComment = text
        r.status = .closed
        r.closedOn = a.today.description
        try await RequestStore.save(
            r,
            event: ServiceRequestEvent(
                r.id!, actor: a.name, action: "评价", note: "\(stars)星" + (text.map { "：\($0)" } ?? "")),
            on: a.db)
    }

    /// Whether the member may ask to reopen it now (the phone shows the form only then).
    static func canReopen(_ r: ServiceRequest, today: CalendarDate, limits: ServiceDeadlines) -> Bool {
        RequestRules.reopenConflict(
            r.status, reopened: r.reopened, closedOn: r.closedOn, today: today, reopenDays: limits.reopenDays) == nil
    }

    /// Once, within the settings' days after it closed: back to the handler with a new answer deadline.
    static func reopen(_ r: ServiceRequest, reason: String?, as a: Acting) async throws {
        let limits = try await CalendarStore.deadlines(on: a.db)
        let (text, status) = try RequestRules.reopen(
            r.status, reopened: r.reopened, closedOn: r.closedOn, hadHandler: r.handlerName != nil, reason: reason,
            today: a.today, reopenDays: limits.reopenDays
        ).orThrow()
        let calendar = try await CalendarStore.calendar(on: a.db)
        r.reopened = 1
        r.status = status
        r.stars = nil
        r.ratingComment = nil
        r.closedOn = nil
        r.answeredOn = nil
        r.escalatedStage = nil
        r.escalatedToOrgID = nil
        r.escalatedOn = nil
        r.answerBy = calendar.adding(workingDays: limits.answerDays, to: a.today).description
        let routed = try await Organization.find(r.routedOrgID, on: a.db)
        try await RequestStore.save(
            r, event: ServiceRequestEvent(r.id!, actor: a.name, action: "申请重新办理", note: text),
            notice: routed.map {
                Notice(
                    org: $0, kind: .request, title: "诉求被申请重新办理：\(r.title)，请于\(r.answerBy)前答复",
                    link: "/requests/\(r.id!)")
            }, on: a.db)
        try await a.audit(.create, "service-request", ref: r.id!.uuidString, summary: "党员本人申请重新办理诉求")
    }

    /// The deadline a request has missed on `today` (after the day itself), if any.
    static func overdueStage(_ r: ServiceRequest, today: CalendarDate) -> OverdueStage? {
        RequestRules.overdueStage(r.status, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy, today: today)
    }

    /// The daily job: escalate every request that passed a deadline it was not yet escalated for (a notice to the
    /// parent organization, a line in its worklist), and close answers left unrated.
    static func sweep(today: CalendarDate, on db: Database) async throws -> (escalated: Int, closed: Int) {
        var escalated = 0
        for r in try await RequestStore.open(on: db) {
            guard
                let stage = RequestRules.escalation(
                    r.status, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy, escalatedStage: r.escalatedStage,
                    today: today),
                let up = try await RequestStore.escalationTarget(r, on: db)
            else { continue }
            r.escalatedStage = stage.rawValue
            r.escalatedToOrgID = up.id
            r.escalatedOn = today.description
            let what = RequestRules.missed(stage, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy)
            try await RequestStore.save(
                r,
                event: ServiceRequestEvent(
                    r.id!, actor: "系统", action: "逾期督办", note: "\(what)，报\(up.shortName)督办", org: up.id),
                on: db)
            try await Notice(
                org: up, kind: .request, title: "逾期诉求督办：\(r.title)（\(what)）", link: "/requests/\(r.id!)"
            ).create(on: db)
            escalated += 1
        }
        let limits = try await CalendarStore.deadlines(on: db)
        var closed = 0
        for r in try await RequestStore.answered(on: db)
        where RequestRules.closesUnrated(answeredOn: r.answeredOn, today: today, autoCloseDays: limits.autoCloseDays) {
            r.status = .closed
            r.closedOn = today.description
            try await RequestStore.save(
                r,
                event: ServiceRequestEvent(r.id!, actor: "系统", action: "自动办结", note: "答复后\(limits.autoCloseDays)天未评价"),
                on: db)
            closed += 1
        }
        return (escalated, closed)
    }
}
