import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Organizational life: events, attendance (recorded by the organization, by the member's code, by the activity
/// certificate), quorum, and each member's latest organizational life anywhere.
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

    static let maxText = 200
    static let maxMinutes = 20_000

    /// The organization an account may hold organizational life for: its own scope or below (a branch, committee,
    /// mobile organization), or — as an inflow account — its own organization.
    static func org(code: String?, for user: CurrentUser, on db: Database) async throws -> Organization? {
        guard let code = Normalize.text(code), code.count <= 40 else { return nil }
        guard let o = try await Organization.query(on: db).filter(\.$code == code).first(), user.covers(o) else {
            return nil
        }
        return o
    }

    /// Validates every field (422 per field) and saves the event with a fresh check-in code.
    static func create(_ input: Input, by user: CurrentUser, on db: Database) async throws -> OrgLifeEvent {
        guard user.can(.recordOrgLife) else { throw AppError.forbidden }
        var errors: [FieldError] = []
        let org = try await org(code: input.orgCode, for: user, on: db)
        if org == nil {
            errors.append(
                FieldError("orgCode", Normalize.text(input.orgCode) == nil ? "请选择党组织" : "党组织不存在或不在您的管理范围内"))
        } else if org!.isClosed {
            errors.append(FieldError("orgCode", "该党组织已撤销"))
        }
        let kind = Normalize.text(input.kind).flatMap(OrgLifeKind.init(rawValue:))
        if kind == nil { errors.append(FieldError("kind", "请选择组织生活类型")) }
        let start = OrgLifeTime.parse(input.startsAt)
        if start == nil {
            errors.append(FieldError("startsAt", "请填写开始时间，格式如 2026-12-01T19:30"))
        } else if start! > AppClock.now.addingTimeInterval(366 * 86400)
            || start! < AppClock.now.addingTimeInterval(-3 * 366 * 86400)
        {
            errors.append(FieldError("startsAt", "开始时间应在三年前至一年后之间"))
        }
        var end = start.map { $0.addingTimeInterval(3 * 3600) }
        if let raw = Normalize.text(input.endsAt) {
            end = OrgLifeTime.parse(raw)
            if end == nil {
                errors.append(FieldError("endsAt", "结束时间格式如 2026-12-01T21:30"))
            } else if let start, end! <= start || end!.timeIntervalSince(start) > 3 * 86400 {
                errors.append(FieldError("endsAt", "结束时间应晚于开始时间，且不超过三天"))
                end = nil
            }
        }
        let place = Normalize.text(input.place)
        let url = Normalize.text(input.onlineUrl)
        if place == nil && url == nil {
            errors.append(FieldError("place", "请填写地点或线上会议链接"))
        }
        if let place, place.count > maxText { errors.append(FieldError("place", "地点请控制在200字以内")) }
        if let url, url.count > 500 || !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            errors.append(FieldError("onlineUrl", "线上链接应以 https:// 或 http:// 开头（500字以内）"))
        }
        let topic = Normalize.text(input.topic)
        if topic == nil || topic!.count > maxText { errors.append(FieldError("topic", "请填写主题（200字以内）")) }
        let host = Normalize.text(input.host)
        let recorder = Normalize.text(input.recorder)
        if (host?.count ?? 0) > 50 { errors.append(FieldError("host", "主持人请控制在50字以内")) }
        if (recorder?.count ?? 0) > 50 { errors.append(FieldError("recorder", "记录人请控制在50字以内")) }
        guard errors.isEmpty, let org, let kind, let start, let end, let topic else { throw AppError.invalid(errors) }
        let e = OrgLifeEvent()
        e.orgID = org.id!
        e.kind = kind
        e.startsAt = OrgLifeTime.text(start)
        e.endsAt = OrgLifeTime.text(end)
        e.heldOn = CalendarDate(date: start).description
        e.place = place
        e.onlineURL = url
        e.topic = topic
        e.host = host
        e.recorder = recorder
        e.createdBy = user.username
        e.checkInCode = try await freshCode(on: db)
        try await e.create(on: db)
        return e
    }

    /// Six characters without the ones people misread (0/O, 1/I/L).
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    static func freshCode(on db: Database) async throws -> String {
        for _ in 0..<20 {
            var g = SystemRandomNumberGenerator()
            let code = String((0..<6).map { _ in codeAlphabet.randomElement(using: &g)! })
            if try await OrgLifeEvent.query(on: db).filter(\.$checkInCode == code).count() == 0 { return code }
        }
        throw AppError.conflict("签到码生成失败，请重试")
    }

    /// An event the account may see and record (its organization within the account's scope), else 404.
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (OrgLifeEvent, Organization) {
        guard let id, let e = try await OrgLifeEvent.find(id, on: db),
            let org = try await Organization.find(e.orgID, on: db), user.covers(org)
        else { throw AppError.notFound }
        return (e, org)
    }

    struct AttendanceItem: Content, Sendable {
        var memberId: String?
        var status: String?
        var reason: String?
        var attendedAt: String?
        /// Excused with the higher organization's consent: not counted in 应到.
        var notCounted: Bool?
    }

    static let maxItems = 5000

    /// Whether a member belongs to the event's attendance: on the organization's roster, reporting to it, taking
    /// part in it as a mobile organization, or already checked in.
    static func eligible(_ ids: [UUID], event: OrgLifeEvent, org: Organization, on db: Database) async throws -> Set<
        UUID
    > {
        guard !ids.isEmpty else { return [] }
        var ok = Set<UUID>()
        let open = FlowState.allCases.filter(\.isOpen)
        for chunk in ids.chunked(500) {
            let onRoster = try await Member.query(on: db).filter(\.$id ~~ Array(chunk))
                .join(Organization.self, on: \Member.$organizationID == \Organization.$id)
                .filter(Organization.self, \.$path =~ org.path).all(\.$id)
            ok.formUnion(onRoster)
            ok.formUnion(
                try await Flow.query(on: db).filter(\.$memberID ~~ Array(chunk)).filter(\.$inflowOrgID == org.id!)
                    .filter(\.$status ~~ open).all(\.$memberID))
            ok.formUnion(
                try await MobileOrgMembership.query(on: db).filter(\.$memberID ~~ Array(chunk)).filter(
                    \.$orgID == org.id!
                )
                .filter(\.$leftOn == nil).all(\.$memberID))
            ok.formUnion(
                try await OrgLifeAttendance.query(on: db).filter(\.$eventID == event.id!).filter(
                    \.$memberID ~~ Array(chunk)
                )
                .all(\.$memberID))
        }
        return ok
    }

    /// Replaces the attendance of the listed members (422 per item); others keep theirs.
    static func setAttendance(
        _ items: [AttendanceItem], event: OrgLifeEvent, org: Organization, by user: CurrentUser, on db: Database
    ) async throws -> Int {
        guard items.count <= maxItems else {
            throw AppError.invalid([FieldError("items", "一次最多登记\(maxItems)人")])
        }
        var errors: [FieldError] = []
        var parsed: [(UUID, AttendanceStatus, String?, String?, Bool)] = []
        var seen = Set<UUID>()
        for (i, item) in items.enumerated() {
            let field = "items[\(i)]"
            guard let id = Normalize.text(item.memberId).flatMap({ UUID(uuidString: $0) }) else {
                errors.append(FieldError("\(field).memberId", "党员编号无效"))
                continue
            }
            if !seen.insert(id).inserted { errors.append(FieldError("\(field).memberId", "同一党员重复登记")) }
            guard let status = Normalize.text(item.status).flatMap(AttendanceStatus.init(rawValue:)) else {
                errors.append(FieldError("\(field).status", "出席情况应为 present（出席）、excused（请假）或 absent（缺席）"))
                continue
            }
            let reason = Normalize.text(item.reason)
            if status == .excused && reason == nil {
                errors.append(FieldError("\(field).reason", "请假请填写原因"))
            }
            if (reason?.count ?? 0) > maxText { errors.append(FieldError("\(field).reason", "原因请控制在200字以内")) }
            let at = Normalize.text(item.attendedAt)
            if (at?.count ?? 0) > 100 { errors.append(FieldError("\(field).attendedAt", "参加地点请控制在100字以内")) }
            if item.notCounted == true && status != .excused {
                errors.append(FieldError("\(field).notCounted", "只有经上级党组织同意请假的党员可不计入应到人数"))
            }
            parsed.append((id, status, status == .present ? nil : reason, at, item.notCounted == true))
        }
        let allowed = try await eligible(parsed.map(\.0), event: event, org: org, on: db)
        for (i, p) in parsed.enumerated() where !allowed.contains(p.0) {
            errors.append(FieldError("items[\(i)].memberId", "该党员不在本组织名册，也未在本组织报到或参加活动"))
        }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let rows = parsed
        try await db.transaction { tx in
            for p in rows {
                try await record(
                    member: p.0, event: event, status: p.1, reason: p.2, attendedAt: p.3, notCounted: p.4, via: .staff,
                    by: user.username, on: tx)
            }
            try await refreshLast(rows.map(\.0), on: tx)
        }
        return parsed.count
    }

    static func record(
        member: UUID, event: OrgLifeEvent, status: AttendanceStatus, reason: String?, attendedAt: String?,
        notCounted: Bool, via: AttendanceVia, by: String, on db: Database
    ) async throws {
        let a =
            try await OrgLifeAttendance.query(on: db).filter(\.$eventID == event.id!).filter(\.$memberID == member)
            .first() ?? OrgLifeAttendance()
        a.eventID = event.id!
        a.memberID = member
        a.status = status
        a.reason = reason
        a.attendedAt = attendedAt
        a.notCounted = notCounted
        a.via = via
        a.recordedBy = by
        try await a.save(on: db)
    }

    /// Recomputes the day of each member's latest organizational life attended anywhere.
    static func refreshLast(_ members: [UUID], on db: Database) async throws {
        let sql = try db.sql()
        for chunk in members.chunked(200) {
            try await sql.delete(from: "org_life_last").where(SQLColumn("member_id"), .in, SQLBind.group(Array(chunk)))
                .run()
            try await sql.raw(
                """
                INSERT INTO org_life_last (member_id, last_on)
                SELECT a.member_id, MAX(e.held_on) FROM org_life_attendance a JOIN org_life_events e ON e.id = a.event_id
                WHERE a.status = 'present' AND a.member_id IN \(SQLBind.group(Array(chunk))) GROUP BY a.member_id
                """
            ).run()
        }
    }

    /// A member's own check-in with the event's code, during the event (422 for an unknown or closed code). Codes are
    /// 6 of 31 characters and global: a code counts only for an event the member may attend — of their own branch or
    /// an organization above it, of the inflow organization they reported to, or of a mobile organization they take
    /// part in — and any other answers like an unknown code.
    static func checkIn(code raw: String?, member: CurrentMember, on db: Database, now: Date = AppClock.now)
        async throws
        -> (OrgLifeEvent, Organization)
    {
        let code = Normalize.halfWidth(Normalize.text(raw) ?? "").uppercased()
        let unknown = AppError.invalid([FieldError("code", "签到码不正确，请核对活动现场公布的6位签到码")])
        guard code.count == 6, code.allSatisfy({ codeAlphabet.contains($0) }),
            let event = try await OrgLifeEvent.query(on: db).filter(\.$checkInCode == code).first(),
            try await mayAttend(member.memberID, orgID: event.orgID, on: db, today: CalendarDate(date: now))
        else { throw unknown }
        guard event.codeOpen(at: now), let org = try await Organization.find(event.orgID, on: db) else {
            throw AppError.invalid([FieldError("code", "该活动不在签到时间内（开始前1小时至结束后2小时）")])
        }
        try await credit(member.memberID, event: event, org: org, via: .code, by: member.auditName, on: db)
        return (event, org)
    }

    /// Whether a member may attend an organization's events: their branch or an organization above it, the inflow
    /// organization their open flow reported to, a mobile organization they take part in.
    static func mayAttend(_ memberID: UUID, orgID: Int, on db: Database, today: CalendarDate) async throws -> Bool {
        guard let m = try await Member.find(memberID, on: db), let org = try await Organization.find(orgID, on: db)
        else { return false }
        if try await isUnder(m.organizationID, org, on: db) { return true }
        let open = FlowState.allCases.filter(\.isOpen)
        if try await Flow.query(on: db).filter(\.$memberID == memberID).filter(\.$status ~~ open)
            .filter(\.$inflowOrgID == orgID).count() > 0
        {
            return true
        }
        let day = today.description
        return try await MobileOrgMembership.query(on: db).filter(\.$memberID == memberID).filter(\.$orgID == orgID)
            .filter(\.$joinedOn <= day).group(.or) { $0.filter(\.$leftOn == nil).filter(\.$leftOn > day) }.count() > 0
    }

    /// Records a member present at an event (by code or certificate), noting where when it is not their own branch.
    static func credit(
        _ memberID: UUID, event: OrgLifeEvent, org: Organization, via: AttendanceVia, by: String, on db: Database
    ) async throws {
        guard let m = try await Member.find(memberID, on: db) else { throw AppError.notFound }
        let under = try await isUnder(m.organizationID, org, on: db)
        let away = m.organizationID != org.id && !under
        try await db.transaction { tx in
            try await record(
                member: memberID, event: event, status: .present, reason: nil, attendedAt: away ? org.shortName : nil,
                notCounted: false, via: via, by: by, on: tx)
            try await refreshLast([memberID], on: tx)
        }
    }

    static func isUnder(_ orgID: Int, _ org: Organization, on db: Database) async throws -> Bool {
        guard let o = try await Organization.find(orgID, on: db) else { return false }
        return o.path.hasPrefix(org.path)
    }

    /// 应到, 实到 and whether a member meeting was quorate (实到 more than half of 应到).
    struct Quorum: Content, Sendable {
        var expected: Int
        var present: Int
        var excused: Int
        var notCounted: Int
        var quorate: Bool
    }

    /// The roster of the organization (its members, of it and below), less those excused with the higher
    /// organization's consent, against the roster members present.
    static func quorum(_ event: OrgLifeEvent, org: Organization, on db: Database) async throws -> Quorum {
        struct Row: Decodable {
            var roster: Int
            var present: Int?
            var excused: Int?
            var not_counted: Int?
        }
        let row = try await db.sql().raw(
            """
            SELECT COUNT(*) AS roster,
              SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END) AS present,
              SUM(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END) AS excused,
              SUM(CASE WHEN a.not_counted THEN 1 ELSE 0 END) AS not_counted
            FROM members m JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN org_life_attendance a ON a.member_id = m.id AND a.event_id = \(bind: event.id!)
            WHERE \(PathPrefix("o.path", org.path))
            """
        ).first(decoding: Row.self)
        let expected = (row?.roster ?? 0) - (row?.not_counted ?? 0)
        let present = row?.present ?? 0
        return Quorum(
            expected: expected, present: present, excused: row?.excused ?? 0, notCounted: row?.not_counted ?? 0,
            quorate: expected > 0 && present * 2 > expected)
    }
}

/// An event an organization could record a member present at now (from the certificate's page).
struct OrgLifeOption: Encodable, Sendable {
    var id: String
    var label: String

    static func openNow(orgID: Int, on db: Database, now: Date = AppClock.now) async throws -> [OrgLifeOption] {
        let today = CalendarDate(date: now)
        return try await OrgLifeEvent.query(on: db).filter(\.$orgID == orgID)
            .filter(\.$heldOn >= today.adding(days: -3).description).filter(
                \.$heldOn <= today.adding(days: 1).description
            )
            .sort(\.$startsAt).all().filter { $0.codeOpen(at: now) }
            .map { OrgLifeOption(id: $0.id!.uuidString, label: "\($0.kind.label)·\($0.topic)") }
    }
}
