import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Review of self-reports: confirming opens, updates or closes the member's flow; returning sends it back with a reason.
enum ReviewActions {
    /// Pending (or other) reports this user reviews: those routed to an organization in scope.
    static func queue(for user: CurrentUser, status: ReportStatus, on db: Database) -> QueryBuilder<SelfReport> {
        SelfReport.query(on: db).filter(\.$reviewPath =~ user.scopePath).filter(\.$status == status)
    }

    static func find(_ id: UUID, for user: CurrentUser, on db: Database) async throws -> SelfReport {
        guard
            let r = try await SelfReport.query(on: db).filter(\.$id == id).filter(\.$reviewPath =~ user.scopePath)
                .first()
        else {
            throw AppError.notFound
        }
        return r
    }

    /// What a confirmation did: confirmed, or (an arrival the home side has no record of) passed to the home branch.
    enum Confirmation: Sendable { case confirmed, handedToHome }

    @discardableResult
    static func confirm(
        _ report: SelfReport, by user: CurrentUser, gate: WriteGate, cipher: FieldCipher, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> Confirmation {
        guard user.can(.reviewHomeReports) || report.kind == .arrival else { throw AppError.forbidden }
        guard report.status == .pending else { throw AppError.conflict("该报告已处理（\(report.status.label)）") }
        let phone = try report.phoneEnc.map(cipher.open)
        return try await db.writeTransaction(gate: gate) { tx -> Confirmation in
            let member = try await report.memberID.asyncMap { try await Member.find($0, on: tx) } ?? nil
            let home = try await member.asyncMap { try await Organization.find($0.organizationID, on: tx) } ?? nil
            // The home side (the member's branch or a level above it) decides about its own member. Anyone else — the
            // inflow organization confirming an arrival — may only confirm what the home side already has on record.
            let byHome = home.map { $0.path.hasPrefix(user.scopePath) } ?? false
            if let member, let home, !byHome, try await !arrivalAgreesWithHome(report, member: member, on: tx) {
                try await handOver(report, to: home, member: member, by: user, on: tx)
                return .handedToHome
            }
            report.status = .confirmed
            report.reviewedBy = user.username
            report.reviewedAt = AppClock.now
            try await report.update(on: tx)
            guard let member, let memberID = member.id else {
                // An inflow registration from elsewhere: confirmed and listed at the organization; no roster member to update.
                return .confirmed
            }
            // Roster fields (the phone) change only by the home side.
            let summary = try await apply(
                report, to: member, phone: byHome ? phone : nil, today: today, cipher: cipher, on: tx)
            try await MemberEvent(
                memberID: memberID, kind: .flow,
                summary: "\(report.kind.label)已确认：\(summary)（回执\(Masking.receipt(report.receipt))）",
                by: user.username
            ).create(on: tx)
            try await notify(report, member: member, summary: summary, on: tx)
            return .confirmed
        }
    }

    /// An arrival another organization confirms stands only when the home side has an open flow for the member that
    /// leads there: to this inflow organization, or to no organization yet and a destination in the same city.
    static func arrivalAgreesWithHome(_ r: SelfReport, member: Member, on db: Database) async throws -> Bool {
        guard r.kind == .arrival, let memberID = member.id,
            let open = try await Flow.query(on: db).filter(\.$memberID == memberID).filter(
                \.$status ~~ [.away, .arrived, .lost]
            ).first()
        else { return false }
        if let id = open.inflowOrgID { return id == r.inflowOrgID }
        guard let destination = open.destinationCode, let inflowID = r.inflowOrgID,
            let division = try await Organization.find(inflowID, on: db)?.divisionCode, !division.isEmpty
        else { return true }
        return destination.prefix(4) == division.prefix(4)
    }

    /// The inflow side's confirmation goes to the home branch, which decides; nothing of the member changes yet.
    private static func handOver(
        _ r: SelfReport, to home: Organization, member: Member, by user: CurrentUser, on db: Database
    ) async throws {
        let from = user.scopeName
        r.reviewOrgID = home.id!
        r.reviewPath = home.path
        r.note = [r.note, "\(from)已确认其报到（\(user.username)），本支部没有去往该地的流出记录，请核实后确认或退回"].compactMap { $0 }.joined(
            separator: "；")
        try await r.update(on: db)
        try await MemberEvent(
            memberID: member.id!, kind: .report,
            summary: "\(from)确认了\(r.kind.label)（回执\(Masking.receipt(r.receipt))），与流出记录不符，转党支部核实", by: user.username
        ).create(on: db)
        try await Notice(
            org: home, kind: .report, title: "\(member.name)在\(from)的报到待核实：本支部没有去往该地的流出记录", link: "/reviews"
        ).create(on: db)
    }

    /// The flow change a confirmed report makes; returns a one-line summary for the timeline.
    private static func apply(
        _ r: SelfReport, to member: Member, phone: String?, today: CalendarDate, cipher: FieldCipher,
        on db: Database
    ) async throws -> String {
        let open = try await Flow.query(on: db).filter(\.$memberID == member.id!).filter(
            \.$status ~~ [.away, .arrived, .lost]
        ).first()
        let inflowName = try await r.inflowOrgID.asyncMap { try await Organization.find($0, on: db)?.shortName } ?? nil
        // The inflow organization the member reported to, told when the report takes the member off its lists.
        let reportedTo = open?.inflowOrgID
        let oldDestination = open?.destinationCode
        let leaves = ReviewRules.leavesInflow(
            r.kind, newDestination: r.destinationCode, currentDestination: open?.destinationCode, reportedTo: reportedTo
        )
        var summary: String
        let flow: Flow
        switch r.kind {
        case .outflow:
            flow = open ?? Flow()
            flow.memberID = member.id!
            flow.leftOn = r.leftOn ?? today.description
            flow.expectedReturnOn = r.expectedReturnOn
            flow.destinationCode = r.destinationCode
            flow.address = r.address
            flow.employer = r.employer
            flow.occupation = r.occupation
            flow.reason = r.reason
            flow.inflowOrgID = r.inflowOrgID
            flow.status = r.inflowOrgID == nil ? .away : .arrived
            flow.arrivedOn = r.inflowOrgID == nil ? nil : today.description
            flow.arrivalConfirmed = false
            flow.returnedOn = nil
            summary = "流出至\(flow.destinationName)" + (inflowName.map { "，已在\($0)参加组织生活" } ?? "，尚未报到")
        case .arrival:
            flow = open ?? Flow()
            if open == nil {
                flow.memberID = member.id!
                flow.leftOn = r.leftOn ?? today.description
                flow.reason = r.reason
                flow.arrivalConfirmed = false
            }
            if let d = r.destinationCode {
                flow.destinationCode = d
            } else if flow.destinationCode == nil, let orgID = r.inflowOrgID {
                flow.destinationCode = try await Organization.find(orgID, on: db)?.divisionCode
            }
            if let a = r.address { flow.address = a }
            if let e = r.employer { flow.employer = e }
            flow.inflowOrgID = r.inflowOrgID
            flow.status = .arrived
            flow.arrivedOn = today.description
            flow.arrivalConfirmed = true
            flow.overdueSince = nil
            summary = "已到\(inflowName ?? "流入地党组织")报到"
        case .change:
            guard let open else { throw AppError.conflict("该党员没有进行中的流动记录，无法变更；请先做流出登记") }
            flow = open
            var parts: [String] = []
            if let d = r.destinationCode {
                flow.destinationCode = d
                parts.append("流向地改为\(flow.destinationName)")
            }
            if let a = r.address {
                flow.address = a
                parts.append("地址改为\(a)")
            }
            if let e = r.employer {
                flow.employer = e
                parts.append("工作单位改为\(e)")
            }
            if let o = r.occupation { flow.occupation = o }
            summary = parts.isEmpty ? "信息更新" : parts.joined(separator: "，")
            if leaves {
                // Moved on from where they reported: off that organization's lists today, to report anew at the new
                // place (the time to report counts from today).
                flow.inflowOrgID = nil
                flow.status = .away
                flow.arrivedOn = nil
                flow.arrivalConfirmed = false
                flow.overdueSince = nil
                flow.movedOn = today.description
                summary += "，不再在原流入地党组织参加组织生活，待在新流入地报到"
            }
        case .return:
            guard let open else { throw AppError.conflict("该党员没有进行中的流动记录，无需返回登记") }
            flow = open
            flow.status = .returned
            flow.returnedOn = today.description
            summary = "已返回"
        }
        if let phone, member.phoneHash != cipher.hash(phone) {
            member.phoneEnc = try cipher.seal(phone)
            member.phoneHash = cipher.hash(phone)
            member.phonePrefix = String(phone.prefix(3))
            member.phoneTail = String(phone.suffix(4))
            summary += "，手机号码已更新"
        }
        flow.lastContactOn = today.description
        flow.lostCandidateSince = nil
        if flow.id == nil { try await flow.create(on: db) } else { try await flow.update(on: db) }
        if !flow.status.isOpen {
            try await PairingActions.endAll(
                of: member.id!, reason: "党员已\(flow.status.label)，流动结束", on: db, today: today)
            try await CertificateService.revokeAll(
                of: member.id!, reason: "党员已\(flow.status.label)，流动结束", on: db, today: today)
        }
        member.flowStatus = flow.status.rawValue
        try await member.update(on: db)
        // What must also be entered into the national system (双向登记).
        let national: (NationalChange, String, NationalExpectation)?
        switch r.kind {
        case .outflow: national = (.outflow, "流出至\(flow.destinationName)", .mobile)
        case .arrival: national = (.inflow, "到\(inflowName ?? "流入地党组织")报到", .mobile)
        case .change:
            national =
                r.destinationCode != nil && r.destinationCode != oldDestination
                ? (.destination, "流向地改为\(flow.destinationName)", .mobile) : nil
        case .return: national = (.return, "已返回", .notMobile)
        }
        if let (change, detail, expect) = national {
            try await NationalTodoActions.add(member, change, detail, expect: expect, today: today, on: db)
        }
        // The inflow organization the member reported to is told the same day; the member is off its lists (they
        // list open flows to it) and its pairing ends — on a return with the others above, on a move here.
        if leaves, let id = reportedTo, let inflow = try await Organization.find(id, on: db) {
            let title =
                r.kind == .return
                ? ReviewRules.returnedNotice(name: member.name, on: today)
                : ReviewRules.movedNotice(name: member.name, on: today, to: flow.destinationName)
            if flow.status.isOpen {
                try await PairingActions.endAll(
                    of: member.id!, side: .inflow,
                    reason: "党员流向地变更为\(flow.destinationName)，不再在\(inflow.shortName)参加组织生活",
                    on: db, today: today)
            }
            try await Notice(org: inflow, kind: .left, title: title, link: "/ledger/\(inflow.code)/inflow").create(
                on: db)
        }
        if r.kind == .outflow,
            try await Certificate.query(on: db).filter(\.$flowID == flow.id!).filter(\.$revokedOn == nil).count() == 0,
            CertificateRules.refusal(try await CertificateService.rules(flow, on: db)) == nil
        {
            let c = try await CertificateService.issue(for: member, by: "system", on: db, today: today)
            summary += "，签发流动党员活动证\(c.number)"
        }
        return summary
    }

    /// Tells the other side: the inflow organization of a leaving member, the home branch of an arrival.
    private static func notify(_ r: SelfReport, member: Member, summary: String, on db: Database) async throws {
        switch r.kind {
        case .outflow:
            if let id = r.inflowOrgID, let org = try await Organization.find(id, on: db) {
                try await Notice(
                    org: org, kind: .arrival, title: "\(member.name)登记流出，已在贵组织参加组织生活，请确认报到", link: "/reviews"
                ).create(on: db)
            }
        case .arrival:
            if let home = try await Organization.find(member.organizationID, on: db) {
                try await Notice(
                    org: home, kind: .arrival, title: "\(member.name)\(summary)",
                    link: "/members/\(member.id!.uuidString)"
                ).create(on: db)
            }
        case .change, .return:
            break
        }
    }

    static func returnReport(
        _ report: SelfReport, reason: String?, by user: CurrentUser, gate: WriteGate, on db: Database
    ) async throws {
        guard let reason = Normalize.text(reason) else { throw AppError.invalid([FieldError("reason", "请填写退回原因")]) }
        guard report.status == .pending else { throw AppError.conflict("该报告已处理（\(report.status.label)）") }
        let reviewOrg = try await Organization.find(report.reviewOrgID, on: db)
        try await db.writeTransaction(gate: gate) { tx in
            report.status = .returned
            report.reviewReason = reason
            report.reviewedBy = user.username
            report.reviewedAt = AppClock.now
            try await report.update(on: tx)
            if let memberID = report.memberID {
                try await MemberEvent(
                    memberID: memberID, kind: .report,
                    summary: "\(report.kind.label)被退回：\(reason)（回执\(Masking.receipt(report.receipt))）",
                    by: user.username
                ).create(on: tx)
            }
            if let reviewOrg {
                try await Notice(
                    org: reviewOrg, kind: .returned, title: "已退回\(report.name)的\(report.kind.label)：\(reason)",
                    link: "/reviews?status=returned"
                ).create(on: tx)
            }
        }
    }
}
