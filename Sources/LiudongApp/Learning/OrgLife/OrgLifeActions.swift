import Crypto
import Fluent
import LiudongCore
import Vapor

/// Organizational life: events, their minutes and attachments, attendance (recorded by the organization, by the
/// member's code, by the activity certificate), and each member's latest organizational life anywhere. Each act
/// loads its facts (`OrgLifeStore`), asks `OrgLifeRules`, stores, and writes the audit line — through a token the line
/// says （API）.
enum OrgLifeActions {
    struct Input: Content, Sendable {
        var orgCode: String?
        var kind: String?
        var startsAt: String?
        var endsAt: String?
        var place: String?
        var onlineUrl: String?
        var topic: String?
        var host: String?
        var recorder: String?
    }

    struct AttendanceItem: Content, Sendable {
        var memberId: String?
        var status: String?
        var reason: String?
        var attendedAt: String?
        /// A mobile member excused with the committee's approval: not counted in 应到.
        var notCounted: Bool?
        /// Who approved it and when (required with `notCounted`).
        var approval: String?
    }

    static let maxMinutes = 20_000
    static let maxAttachmentBytes = 10 << 20

    static func channel(_ a: Acting) -> String { a.user?.viaToken == true ? "（API）" : "" }

    /// Validates every field (422 per field) and saves the event with a fresh check-in code.
    static func create(_ input: Input, as a: Acting) async throws -> OrgLifeEvent {
        let user = try a.staffUser()
        guard user.can(.recordOrgLife) else { throw AppError.forbidden }
        let org = try await OrgLifeStore.organization(code: input.orgCode, for: user, on: a.db)
        var orgProblem: RuleProblem?
        if let org {
            if org.isClosed { orgProblem = RuleProblem("orgCode", "该党组织已撤销") }
        } else {
            orgProblem = RuleProblem(
                "orgCode", Normalize.text(input.orgCode) == nil ? "请选择党组织" : "党组织不存在或不在您的管理范围内")
        }
        let checked = try OrgLifeRules.event(
            orgProblem: orgProblem, kind: input.kind, startsAt: input.startsAt, endsAt: input.endsAt,
            place: input.place, onlineUrl: input.onlineUrl, topic: input.topic, host: input.host,
            recorder: input.recorder, now: AppClock.now
        ).orThrow()
        guard let org else { throw AppError.notFound }
        let e = OrgLifeEvent()
        e.orgID = try org.requireID()
        e.kind = checked.kind
        e.startsAt = OrgLifeTime.text(checked.start)
        e.endsAt = OrgLifeTime.text(checked.end)
        e.heldOn = checked.heldOn.description
        e.place = checked.place
        e.onlineURL = checked.onlineURL
        e.topic = checked.topic
        e.host = checked.host
        e.recorder = checked.recorder
        e.createdBy = a.name
        e.checkInCode = try await OrgLifeStore.freshCode(on: a.db)
        try await e.create(on: a.db)
        try await a.audit(
            .create, "org-life", ref: e.id!.uuidString, summary: "记录组织生活：\(e.kind.label)·\(e.topic)" + channel(a))
        return e
    }

    /// An event the account may see and record (its organization within the account's scope), else 404.
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (OrgLifeEvent, Organization) {
        guard let id, let (e, org) = try await OrgLifeStore.event(id, on: db), user.covers(org) else {
            throw AppError.notFound
        }
        return (e, org)
    }

    /// The minutes, decisions, host and recorder of an event.
    static func minutes(
        _ e: OrgLifeEvent, host: String?, recorder: String?, minutes: String?, decisions: String?, as a: Acting
    ) async throws {
        let texts = [minutes, decisions].map { Normalize.text($0) }
        if texts.contains(where: { ($0?.count ?? 0) > maxMinutes }) {
            throw AppError.conflict("会议记录和决定事项各不超过\(maxMinutes)字")
        }
        if [host, recorder].contains(where: { (Normalize.text($0)?.count ?? 0) > 50 }) {
            throw AppError.conflict("主持人、记录人请控制在50字以内")
        }
        e.host = Normalize.text(host)
        e.recorder = Normalize.text(recorder)
        e.minutes = texts[0]
        e.decisions = texts[1]
        try await e.update(on: a.db)
        try await a.audit(.update, "org-life", ref: e.id!.uuidString, summary: "填写会议记录：\(e.topic)")
    }

    /// Replaces the attendance of the listed members (422 per item); others keep theirs. How many were recorded.
    static func setAttendance(
        _ items: [AttendanceItem], event: OrgLifeEvent, org: Organization, as a: Acting
    ) async throws -> Int {
        let (rows, problems) = OrgLifeRules.attendance(
            items.map {
                AttendanceInput(
                    memberId: $0.memberId, status: $0.status, reason: $0.reason, attendedAt: $0.attendedAt,
                    notCounted: $0.notCounted, approval: $0.approval)
            })
        guard items.count <= OrgLifeRules.maxItems else { throw AppError(RuleError.invalid(problems)) }
        let allowed = try await OrgLifeStore.eligible(rows.map(\.member), event: event, org: org, on: a.db)
        let mobile = try await OrgLifeStore.mobile(rows.filter(\.notCounted).map(\.member), on: a.db)
        let all =
            problems + OrgLifeRules.ineligible(rows, allowed: allowed)
            + OrgLifeRules.notCountedButNotMobile(rows, mobile: mobile)
        guard all.isEmpty else { throw AppError(RuleError.invalid(all)) }
        try await OrgLifeStore.record(rows, event: event, via: .staff, by: a.name, on: a.db)
        try await a.audit(
            .update, "org-life", ref: event.id!.uuidString, summary: "登记出席情况\(rows.count)人：\(event.topic)" + channel(a))
        return rows.count
    }

