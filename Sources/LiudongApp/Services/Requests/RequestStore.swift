import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Every query of requests: the settings and calendar, the facts routing needs, one request with the organizations it
/// is routed and escalated to, writing a request with its trail event and notice, an account's list (what is routed or
/// escalated to organizations it covers), a member's own, the statistics, one request's trail and the worklist tallies.
enum RequestStore {
    /// The inflow organization when it exists and has an account that can act for it.
    static func usableInflow(_ id: Int?, on db: Database) async throws -> Organization? {
        guard let id, try await CalendarStore.hasAccount(id, on: db) else { return nil }
        return try await Organization.find(id, on: db)
    }

    /// The member's home branch and what routing needs: the home county's area, the open flow, and — for a rights
    /// matter (`stations`) — the legal service stations that are open and have an account (by organization id, so a
    /// tie goes the same way every time).
    static func routingFacts(_ member: Member, stations wanted: Bool, on db: Database) async throws -> (
        Organization, RoutingFacts
    ) {
        guard let home = try await Organization.find(member.organizationID, on: db) else { throw AppError.notFound }
        let county = try await OrgTree.county(of: home, on: db)
        let flow = try await Flow.query(on: db).filter(\.$memberID == member.requireID())
            .filter(\.$status ~~ FlowState.allCases.filter(\.isOpen)).sort(\.$leftOn, .descending).first()
        var stations: [RoutingFacts.Station] = []
        for s in wanted ? try await ServiceStation.query(on: db).filter(\.$purpose == .legal).sort(\.$id).all() : [] {
            guard let id = s.id, let org = try await Organization.find(id, on: db), org.closedAt == nil,
                try await CalendarStore.hasAccount(id, on: db)
            else { continue }
            stations.append(.init(org: id, areaCode: s.areaCode))
        }
        let usable = try await usableInflow(flow?.inflowOrgID, on: db)
        return (
            home,
            RoutingFacts(
                homeArea: county?.divisionCode ?? home.divisionCode,
                flow: flow.map {
                    .init(destinationCode: $0.destinationCode, usableInflowOrg: usable?.id, inflowOrg: $0.inflowOrgID)
                }, stations: stations)
        )
    }

    /// A request with the organization it is routed to and the one it was escalated to.
    static func request(_ id: UUID, on db: Database) async throws -> (ServiceRequest, Organization, Organization?)? {
        guard let r = try await ServiceRequest.find(id, on: db),
            let routed = try await Organization.find(r.routedOrgID, on: db)
        else { return nil }
        let up = try await r.escalatedToOrgID.asyncMap { try await Organization.find($0, on: db) } ?? nil
        return (r, routed, up)
    }

    /// A new request with its first trail event and the handling side's notice, in one transaction.
    static func create(_ r: ServiceRequest, event: ServiceRequestEvent, notice: Notice, on db: Database) async throws {
        try await db.transaction { tx in
            try await r.create(on: tx)
            try await event.create(on: tx)
            try await notice.create(on: tx)
        }
    }

    /// A changed request with its trail event (and a notice), in one transaction.
    static func save(
        _ r: ServiceRequest, event: ServiceRequestEvent, notice: Notice? = nil, message: Notify.Message? = nil,
        on db: Database
    ) async throws {
        try await db.transaction { tx in
            try await r.update(on: tx)
            try await event.create(on: tx)
            try await notice?.create(on: tx)
            try await Notify.enqueue(message, on: tx)
        }
    }

    /// Requests still with the handling side, for the daily job.
    static func open(on db: Database) async throws -> [ServiceRequest] {
        try await ServiceRequest.query(on: db).filter(\.$status ~~ [.submitted, .accepted, .inProgress]).all()
    }

    /// Answered requests not yet rated, for the daily job.
    static func answered(on db: Database) async throws -> [ServiceRequest] {
        try await ServiceRequest.query(on: db).filter(\.$status == .answered).all()
    }

    /// A member's requests (the archive and the phone's tile).
    static func all(of member: UUID, on db: Database) async throws -> [ServiceRequest] {
        try await ServiceRequest.query(on: db).filter(\.$memberID == member).all()
    }

    /// Where an overdue request is escalated: the parent of the handling organization; for one outside the tree (an
    /// inflow organization), the parent of the member's home branch.
    static func escalationTarget(_ r: ServiceRequest, on db: Database) async throws -> Organization? {
        guard let routed = try await Organization.find(r.routedOrgID, on: db) else { return nil }
        if routed.kind == .regular, let p = routed.parentID { return try await Organization.find(p, on: db) }
        guard let home = try await Organization.find(r.homeOrgID, on: db), let p = home.parentID else { return nil }
        return try await Organization.find(p, on: db)
    }

