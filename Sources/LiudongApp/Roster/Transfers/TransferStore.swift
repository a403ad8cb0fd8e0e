import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of transfers: a member's open one, the lists per organization (either side under it), a transfer's
/// steps, the worklist's counts, and the letter number of the year.
enum TransferStore {
    /// Creates the transfer with its first step, in one transaction.
    static func create(_ t: Transfer, step: String, by name: String, note: String?, on db: Database) async throws {
        try await db.transaction { tx in
            try await t.create(on: tx)
            try await record(t, step: step, by: name, note: note, on: tx)
        }
    }

    /// One step's line (who, when, what the state became).
    static func record(_ t: Transfer, step: String, by name: String, note: String?, on db: Database) async throws {
        try await db.sql().insert(into: "transfer_steps")
            .columns("transfer_id", "step", "state", "on_day", "by_name", "note", "at")
            .values(
                SQLBind(t.id!), SQLBind(step), SQLBind(t.state.rawValue), SQLBind(AppClock.today.description),
                SQLBind(name), SQLBind(note), SQLBind(AppClock.now)
            ).run()
    }

    static func steps(of id: UUID, on db: Database) async throws -> [TransferStepRow] {
        try await db.sql().raw(
            """
            SELECT step, state, on_day, by_name, note FROM transfer_steps WHERE transfer_id = \(bind: id) ORDER BY id
            """
        ).all(decoding: TransferStepRow.self)
    }

    /// The member's transfer still in progress, if any.
    static func open(of member: UUID, on db: Database) async throws -> Transfer? {
        try await Transfer.query(on: db).filter(\.$memberID == member)
            .filter(\.$state ~~ TransferState.allCases.filter(\.isOpen)).first()
    }

    static func all(of member: UUID, on db: Database) async throws -> [Transfer] {
        try await Transfer.query(on: db).filter(\.$memberID == member).sort(\.$createdAt, .descending).all()
    }

    /// Transfers with either side under `path`, overdue first then latest, filtered by state and overdue (at most
    /// 500).
    static func list(
        under path: String, state: TransferState?, overdueOnly: Bool, today: CalendarDate, on db: Database
    ) async throws -> [TransferListRow] {
        let day = today.description
        let receiptBefore = today.adding(days: -TransferRules.receiptDays).description
        let overdue: SQLQueryString = """
            ((t.state = 'issued' AND t.valid_until < \(bind: day)) OR (t.state = 'reported' AND t.reported_on < \(bind: receiptBefore)))
            """
        var filters: SQLQueryString = ""
        if let state { filters = " AND t.state = \(bind: state.rawValue)" }
        if overdueOnly { filters = filters + " AND " + overdue }
        return try await db.sql().raw(
            """
            SELECT t.id, t.member_id, m.name, t.direction, t.kind, COALESCE(f.short_name, t.from_name) AS from_name,
              COALESCE(o.short_name, t.to_name) AS to_name, t.state, t.valid_until,
              t.reported_on, t.letter_no, t.created_at
            FROM transfers t JOIN members m ON m.id = t.member_id
            LEFT JOIN organizations f ON f.id = t.from_org_id LEFT JOIN organizations o ON o.id = t.to_org_id
            WHERE (\(PathPrefix("f.path", path)) OR \(PathPrefix("o.path", path)))\(filters)
            ORDER BY CASE WHEN \(overdue) THEN 0 ELSE 1 END, t.created_at DESC LIMIT 500
            """
        ).all(decoding: TransferListRow.self)
    }

