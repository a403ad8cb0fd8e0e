import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Every query of organizational life: events, attendance and who may be listed, each member's latest
/// organizational life, attachments, the pages' lists, the archive's lines.
enum OrgLifeStore {
    /// The organization an account may hold organizational life for: its own scope or below (a branch, committee,
    /// mobile organization), or — as an inflow account — its own organization.
    static func organization(code: String?, for user: CurrentUser, on db: Database) async throws -> Organization? {
        guard let code = Normalize.text(code), code.count <= 40 else { return nil }
        guard let o = try await OrgTree.organization(code: code, on: db), user.covers(o) else {
            return nil
        }
        return o
    }

    /// A check-in code no event holds (20 tries).
    static func freshCode(on db: Database) async throws -> String {
        for _ in 0..<20 {
            var g = SystemRandomNumberGenerator()
            let code = String((0..<6).map { _ in OrgLifeRules.codeAlphabet.randomElement(using: &g)! })
            if try await OrgLifeEvent.query(on: db).filter(\.$checkInCode == code).count() == 0 { return code }
        }
        throw AppError.conflict("签到码生成失败，请重试")
    }

    /// An event with its organization.
    static func event(_ id: UUID, on db: Database) async throws -> (OrgLifeEvent, Organization)? {
        guard let e = try await OrgLifeEvent.find(id, on: db), let org = try await Organization.find(e.orgID, on: db)
        else { return nil }
        return (e, org)
    }

    /// The event holding a check-in code.
    static func event(code: String, on db: Database) async throws -> OrgLifeEvent? {
        try await OrgLifeEvent.query(on: db).filter(\.$checkInCode == code).first()
    }

    /// An organization's events from three days ago to tomorrow, by start.
    static func recentEvents(of org: Int, around today: CalendarDate, on db: Database) async throws -> [OrgLifeEvent] {
        try await OrgLifeEvent.query(on: db).filter(\.$orgID == org)
            .filter(\.$heldOn >= today.adding(days: -3).description).filter(
                \.$heldOn <= today.adding(days: 1).description
            )
            .sort(\.$startsAt).all()
    }

    /// Which of `ids` belong to the event's attendance: on the organization's roster, reporting to it, taking part
    /// in it as a mobile organization, or already checked in.
    static func eligible(_ ids: [UUID], event: OrgLifeEvent, org: Organization, on db: Database) async throws -> Set<
        UUID
    > {
        guard !ids.isEmpty else { return [] }
        var ok = Set<UUID>()
        let open = FlowState.allCases.filter(\.isOpen)
        for chunk in ids.chunked(500) {
            ok.formUnion(
                try await Member.query(on: db).filter(\.$id ~~ Array(chunk))
                    .join(Organization.self, on: \Member.$organizationID == \Organization.$id)
                    .under(Organization.self, path: org.path).all(\.$id))
            ok.formUnion(
                try await Flow.query(on: db).filter(\.$memberID ~~ Array(chunk)).filter(\.$inflowOrgID == org.id!)
                    .filter(\.$status ~~ open).all(\.$memberID))
            ok.formUnion(
                try await MobileOrgMembership.query(on: db).filter(\.$memberID ~~ Array(chunk))
                    .filter(\.$orgID == org.id!).filter(\.$leftOn == nil).all(\.$memberID))
            ok.formUnion(
                try await OrgLifeAttendance.query(on: db).filter(\.$eventID == event.id!)
                    .filter(\.$memberID ~~ Array(chunk)).all(\.$memberID))
        }
        return ok
    }

    /// Records the rows' attendance and recomputes each member's latest organizational life, in one transaction.
    static func record(
        _ rows: [CheckedAttendance], event: OrgLifeEvent, via: AttendanceVia, by: String, on db: Database
    ) async throws {
        try await db.transaction { tx in
            for r in rows {
                let a =
                    try await OrgLifeAttendance.query(on: tx).filter(\.$eventID == event.id!)
                    .filter(\.$memberID == r.member).first() ?? OrgLifeAttendance()
                a.eventID = event.id!
                a.memberID = r.member
                a.status = r.status
                a.reason = r.reason
                a.attendedAt = r.attendedAt
                a.notCounted = r.notCounted
                a.approval = r.approval
                a.via = via
                a.recordedBy = by
                try await a.save(on: tx)
            }
            try await refreshLast(rows.map(\.member), on: tx)
        }
    }