    /// A member's own check-in with the event's code, during the event (422 for an unknown or closed code). Codes are
    /// 6 of 31 characters and global: a code counts only for an event the member may attend — of their own branch or
    /// an organization above it, of the inflow organization they reported to, or of a mobile organization they take
    /// part in — and any other answers like an unknown code.
    static func checkIn(code raw: String?, member: CurrentMember, on db: Database, now: Date = AppClock.now)
        async throws -> (OrgLifeEvent, Organization)
    {
        let unknown = AppError.invalid([FieldError("code", "签到码不正确，请核对活动现场公布的6位签到码")])
        guard let code = OrgLifeRules.checkInCode(raw), let event = try await OrgLifeStore.event(code: code, on: db),
            try await OrgLifeStore.mayAttend(
                member.memberID, orgID: event.orgID, on: db, today: CalendarDate(date: now))
        else { throw unknown }
        guard event.codeOpen(at: now), let org = try await Organization.find(event.orgID, on: db) else {
            throw AppError.invalid([FieldError("code", "该活动不在签到时间内（开始前1小时至结束后2小时）")])
        }
        try await credit(member.memberID, event: event, org: org, via: .code, by: member.auditName, on: db)
        try await LostContactActions.signOfLife(member.memberID, what: "组织生活签到", on: db)
        return (event, org)
    }

    /// An inflow or mobile organization records the holder of an activity certificate present at one of its events
    /// taking place now.
    static func certificateCheckIn(_ c: Certificate, event id: UUID?, as a: Acting) async throws
        -> OrgLifeEvent
    {
        let user = try a.staffUser()
        guard let id, let (e, org) = try await OrgLifeStore.event(id, on: a.db), e.orgID == user.scopeID, e.codeOpen()
        else { throw AppError.conflict("没有正在进行的本组织活动") }
        try await credit(c.memberID, event: e, org: org, via: .certificate, by: a.name, on: a.db)
        try await a.audit(.update, "org-life", ref: e.id!.uuidString, summary: "凭活动证\(c.number)登记参加\(e.topic)")
        return e
    }

    /// Records a member present at an event (by code or certificate), noting where when it is not their own branch.
    static func credit(
        _ memberID: UUID, event: OrgLifeEvent, org: Organization, via: AttendanceVia, by: String, on db: Database
    ) async throws {
        guard let m = try await Member.find(memberID, on: db) else { throw AppError.notFound }
        let under = try await OrgLifeStore.isUnder(m.organizationID, org, on: db)
        let away = m.organizationID != org.id && !under
        let row = CheckedAttendance(
            index: 0, member: memberID, status: .present, reason: nil, attendedAt: away ? org.shortName : nil,
            notCounted: false)
        try await db.transaction { tx in
            try await OrgLifeStore.record([row], event: event, via: via, by: by, on: tx)
            // Credited away from home: the member hears it counted (their own branch's events need no message).
            if away {
                try await Notify.enqueue(
                    .checkInCredited, member: memberID, params: ["org": org.shortName, "event": event.kind.label],
                    link: "/my/org-life", on: tx)
            }
        }
    }

    /// An attachment (PDF, JPG or PNG judged by its bytes, at most 10 MB, 20 per event), within the account's
    /// upload quota.
    static func attach(_ file: File?, to e: OrgLifeEvent, app: Application, as a: Acting) async throws {
        let user = try a.staffUser()
        guard let file, file.data.readableBytes > 0 else {
            throw AppError.conflict("请选择附件（PDF、JPG 或 PNG，10MB 以内）")
        }
        guard file.data.readableBytes <= maxAttachmentBytes else { throw AppError.conflict("附件超过10MB，请压缩后再上传") }
        let bytes = Data(buffer: file.data)
        guard let kind = ScanKind.sniff(Array(bytes)) else { throw AppError.conflict("文件内容不是 PDF、JPG 或 PNG") }
        guard try await OrgLifeStore.attachmentCount(of: e.requireID(), on: a.db) < 20 else {
            throw AppError.conflict("每次组织生活最多20个附件")
        }
        let owner = UploadLedger.owner(account: user)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .attachment, bytes: bytes.count, settings: app.settings, now: now, on: a.db)
        {
            throw AppError.conflict(refusal)
        }
        let attachment = OrgLifeAttachment()
        attachment.id = UUID()
        attachment.eventID = try e.requireID()
        attachment.name = String(Normalize.text(file.filename)?.prefix(100) ?? "附件")
        attachment.fileType = kind.rawValue
        attachment.sha256 = SHA256.hash(data: bytes).hex
        attachment.size = bytes.count
        attachment.createdBy = a.name
        try await UploadLedger.keep(bytes, app) {
            try await a.db.transaction { tx in
                try await attachment.create(on: tx)
                try await UploadLedger.record(owner: owner, kind: .attachment, bytes: bytes.count, now: now, on: tx)
            }
        }
        try await a.audit(
            .create, "org-life", ref: e.id!.uuidString,
            summary: "上传附件\(attachment.name)（SHA-256 \(attachment.sha256)）")
    }
}

/// An event an organization could record a member present at now (from the certificate's page).
struct OrgLifeOption: Encodable, Sendable {
    var id: String
    var label: String

    static func openNow(orgID: Int, on db: Database, now: Date = AppClock.now) async throws -> [OrgLifeOption] {
        try await OrgLifeStore.recentEvents(of: orgID, around: CalendarDate(date: now), on: db)
            .filter { $0.codeOpen(at: now) }
            .map { OrgLifeOption(id: $0.id!.uuidString, label: "\($0.kind.label)·\($0.topic)") }
    }
}