    /// Letters past their validity without 已报到, per responsible branch (the sending one; for a transfer in, ours).
    static func lettersOverdue(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [Int: Int]
    {
        try await counts(
            under: path, condition: "t.state = 'issued' AND t.valid_until < \(bind: today.description)", on: sql)
    }

    /// Receipts not back 30 days after 已报到, per responsible branch.
    static func receiptsOverdue(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [Int: Int]
    {
        let before = today.adding(days: -TransferRules.receiptDays).description
        return try await counts(
            under: path, condition: "t.state = 'reported' AND t.reported_on < \(bind: before)", on: sql)
    }

    private static func counts(under path: String, condition: SQLQueryString, on sql: SQLDatabase) async throws
        -> [Int: Int]
    {
        try await sql.raw(
            """
            SELECT b.id AS org_id, COUNT(*) AS n FROM transfers t
            JOIN organizations b ON b.id = CASE WHEN t.direction = 'in' THEN t.to_org_id ELSE t.from_org_id END
            WHERE \(PathPrefix("b.path", path)) AND \(condition) GROUP BY b.id
            """
        ).all(decoding: OrgCount.self).counts
    }

    // MARK: The six-month prompt

    /// Members under `path` six months or more at one place (an open flow, not abroad) with no transfer in progress
    /// and no 保留在原籍 within the year, per branch (`rows`: the members themselves, at most 500).
    private static func suggestedQuery(under path: String, wide: Bool, today: CalendarDate, select: SQLQueryString)
        -> SQLQueryString
    {
        let open = SQLBind.group(LedgerService.openStates)
        let states = SQLBind.group(TransferState.allCases.filter(\.isOpen).map(\.rawValue))
        let cutoff = TransferRules.suggestCutoff(today: today).description
        let held = TransferRules.holdCutoff(today: today).description
        // A city or province starts from the open flows (`ScopeWidth`).
        let from: SQLQueryString =
            wide
            ? "flows f CROSS JOIN members m CROSS JOIN organizations o"
            : "organizations o CROSS JOIN members m CROSS JOIN flows f"
        return """
            SELECT \(select)
            FROM \(from)
            WHERE f.status IN \(open) AND m.id = f.member_id AND o.id = m.organization_id
              AND \(PathPrefix("o.path", path)) AND m.roster_state IS NULL
              AND COALESCE(f.reason, 0) <> \(bind: OutflowReason.abroad.rawValue)
              AND COALESCE(f.arrived_on, f.moved_on, f.left_on) <= \(bind: cutoff)
              AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.state IN \(states))
              AND NOT EXISTS (SELECT 1 FROM transfer_holds h WHERE h.member_id = m.id AND h.decided_on > \(bind: held))
            """
    }

    static func suggested(under path: String, today: CalendarDate, on sql: SQLDatabase) async throws -> [Int: Int] {
        try await sql.raw(
            suggestedQuery(
                under: path, wide: try await ScopeWidth.isWide(path, on: sql), today: today,
                select: "m.organization_id AS org_id, COUNT(*) AS n")
                + " GROUP BY m.organization_id"
        ).all(decoding: OrgCount.self).counts
    }

    static func suggestedMembers(under path: String, today: CalendarDate, on db: Database) async throws
        -> [SuggestedRow]
    {
        let sql = try db.sql()
        return try await sql.raw(
            suggestedQuery(
                under: path, wide: try await ScopeWidth.isWide(path, on: sql), today: today,
                select:
                    "m.id, m.name, o.short_name AS branch, f.destination_code, COALESCE(f.arrived_on, f.moved_on, f.left_on) AS since"
            ) + " ORDER BY since, o.path, m.name LIMIT 500"
        ).all(decoding: SuggestedRow.self)
    }

    /// The member's latest 保留在原籍, if any.
    static func hold(of member: UUID, on db: Database) async throws -> TransferHold? {
        try await TransferHold.query(on: db).filter(\.$memberID == member).sort(\.$decidedOn, .descending).first()
    }

    static func holds(of member: UUID, on db: Database) async throws -> [TransferHold] {
        try await TransferHold.query(on: db).filter(\.$memberID == member).sort(\.$decidedOn, .descending).all()
    }

    /// How many letters were issued this year (for the next number).
    static func issued(inYear year: Int, on db: Database) async throws -> Int {
        try await Transfer.query(on: db).filter(\.$issuedOn >= "\(year)-01-01").filter(\.$issuedOn <= "\(year)-12-31")
            .count()
    }
}

struct TransferStepRow: Decodable {
    var step: String
    var state: String
    var onDay: String
    var byName: String
    var note: String?

    enum CodingKeys: String, CodingKey {
        case step, state, note
        case onDay = "on_day"
        case byName = "by_name"
    }
}

struct TransferListRow: Decodable {
    var id: UUID
    var memberID: UUID
    var name: String
    var direction: TransferDirection
    var kind: TransferKind
    var fromName: String
    var toName: String
    var state: TransferState
    var validUntil: String?
    var reportedOn: String?
    var letterNo: String?

    enum CodingKeys: String, CodingKey {
        case id, name, direction, kind, state
        case memberID = "member_id"
        case fromName = "from_name"
        case toName = "to_name"
        case validUntil = "valid_until"
        case reportedOn = "reported_on"
        case letterNo = "letter_no"
    }
}

struct SuggestedRow: Decodable {
    var id: UUID
    var name: String
    var branch: String
    var destinationCode: String?
    var since: String

    enum CodingKeys: String, CodingKey {
        case id, name, branch, since
        case destinationCode = "destination_code"
    }
}
