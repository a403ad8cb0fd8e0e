import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The collection sheets' queries: a month's totals per branch under an organization, a branch's members with where
/// each paid, their unpaid months, an inflow organization's reporting members, arrears runs, the year's statement.
enum DuesSheetStore {
    struct BranchTotal: Decodable, Sendable {
        var org_id: Int
        var members: Int
        var due: Int
        var paid: Int
        var paid_members: Int
    }

    /// `month`'s totals per branch under `path` (branches with someone due).
    static func branchTotals(month: YearMonth, under path: String, on sql: SQLDatabase) async throws -> [BranchTotal] {
        try await sql.raw(
            """
            SELECT d.org_id, COUNT(*) AS members, SUM(d.due_fen) AS due,
              SUM(CASE WHEN d.payment_id IS NULL THEN 0 ELSE d.due_fen END) AS paid,
              SUM(CASE WHEN d.payment_id IS NULL THEN 0 ELSE 1 END) AS paid_members
            FROM organizations o CROSS JOIN dues_months d
            WHERE d.org_id = o.id AND d.month = \(bind: month.description) AND \(PathPrefix("o.path", path))
            GROUP BY d.org_id
            """
        ).all(decoding: BranchTotal.self)
    }

    struct MemberLine: Decodable, Sendable {
        var member_id: UUID
        var name: String
        var due_fen: Int
        var paid_on: String?
        var paid_to: String?
        var paid_to_kind: String?
        var paid_by: String?
        var amount_fen: Int?
        var from_month: String?
        var to_month: String?
    }