    /// Counts per organization for the worklist: requests to acknowledge and to answer at the organizations handling
    /// them (the overdue ones apart), and open requests escalated to the account's organizations.
    static func tallies(for user: CurrentUser, today: CalendarDate, on sql: SQLDatabase) async throws -> (
        acknowledge: (counts: [Int: Int], overdue: [Int: Int]), answer: (counts: [Int: Int], overdue: [Int: Int]),
        escalated: [Int: Int]
    ) {
        let day = today.description
        let mine: SQLQueryString =
            user.isInflowSide
            ? "r.routed_org_id = \(bind: user.scopeID)" : "\(PathPrefix("o.path", user.scopePath))"
        func tally(_ statuses: [String], deadline: String) async throws -> (counts: [Int: Int], overdue: [Int: Int]) {
            let rows = try await sql.raw(
                """
                SELECT r.routed_org_id AS org_id, COUNT(*) AS n,
                       SUM(CASE WHEN \(unsafeRaw: deadline) < \(bind: day) THEN 1 ELSE 0 END) AS late
                FROM service_requests r JOIN organizations o ON o.id = r.routed_org_id
                WHERE \(mine) AND r.status IN \(SQLBind.group(statuses)) GROUP BY r.routed_org_id
                """
            ).all(decoding: OrgCount.self)
            return (
                rows.counts,
                rows.late
            )
        }
        let acknowledge = try await tally(["submitted"], deadline: "r.acknowledge_by")
        let answer = try await tally(["accepted", "inProgress"], deadline: "r.answer_by")
        let escalatedTo: SQLQueryString =
            user.isInflowSide
            ? "r.escalated_to_org_id = \(bind: user.scopeID)" : "\(PathPrefix("e.path", user.scopePath))"
        let escalated = try await sql.raw(
            """
            SELECT r.escalated_to_org_id AS org_id, COUNT(*) AS n FROM service_requests r
            JOIN organizations e ON e.id = r.escalated_to_org_id
            WHERE \(escalatedTo) AND r.status IN ('submitted', 'accepted', 'inProgress') GROUP BY r.escalated_to_org_id
            """
        ).all(decoding: OrgCount.self)
        return (acknowledge, answer, escalated.counts)
    }

    /// A contact with its member and the member's branch.
    static func contact(_ id: UUID, on db: Database) async throws -> (Contact, Member, Organization)? {
        guard let c = try await Contact.find(id, on: db), let m = try await Member.find(c.memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db)
        else { return nil }
        return (c, m, branch)
    }

    /// Whether the member's open flow reports to an inflow organization (for a cadre of that organization recording a
    /// request from a contact).
    static func reportsTo(_ inflowOrg: Int, member: UUID, on db: Database) async throws -> Bool {
        try await Flow.query(on: db).filter(\.$memberID == member).filter(\.$inflowOrgID == inflowOrg)
            .filter(\.$status ~~ FlowState.allCases.filter(\.isOpen)).first() != nil
    }
    /// One line of a list (the API's shape plus what the pages show).
    struct Item: Content {
        var id: String
        var kind: String
        var kindLabel: String
        var title: String
        var status: String
        var statusLabel: String
        var routedTo: RoutedTo
        var acknowledgeBy: String
        var answerBy: String
        var submittedOn: String
        var member: String?
        var overdue: Bool
        var escalated: Bool
        var stars: Int?
    }

    struct RoutedTo: Content {
        var orgCode: String
        var name: String
    }

    static func item(_ r: RequestRow, today: CalendarDate, showMember: Bool) -> Item {
        let status = ServiceRequestStatus(rawValue: r.status) ?? .submitted
        let overdue =
            RequestRules.overdueStage(status, acknowledgeBy: r.acknowledgeBy, answerBy: r.answerBy, today: today) != nil
        return Item(
            id: r.id.uuidString, kind: r.kind, kindLabel: ServiceRequestKind(rawValue: r.kind)?.label ?? r.kind,
            title: r.title, status: r.status, statusLabel: status.label,
            routedTo: RoutedTo(orgCode: r.orgCode, name: r.orgName), acknowledgeBy: r.acknowledgeBy,
            answerBy: r.answerBy, submittedOn: r.submittedOn, member: showMember ? r.memberName : nil,
            overdue: overdue, escalated: r.escalatedStage != nil, stars: r.stars)
    }