    /// Removes a member's attendance since `since` and recomputes their latest (the demo's silent member).
    static func forget(member: UUID, since: CalendarDate, on db: Database) async throws {
        try await db.sql().raw(
            """
            DELETE FROM org_life_attendance WHERE member_id = \(bind: member)
              AND event_id IN (SELECT id FROM org_life_events WHERE held_on >= \(bind: since.description))
            """
        ).run()
        try await refreshLast([member], on: db)
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

    static func isUnder(_ orgID: Int, _ org: Organization, on db: Database) async throws -> Bool {
        guard let o = try await Organization.find(orgID, on: db) else { return false }
        return o.path.hasPrefix(org.path)
    }

    /// 应到, 实到 and the quorum of an event over the organization's roster — at a voting meeting over its full
    /// members, with the probationary members present apart.
    static func quorum(_ event: OrgLifeEvent, org: Organization, on db: Database) async throws -> Quorum {
        let voting = event.kind.isVoting
        let counted: SQLQueryString = voting ? "m.category = \(bind: MemberCategory.full.rawValue)" : "1 = 1"
        let row = try await db.sql().raw(
            """
            SELECT SUM(CASE WHEN \(counted) THEN 1 ELSE 0 END) AS roster,
              SUM(CASE WHEN \(counted) AND a.status = 'present' THEN 1 ELSE 0 END) AS present,
              SUM(CASE WHEN \(counted) AND a.status = 'excused' THEN 1 ELSE 0 END) AS excused,
              SUM(CASE WHEN \(counted) AND a.not_counted THEN 1 ELSE 0 END) AS not_counted,
              SUM(CASE WHEN NOT (\(counted)) AND a.status = 'present' THEN 1 ELSE 0 END) AS probationary
            FROM members m JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN org_life_attendance a ON a.member_id = m.id AND a.event_id = \(bind: event.id!)
            WHERE \(PathPrefix("o.path", org.path)) AND m.roster_state IS NULL
            """
        ).first(decoding: QuorumRow.self)
        return Quorum(
            roster: row?.roster ?? 0, present: row?.present ?? 0, excused: row?.excused ?? 0,
            notCounted: row?.notCounted ?? 0, voting: voting, probationaryPresent: row?.probationary ?? 0)
    }

    /// Which of `ids` are mobile members now (an open flow): only their approved absence may be left out of 应到.
    static func mobile(_ ids: [UUID], on db: Database) async throws -> Set<UUID> {
        var out = Set<UUID>()
        for chunk in Array(Set(ids)).chunked(400) {
            out.formUnion(
                try await Member.query(on: db).filter(\.$id ~~ Array(chunk))
                    .filter(\.$flowStatus ~~ LedgerService.openStates).all(\.$id))
        }
        return out
    }

    static func attachmentCount(of event: UUID, on db: Database) async throws -> Int {
        try await OrgLifeAttachment.query(on: db).filter(\.$eventID == event).count()
    }

    static func attachments(of event: UUID, on db: Database) async throws -> [OrgLifeAttachment] {
        try await OrgLifeAttachment.query(on: db).filter(\.$eventID == event).sort(\.$createdAt).all()
    }

    static func attachment(_ id: UUID, of event: UUID, on db: Database) async throws -> OrgLifeAttachment? {
        try await OrgLifeAttachment.query(on: db).filter(\.$id == id).filter(\.$eventID == event).first()
    }

    /// The latest 100 events of organizations under `path`, with those present.
    static func events(under path: String, on sql: SQLDatabase) async throws -> [EventListRow] {
        try await sql.raw(
            """
            SELECT e.id, e.kind, o.short_name, e.starts_at, e.topic,
              (SELECT COUNT(*) FROM org_life_attendance a WHERE a.event_id = e.id AND a.status = 'present') AS present
            FROM org_life_events e JOIN organizations o ON o.id = e.org_id
            WHERE \(PathPrefix("o.path", path)) ORDER BY e.starts_at DESC LIMIT 100
            """
        ).all(decoding: EventListRow.self)
    }

    /// Members under `path` present at events of organizations outside it since a day (the latest 200).
    static func attendedAway(under path: String, since: CalendarDate, on sql: SQLDatabase) async throws -> [AwayListRow]
    {
        try await sql.raw(
            """
            SELECT m.name, b.short_name AS branch, x.short_name AS org, e.kind, e.held_on, a.via
            FROM organizations b JOIN members m ON m.organization_id = b.id
            JOIN org_life_attendance a ON a.member_id = m.id AND a.status = 'present'
            JOIN org_life_events e ON e.id = a.event_id JOIN organizations x ON x.id = e.org_id
            WHERE \(PathPrefix("b.path", path)) AND NOT \(PathPrefix("x.path", path))
              AND e.held_on >= \(bind: since.description)
            ORDER BY e.held_on DESC LIMIT 200
            """
        ).all(decoding: AwayListRow.self)
    }

    /// A member's attendance, latest first: `limit` rows by start (the phone) or by day (the archive).
    static func attended(by member: UUID, limit: Int, on sql: SQLDatabase) async throws -> [AttendedRow] {
        try await sql.raw(
            """
            SELECT e.held_on, e.org_id, o.short_name, e.kind, e.topic, a.status, a.reason, a.via
            FROM org_life_attendance a JOIN org_life_events e ON e.id = a.event_id JOIN organizations o ON o.id = e.org_id
            WHERE a.member_id = \(bind: member) ORDER BY e.held_on DESC, e.starts_at DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
            """
        ).all(decoding: AttendedRow.self)
    }

    struct Person: Decodable {
        var id: UUID
        var name: String
        var branch: String
        var mobile: Bool
        var status: String?
        var reason: String?
        var attendedAt: String?
        var notCounted: Bool
        var approval: String?
        var probationary: Bool
        var via: String?
    }

    static let maxListed = 600

    /// The organization's roster (its own members and those below), the members reporting to it or taking part in
    /// it, and anyone already checked in: each with their attendance.
    static func people(_ e: OrgLifeEvent, org: Organization, on db: Database) async throws -> [Person] {
        let open = SQLBind.group(LedgerService.openStates)
        let rows = try await db.sql().raw(
            """
            SELECT m.id, m.name, b.short_name AS branch, m.flow_status, m.category, a.status, a.reason,
              a.attended_at, a.not_counted, a.approval, a.via
            FROM members m JOIN organizations b ON b.id = m.organization_id
            LEFT JOIN org_life_attendance a ON a.member_id = m.id AND a.event_id = \(bind: e.id!)
            WHERE (\(PathPrefix("b.path", org.path)) AND m.roster_state IS NULL)
               OR m.id IN (SELECT member_id FROM org_life_attendance WHERE event_id = \(bind: e.id!))
               OR m.id IN (SELECT member_id FROM flows WHERE inflow_org_id = \(bind: org.id!) AND status IN \(open))
               OR m.id IN (SELECT member_id FROM mobile_org_members WHERE org_id = \(bind: org.id!) AND left_on IS NULL)
            ORDER BY b.path, m.name LIMIT \(unsafeRaw: String(maxListed))
            """
        ).all(decoding: PersonRow.self)
        return rows.map {
            Person(
                id: $0.id, name: $0.name, branch: $0.branch, mobile: $0.flow_status != nil, status: $0.status,
                reason: $0.reason, attendedAt: $0.attended_at, notCounted: $0.not_counted ?? false,
                approval: $0.approval, probationary: $0.category == MemberCategory.probationary.rawValue, via: $0.via)
        }
    }
}

struct PersonRow: Decodable {
    var id: UUID
    var name: String
    var branch: String
    var flow_status: String?
    var status: String?
    var reason: String?
    var attended_at: String?
    var not_counted: Bool?
    var approval: String?
    var category: String?
    var via: String?
}

struct QuorumRow: Decodable {
    var roster: Int?
    var present: Int?
    var excused: Int?
    var notCounted: Int?
    var probationary: Int?

    enum CodingKeys: String, CodingKey {
        case roster, present, excused, probationary
        case notCounted = "not_counted"
    }
}

/// An event as the organization's list reads it.
struct EventListRow: Decodable {
    var id: UUID
    var kind: String
    var shortName: String
    var startsAt: String
    var topic: String
    var present: Int?

    enum CodingKeys: String, CodingKey {
        case id, kind, topic, present
        case shortName = "short_name"
        case startsAt = "starts_at"
    }
}

/// A member present elsewhere, as the organization's list reads it.
struct AwayListRow: Decodable {
    var name: String
    var branch: String
    var org: String
    var kind: String
    var heldOn: String
    var via: String

    enum CodingKeys: String, CodingKey {
        case name, branch, org, kind, via
        case heldOn = "held_on"
    }
}

/// One attendance of a member, with the event and its organization.
struct AttendedRow: Decodable {
    var heldOn: String
    var orgID: Int
    var shortName: String
    var kind: String
    var topic: String
    var status: String
    var reason: String?
    var via: String

    enum CodingKeys: String, CodingKey {
        case kind, topic, status, reason, via
        case heldOn = "held_on"
        case orgID = "org_id"
        case shortName = "short_name"
    }
}