    /// A branch's members due in `month` (or an inflow organization's reporting members), each with the payment that
    /// covers the month.
    static func memberLines(month: YearMonth, branch: Int? = nil, inflow: Int? = nil, on sql: SQLDatabase)
        async throws -> [MemberLine]
    {
        let open = SQLGroupExpression(
            FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression })
        let which: SQLQueryString =
            inflow.map {
                "d.member_id IN (SELECT member_id FROM flows WHERE inflow_org_id = \(bind: $0) AND status IN \(open))"
            } ?? "d.org_id = \(bind: branch ?? -1)"
        return try await sql.raw(
            """
            SELECT d.member_id, m.name, d.due_fen, p.paid_on, o.short_name AS paid_to, p.paid_to_kind, p.paid_by,
              p.amount_fen, p.from_month, p.to_month
            FROM dues_months d JOIN members m ON m.id = d.member_id
            LEFT JOIN dues_payments p ON p.id = d.payment_id LEFT JOIN organizations o ON o.id = p.paid_to_org_id
            WHERE d.month = \(bind: month.description) AND \(which)
            ORDER BY CASE WHEN d.payment_id IS NULL THEN 0 ELSE 1 END, m.name LIMIT 2000
            """
        ).all(decoding: MemberLine.self)
    }

    struct Named: Decodable, Sendable {
        var member_id: UUID
        var name: String
    }

    /// The members under `path` who have not paid `month` (something due), by branch and name (at most 2,000).
    static func unpaidMembers(month: YearMonth, under path: String, on sql: SQLDatabase) async throws -> [Named] {
        try await sql.raw(
            """
            SELECT d.member_id, m.name FROM organizations o CROSS JOIN dues_months d
            JOIN members m ON m.id = d.member_id
            WHERE d.org_id = o.id AND d.month = \(bind: month.description) AND \(PathPrefix("o.path", path))
              AND d.payment_id IS NULL AND d.due_fen > 0
            ORDER BY o.path, m.name LIMIT 2000
            """
        ).all(decoding: Named.self)
    }

    /// Every unpaid month (something due) through `last` of the members under `path`, by the rows' organizations
    /// (each month of the window, each organization: the sheet's index reads only the unpaid rows): for the sheets
    /// above a branch.
    static func unpaidMonths(under path: String, through last: YearMonth, on sql: SQLDatabase) async throws
        -> [UUID: [YearMonth]]
    {
        var out: [UUID: [YearMonth]] = [:]
        for r in try await sql.raw(
            """
            SELECT d.member_id, d.month FROM organizations o CROSS JOIN dues_months d
            WHERE d.month IN \(DuesStore.window(through: last)) AND d.org_id = o.id AND d.payment_id IS NULL
              AND \(PathPrefix("o.path", path)) AND d.due_fen > 0
            ORDER BY d.month
            """
        ).all(decoding: MonthLine.self) {
            if let m = YearMonth(r.month) { out[r.member_id, default: []].append(m) }
        }
        return out
    }

    struct MonthLine: Decodable {
        var member_id: UUID
        var month: String
    }

    /// Each member's unpaid months (something due) through `last`, of the members given.
    static func unpaidMonths(of members: [UUID], through last: YearMonth, on sql: SQLDatabase) async throws
        -> [UUID: [YearMonth]]
    {
        var out: [UUID: [YearMonth]] = [:]
        for chunk in stride(from: 0, to: members.count, by: 500).map({
            Array(members[$0..<min($0 + 500, members.count)])
        }) {
            let ids = SQLGroupExpression(chunk.map { SQLBind($0) as any SQLExpression })
            for r in try await sql.raw(
                """
                SELECT member_id, month FROM dues_months
                WHERE month IN \(DuesStore.window(through: last)) AND member_id IN \(ids) AND payment_id IS NULL
                  AND due_fen > 0
                ORDER BY month
                """
            ).all(decoding: MonthLine.self) {
                if let m = YearMonth(r.month) { out[r.member_id, default: []].append(m) }
            }
        }
        return out
    }

    struct Runner: Decodable, Sendable {
        var member_id: UUID
        var org_id: Int
        var name: String
        var branch: String
        var flow_status: String?
    }

    /// The run condition: every month from `first` through `last` unpaid (something due).
    private static func run(under path: String, first: YearMonth, last: YearMonth, talkSince: String?) -> SQLQueryString
    {
        let months = SQLGroupExpression(first.through(last).map { SQLBind($0.description) as any SQLExpression })
        var talk: SQLQueryString = ""
        if let talkSince {
            talk = """
                 AND NOT EXISTS (SELECT 1 FROM dues_records t WHERE t.member_id = d.member_id AND t.kind = 'talk'
                  AND t.on_day >= \(bind: talkSince))
                """
        }
        return """
            SELECT d.member_id, MIN(d.org_id) AS org_id
            FROM organizations o CROSS JOIN dues_months d
            WHERE d.month IN \(months) AND d.org_id = o.id AND d.payment_id IS NULL
              AND \(PathPrefix("o.path", path)) AND d.due_fen > 0\(talk)
            GROUP BY d.member_id HAVING COUNT(*) = \(unsafeRaw: String(first.through(last).count))
            """
    }

    /// Members under `path` with the last `months` months unpaid (through last month), per branch; `talkSince`: only
    /// those without a talk recorded since that day.
    static func arrearsCounts(
        under path: String, months: Int, today: CalendarDate, talkSince: String? = nil, on sql: SQLDatabase
    ) async throws -> [Int: Int] {
        let last = DuesPaymentRules.lastDueMonth(today)
        let rows = try await sql.raw(
            "SELECT r.org_id, COUNT(*) AS n FROM (\(run(under: path, first: last.adding(1 - months), last: last, talkSince: talkSince))) r GROUP BY r.org_id"
        ).all(decoding: OrgCount.self)
        return rows.counts
    }

    /// The members of that run, with name and branch (at most 500).
    static func arrears(
        under path: String, months: Int, today: CalendarDate, talkSince: String? = nil, on sql: SQLDatabase
    )
        async throws -> [Runner]
    {
        let last = DuesPaymentRules.lastDueMonth(today)
        return try await sql.raw(
            """
            SELECT r.member_id, r.org_id, m.name, b.short_name AS branch, m.flow_status
            FROM (\(run(under: path, first: last.adding(1 - months), last: last, talkSince: talkSince))) r
            JOIN members m ON m.id = r.member_id JOIN organizations b ON b.id = r.org_id
            ORDER BY b.path, m.name LIMIT 500
            """
        ).all(decoding: Runner.self)
    }

    struct MemberOnly: Decodable { var member_id: UUID }

    /// Of `members`, those with a dues talk recorded on or after `day`.
    static func talkedSince(_ day: String, members: [UUID], on sql: SQLDatabase) async throws -> Set<UUID> {
        guard !members.isEmpty else { return [] }
        let ids = SQLGroupExpression(members.prefix(500).map { SQLBind($0) as any SQLExpression })
        return Set(
            try await sql.raw(
                """
                SELECT DISTINCT member_id FROM dues_records
                WHERE kind = 'talk' AND on_day >= \(bind: day) AND member_id IN \(ids)
                """
            ).all(decoding: MemberOnly.self).map(\.member_id))
    }

    struct StatementMonth: Decodable, Sendable {
        var month: String
        var members: Int
        var due: Int
        var paid: Int
        var paid_members: Int
    }

    /// The year's months under `path`: members due, amounts due and paid (by the month paid for).
    static func statement(year: Int, under path: String, on sql: SQLDatabase) async throws -> [StatementMonth] {
        let months = SQLGroupExpression(
            (1...12).compactMap { YearMonth(year: year, month: $0) }.map {
                SQLBind($0.description) as any SQLExpression
            })
        return try await sql.raw(
            """
            SELECT d.month, COUNT(*) AS members, SUM(d.due_fen) AS due,
              SUM(CASE WHEN d.payment_id IS NULL THEN 0 ELSE d.due_fen END) AS paid,
              SUM(CASE WHEN d.payment_id IS NULL THEN 0 ELSE 1 END) AS paid_members
            FROM organizations o CROSS JOIN dues_months d
            WHERE d.org_id = o.id AND d.month IN \(months) AND \(PathPrefix("o.path", path))
            GROUP BY d.month ORDER BY d.month
            """
        ).all(decoding: StatementMonth.self)
    }

    struct Received: Decodable, Sendable {
        var payments: Int
        var amount: Int?
        var voluntary: Int?
        var to_centre: Int?
    }

    /// Money received in `year` by organizations under `path`: payments, amount, the voluntary part, what goes to the
    /// centre.
    static func received(year: Int, under path: String, on sql: SQLDatabase) async throws -> Received {
        try await sql.raw(
            """
            SELECT COUNT(*) AS payments, SUM(p.amount_fen) AS amount, SUM(p.amount_fen - p.due_fen) AS voluntary,
              SUM(CASE WHEN p.to_centre THEN p.amount_fen ELSE 0 END) AS to_centre
            FROM dues_payments p JOIN organizations o ON o.id = p.paid_to_org_id
            WHERE \(PathPrefix("o.path", path)) AND p.paid_on >= \(bind: "\(year)-01-01") AND p.paid_on <= \(bind: "\(year)-12-31")
            """
        ).first(decoding: Received.self) ?? Received(payments: 0)
    }

    /// Members on the roster under `path` without a confirmed base (their dues cannot be computed yet), per branch.
    static func withoutBase(under path: String, on sql: SQLDatabase) async throws -> [Int: Int] {
        try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL
              AND NOT EXISTS (SELECT 1 FROM dues_bases b WHERE b.member_id = m.id AND b.state = 'confirmed')
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self).counts
    }

    /// Bases declared by members and waiting for their branch, per branch.
    static func declared(under path: String, on sql: SQLDatabase) async throws -> [Int: Int] {
        try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM dues_bases b JOIN members m ON m.id = b.member_id
            JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) AND b.state = 'declared' GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self).counts
    }

    /// Relief waiting for the committee, per branch.
    static func reliefsWaiting(under path: String, on sql: SQLDatabase) async throws -> [Int: Int] {
        try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM dues_reliefs r JOIN members m ON m.id = r.member_id
            JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) AND r.state = 'applied' GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self).counts
    }

    struct Waiting: Decodable, Sendable {
        var id: UUID
        var member_id: UUID
        var name: String
        var branch: String
    }

    /// Declared bases and relief applications waiting under `path` (at most 200 each).
    static func waiting(_ table: String, state: String, under path: String, on sql: SQLDatabase) async throws
        -> [Waiting]
    {
        try await sql.raw(
            """
            SELECT x.id, x.member_id, m.name, o.short_name AS branch FROM \(ident: table) x JOIN members m ON m.id = x.member_id
            JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path)) AND x.state = \(bind: state) ORDER BY o.path, m.name LIMIT 200
            """
        ).all(decoding: Waiting.self)
    }
}