    /// The organizations an account's requests come from: routed to, or escalated to, one it covers.
    static func scopeFilter(_ user: CurrentUser, within path: String? = nil) -> SQLQueryString {
        if user.isInflowSide {
            return "(r.routed_org_id = \(bind: user.scopeID) OR r.escalated_to_org_id = \(bind: user.scopeID))"
        }
        let p = path ?? user.scopePath
        let external: SQLQueryString = user.seesExternal && path == nil ? " OR o.kind = 'external'" : ""
        return """
            (\(PathPrefix("o.path", p))\(external) OR r.escalated_to_org_id IN (SELECT id FROM organizations WHERE \(PathPrefix("path", p))))
            """
    }

    static let select: SQLQueryString = """
        SELECT r.id, r.kind, r.title, r.status, r.acknowledge_by, r.answer_by, r.submitted_on, o.code AS org_code,
               o.short_name AS org_name, m.name AS member_name, r.escalated_stage, r.stars
        FROM service_requests r JOIN organizations o ON o.id = r.routed_org_id JOIN members m ON m.id = r.member_id
        """

    static func staff(
        _ user: CurrentUser, status: ServiceRequestStatus?, overdueOnly: Bool = false, today: CalendarDate,
        limit: Int = 200, on db: Database
    ) async throws -> [Item] {
        let statusFilter: SQLQueryString = status.map { " AND r.status = \(bind: $0.rawValue)" } ?? ""
        let rows = try await db.sql().raw(
            """
            \(select) WHERE \(scopeFilter(user))\(statusFilter)
            ORDER BY r.status = 'closed', r.answer_by, r.submitted_at DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
            """
        ).all(decoding: RequestRow.self)
        let items = rows.map { item($0, today: today, showMember: true) }
        return overdueOnly ? items.filter(\.overdue) : items
    }

    static func member(_ id: UUID, today: CalendarDate, on db: Database) async throws -> [Item] {
        try await db.sql().raw(
            "\(select) WHERE r.member_id = \(bind: id) ORDER BY r.submitted_at DESC LIMIT 200"
        ).all(decoding: RequestRow.self).map { item($0, today: today, showMember: false) }
    }

    /// The statistics (`RequestStats`) of the requests routed to an organization's subtree and submitted between two
    /// days.
    static func stats(
        path: String, from: CalendarDate, to: CalendarDate, today: CalendarDate, on db: Database
    ) async throws -> RequestStats {
        let rows = try await db.sql().raw(
            """
            SELECT r.answer_by, r.answered_on, r.stars FROM service_requests r
            JOIN organizations o ON o.id = r.routed_org_id
            WHERE \(PathPrefix("o.path", path)) AND r.submitted_on >= \(bind: from.description)
              AND r.submitted_on <= \(bind: to.description)
            """
        ).all(decoding: RequestStatsRow.self)
        return RequestStats(
            rows.map { .init(answerBy: $0.answerBy, answeredOn: $0.answeredOn, stars: $0.stars) }, today: today)
    }

    struct Event: Encodable {
        var at: String
        var actor: String
        var action: String
        var note: String?
    }

    static func trail(_ id: UUID, on db: Database) async throws -> [Event] {
        try await ServiceRequestEvent.query(on: db).filter(\.$requestID == id).sort(\.$at).all().map {
            Event(
                at: OrgLifeTime.text($0.at).replacingOccurrences(of: "T", with: " "), actor: $0.actor,
                action: $0.action, note: $0.note)
        }
    }
}

/// One line of a request list as the store reads it.
struct RequestRow: Decodable {
    var id: UUID
    var kind: String
    var title: String
    var status: String
    var acknowledgeBy: String
    var answerBy: String
    var submittedOn: String
    var orgCode: String
    var orgName: String
    var memberName: String?
    var escalatedStage: String?
    var stars: Int?

    enum CodingKeys: String, CodingKey {
        case id, kind, title, status, stars
        case acknowledgeBy = "acknowledge_by"
        case answerBy = "answer_by"
        case submittedOn = "submitted_on"
        case orgCode = "org_code"
        case orgName = "org_name"
        case memberName = "member_name"
        case escalatedStage = "escalated_stage"
    }
}

/// One request as the statistics read it.
struct RequestStatsRow: Decodable {
    var answerBy: String
    var answeredOn: String?
    var stars: Int?

    enum CodingKeys: String, CodingKey {
        case stars
        case answerBy = "answer_by"
        case answeredOn = "answered_on"
    }
}

extension RequestStats: Content {}
