import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The dues tables' shared queries: a county's rule versions, the amounts due of a month (generated per county in one
/// statement each), a member's months and payments, where a member may pay, and recording a payment.
enum DuesStore {
    // MARK: Rule versions

    struct VersionRow: Decodable {
        var from_month: String
        var rules: String
        var created_by: String
    }

    /// The county's versions, oldest first (none: the standard rule applies).
    static func versions(county: Int, on sql: SQLDatabase) async throws -> [(from: YearMonth, rules: DuesRuleSet)] {
        try await versionRows(county: county, on: sql).compactMap { r in
            guard let m = YearMonth(r.from_month), let data = r.rules.data(using: .utf8),
                let rules = try? JSONDecoder().decode(DuesRuleSet.self, from: data)
            else { return nil }
            return (m, rules)
        }
    }

    static func versionRows(county: Int, on sql: SQLDatabase) async throws -> [VersionRow] {
        try await sql.raw(
            """
            SELECT from_month, rules, created_by FROM dues_rule_versions WHERE county_id = \(bind: county)
            ORDER BY from_month
            """
        ).all(decoding: VersionRow.self)
    }

    static func addVersion(county: Int, from: YearMonth, rules: DuesRuleSet, by name: String, on sql: SQLDatabase)
        async throws
    {
        let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        try await sql.raw(
            "DELETE FROM dues_rule_versions WHERE county_id = \(bind: county) AND from_month = \(bind: from.description)"
        ).run()
        try await sql.insert(into: "dues_rule_versions").columns(
            "county_id", "from_month", "rules", "created_by", "created_at"
        )
        .values(SQLBind(county), SQLBind(from.description), SQLBind(json), SQLBind(name), SQLBind(AppClock.now)).run()
    }

    /// The organization whose rules a member's branch follows: its county, or the city above counties.
    static func ruleHolder(of branchID: Int, on db: Database) async throws -> Organization? {
        guard let org = try await Organization.find(branchID, on: db) else { return nil }
        return try await OrgTree.countyOrCity(of: org, on: db)
    }

    // MARK: Generating the amounts due

    /// The amount due as SQL over a base row `b` and relief row `r`, with the numbers of `rules` (the same arithmetic
    /// as `DuesRules.monthly` and `relieved`: integer fen, the rule's rounding).
    static func dueExpression(_ rules: DuesRuleSet) -> String {
        func rounded(_ x: String) -> String {
            switch rules.rounding {
            case .fenHalfUp: return "((\(x) + 5000) / 10000)"
            case .fenDown: return "((\(x)) / 10000)"
            case .jiaoHalfUp: return "(((\(x) + 50000) / 100000) * 10)"
            }
        }
        func bands(_ bands: [DuesBand]) -> String {
            let cases = bands.map { band -> String in
                let value = rounded("b.base_fen * \(band.basisPoints)")
                return band.upToFen.map { "WHEN b.base_fen <= \($0) THEN \(value)" } ?? "ELSE \(value)"
            }
            return "(CASE " + cases.joined(separator: " ") + " END)"
        }
        let amount = """
            (CASE b.category WHEN 'farmer' THEN \(rules.farmerFen) WHEN 'reduced' THEN \(rules.reducedFen) \
            WHEN 'retired' THEN \(bands(rules.retired)) ELSE \(bands(rules.employed)) END)
            """
        return """
            (CASE WHEN r.kind = 'exempt' THEN 0 WHEN r.kind = 'reduce' AND r.amount_fen < \(amount) THEN r.amount_fen \
            ELSE \(amount) END)
            """
    }

    /// Writes `month`'s amount due for every member on the roster under `path` (nil: every member; or only `member`)
    /// that has a confirmed base and had joined by then; rows already paid keep their amount, unpaid ones follow the
    /// base, the relief and the branch of today. `skip`: paths of counties with their own rules (for the city's pass).
    /// In member order, so that the month's rows go into its stretch of the key one after another.
    static func generate(
        month: YearMonth, under path: String?, skip: [String] = [], rules: DuesRuleSet, member: UUID? = nil,
        on sql: SQLDatabase
    ) async throws {
        let m = month.description
        var filter: SQLQueryString = ""
        var from: SQLQueryString = "members m"
        if let path {
            from = "members m JOIN organizations o ON o.id = m.organization_id"
            filter = " AND \(PathPrefix("o.path", path))"
            for p in skip { filter = filter + " AND NOT \(PathPrefix("o.path", p))" }
        }
        if let member { filter = filter + " AND m.id = \(bind: member)" }
        try await sql.raw(
            """
            INSERT INTO dues_months (member_id, month, org_id, due_fen, payment_id)
            SELECT m.id, \(bind: m), m.organization_id, \(unsafeRaw: dueExpression(rules)), NULL
            FROM \(from)
            JOIN dues_bases b ON b.member_id = m.id AND b.state = 'confirmed' AND b.from_month = (
              SELECT MAX(b2.from_month) FROM dues_bases b2
              WHERE b2.member_id = m.id AND b2.state = 'confirmed' AND b2.from_month <= \(bind: m))
            LEFT JOIN dues_reliefs r ON r.member_id = m.id AND r.state = 'approved'
              AND r.from_month <= \(bind: m) AND r.to_month >= \(bind: m)
            WHERE m.roster_state IS NULL AND m.joined_on < \(bind: month.next.firstDay.description)\(filter)
            ORDER BY m.id
            ON CONFLICT (member_id, month) DO UPDATE SET org_id = excluded.org_id, due_fen = excluded.due_fen
            WHERE dues_months.payment_id IS NULL
            """
        ).run()
        try await sql.raw(
            """
            DELETE FROM dues_months WHERE month = \(bind: m) AND payment_id IS NULL AND member_id IN (
              SELECT m.id FROM \(from) WHERE m.roster_state IS NOT NULL\(filter))
            """
        ).run()
    }

    /// `month`'s amounts due for the whole tree: one pass by the city's rules, leaving out the counties that keep
    /// their own versions, then one pass for each of those. With one city and no county versions, one pass over every
    /// member (members belong to the regular tree under the city).
    static func generateAll(month: YearMonth, on db: Database) async throws -> Int {
        let sql = try db.sql()
        let cities = try await Organization.query(on: db).filter(\.$level == .city).sort(\.$path).all()
        let holders = try await sql.raw("SELECT DISTINCT county_id AS id FROM dues_rule_versions")
            .all(decoding: IDResult.self).map(\.id)
        for city in cities {
            let own = try await OrgTree.counties(under: city, on: db).filter { holders.contains($0.id ?? -1) }
            let rules = DuesRules.version(for: month, in: try await versions(county: city.requireID(), on: sql))
            let everyone = cities.count == 1 && own.isEmpty
            try await generate(
                month: month, under: everyone ? nil : city.path, skip: own.map(\.path), rules: rules, on: sql)
            for c in own {
                let rules = DuesRules.version(for: month, in: try await versions(county: c.requireID(), on: sql))
                try await generate(month: month, under: c.path, rules: rules, on: sql)
            }
        }
        let n = try await sql.raw("SELECT COUNT(*) AS n FROM dues_months WHERE month = \(bind: month.description)")
            .first(decoding: CountResult.self)
        return n?.n ?? 0
    }

    /// One member's months `months` (before recording a payment or showing their page).
    static func generate(member: Member, months: [YearMonth], on db: Database) async throws {
        guard let holder = try await ruleHolder(of: member.organizationID, on: db) else { return }
        let sql = try db.sql()
        let versions = try await versions(county: holder.requireID(), on: sql)
        for month in months {
            try await generate(
                month: month, under: holder.path, rules: DuesRules.version(for: month, in: versions),
                member: member.requireID(), on: sql)
        }
    }

    // MARK: A member's months

    struct MonthRow: Decodable, Sendable {
        var month: String
        var due_fen: Int
        var payment_id: UUID?
        var paid_on: String?
        var paid_to: String?
    }

    /// Years back a member's months are read (the rows are keyed by month, then member: a member's months are found
    /// month by month, ten years back and a year ahead — each a probe of the key).
    static let windowYears = 10

    /// The months of the window ending `last` (default: a year after this month).
    static func window(through last: YearMonth? = nil) -> SQLGroupExpression {
        let current = YearMonth(containing: AppClock.today)
        let end = last ?? current.adding(12)
        return SQLGroupExpression(
            current.adding(-12 * windowYears).through(end).map { SQLBind($0.description) as any SQLExpression })
    }

    /// The member's months on record (through `last`), oldest first, each with where and when it was paid.
    static func months(of member: UUID, through last: YearMonth? = nil, on sql: SQLDatabase) async throws
        -> [MonthRow]
    {
        try await sql.raw(
            """
            SELECT d.month, d.due_fen, d.payment_id, p.paid_on, o.short_name AS paid_to
            FROM dues_months d LEFT JOIN dues_payments p ON p.id = d.payment_id
            LEFT JOIN organizations o ON o.id = p.paid_to_org_id
            WHERE d.month IN \(window(through: last)) AND d.member_id = \(bind: member) ORDER BY d.month
            """
        ).all(decoding: MonthRow.self)
    }

    static func bases(of member: UUID, on db: Database) async throws -> [DuesBaseRecord] {
        try await DuesBaseRecord.query(on: db).filter(\.$memberID == member).sort(\.$fromMonth).sort(\.$declaredOn)
            .all()
    }

    static func confirmedBases(of member: UUID, on db: Database) async throws -> [DuesBase] {
        try await bases(of: member, on: db).filter { $0.state == .confirmed }.compactMap(\.core)
    }

    static func reliefs(of member: UUID, on db: Database) async throws -> [DuesReliefRecord] {
        try await DuesReliefRecord.query(on: db).filter(\.$memberID == member).sort(\.$fromMonth).all()
    }

    static func payments(of member: UUID, on db: Database) async throws -> [DuesPayment] {
        try await DuesPayment.query(on: db).filter(\.$memberID == member).sort(\.$fromMonth, .descending).all()
    }

    static func records(of member: UUID, on db: Database) async throws -> [DuesRecord] {
        try await DuesRecord.query(on: db).filter(\.$memberID == member).sort(\.$onDay, .descending).all()
    }

    /// The branch's consent to pay by the quarter, in force.
    static func hasConsent(_ member: UUID, on db: Database) async throws -> Bool {
        try await DuesRecord.query(on: db).filter(\.$memberID == member).filter(\.$kind == .consent)
            .filter(\.$withdrawnOn == nil).count() > 0
    }

    static func branch(_ orgID: Int, on db: Database) async throws -> DuesBranch? {
        try await DuesBranch.find(orgID, on: db)
    }

    /// The latest six payments as the activity certificate shows them: months, amount, day, where.
    static func certificateLines(of member: UUID, on db: Database) async throws -> [String] {
        let payments = try await DuesPayment.query(on: db).filter(\.$memberID == member)
            .sort(\.$toMonth, .descending).limit(6).all()
        let names = try await OrgTree.byID(Set(payments.map(\.paidToOrgID)), on: db)
        return payments.map {
            "党费 \($0.months) \(Fen.yuan($0.amountFen))元，\($0.paidOn)交至\(names[$0.paidToOrgID]?.shortName ?? "")"
        }
    }

    /// The member with this id among those the account sees (an inflow account: its reporting members).
    static func member(_ id: UUID, visibleTo user: CurrentUser, on db: Database) async throws -> Member? {
        try await user.visibleMembers(Member.query(on: db)).filter(\.$id == id).first()
    }

    /// The member with this keyed hash of the ID number among those the account sees.
    static func member(hash: String, visibleTo user: CurrentUser, on db: Database) async throws -> Member? {
        try await user.visibleMembers(Member.query(on: db)).filter(\.$idNumberHash == hash).first()
    }

    // MARK: Where a member may pay

    struct Payee: Sendable {
        var org: Organization
        var kind: DuesPaidToKind
    }

    /// The member's own branch, the inflow organization an open flow has them report to, the mobile organizations they
    /// take part in.
    static func payees(of member: Member, on db: Database) async throws -> [Payee] {
        var out: [Payee] = []
        if let home = try await Organization.find(member.organizationID, on: db) {
            out.append(Payee(org: home, kind: .home))
        }
        for f in try await FlowStore.open(of: member.requireID(), on: db) {
            if let id = f.inflowOrgID, let o = try await Organization.find(id, on: db),
                !out.contains(where: { $0.org.id == id })
            {
                out.append(Payee(org: o, kind: .inflow))
            }
        }
        let rows = try await db.sql().raw(
            "SELECT org_id AS id FROM mobile_org_members WHERE member_id = \(bind: member.requireID()) AND left_on IS NULL"
        ).all(decoding: IDResult.self)
        for r in rows where !out.contains(where: { $0.org.id == r.id }) {
            if let o = try await Organization.find(r.id, on: db) { out.append(Payee(org: o, kind: .mobile)) }
        }
        return out
    }

    // MARK: Recording a payment

    /// Writes the payment and marks its months paid, in the caller's transaction: every covered month gets its row
    /// (generated, or with nothing due when no base is on record) and is taken only while unpaid — a month another
    /// payment took meanwhile (another node, the same second) makes the whole payment fail with `conflict`.
    static func record(_ p: DuesPayment, months: [YearMonth], branch: Int, on db: Database) async throws -> Bool {
        try await p.create(on: db)
        let sql = try db.sql()
        let id = try p.requireID()
        for m in months {
            try await sql.raw(
                """
                INSERT INTO dues_months (member_id, month, org_id, due_fen, payment_id)
                VALUES (\(bind: p.memberID), \(bind: m.description), \(bind: branch), 0, NULL)
                ON CONFLICT (member_id, month) DO NOTHING
                """
            ).run()
        }
        let list = SQLGroupExpression(months.map { SQLBind($0.description) as any SQLExpression })
        try await sql.raw(
            """
            UPDATE dues_months SET payment_id = \(bind: id)
            WHERE month IN \(list) AND member_id = \(bind: p.memberID) AND payment_id IS NULL
            """
        ).run()
        let n =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM dues_months
                WHERE month IN \(list) AND member_id = \(bind: p.memberID) AND payment_id = \(bind: id)
                """
            ).first(decoding: CountResult.self)?.n ?? 0
        return n == months.count
    }

    /// Many payments at once (the demo's year of them): the payments in multi-row inserts, then each month marked
    /// paid by its payment in one statement per few thousand months — a handful of statements instead of four round
    /// trips a payment (which on PostgreSQL made the Chifeng demo wait minutes on the network). The months exist
    /// already (`generate`); a month already paid keeps its payment.
    static func recordMany(_ payments: [(payment: DuesPayment, months: [YearMonth])], on db: Database) async throws {
        let sql = try db.sql()
        var rows = Rows(
            table: "dues_payments",
            columns: [
                "id", "member_id", "from_month", "to_month", "amount_fen", "due_fen", "paid_on", "paid_to_org_id",
                "paid_to_kind", "channel", "reference", "receipt", "paid_by", "note", "to_centre", "source",
                "recorded_by", "recorded_at",
            ])
        var pairs: [(UUID, String, UUID)] = []
        let now = AppClock.now
        for (p, months) in payments {
            let id = p.id ?? UUID()
            p.id = id
            rows.add(
                [
                    SQLBind(id), SQLBind(p.memberID), SQLBind(p.fromMonth), SQLBind(p.toMonth), SQLBind(p.amountFen),
                    SQLBind(p.dueFen), SQLBind(p.paidOn), SQLBind(p.paidToOrgID), SQLBind(p.paidToKind.rawValue),
                    SQLBind(p.channel.rawValue), SQLBind(p.reference), SQLBind(p.receipt), SQLBind(p.paidBy),
                    SQLBind(p.note), SQLBind(p.toCentre), SQLBind(p.source), SQLBind(p.recordedBy), SQLBind(now),
                ])
            for m in months { pairs.append((p.memberID, m.description, id)) }
        }
        try await rows.flush(sql)
        for start in stride(from: 0, to: pairs.count, by: 3000) {
            let chunk = pairs[start..<min(start + 3000, pairs.count)]
            let values = SQLList(
                chunk.map { SQLGroupExpression([SQLBind($0.0), SQLBind($0.1), SQLBind($0.2)]) as any SQLExpression })
            try await sql.raw(
                """
                UPDATE dues_months SET payment_id = v.column3 FROM (VALUES \(values)) AS v
                WHERE dues_months.member_id = v.column1 AND dues_months.month = v.column2
                  AND dues_months.payment_id IS NULL
                """
            ).run()
        }
    }

    /// The member's last month paid (for a transfer letter's 党费交至).
    static func paidThrough(_ member: UUID, on sql: SQLDatabase) async throws -> YearMonth? {
        let rows = try await months(of: member, on: sql)
        return DuesPaymentRules.paidThrough(
            paid: Set(rows.filter { $0.payment_id != nil }.compactMap { YearMonth($0.month) }),
            unpaid: Set(rows.filter { $0.payment_id == nil && $0.due_fen > 0 }.compactMap { YearMonth($0.month) }))
    }
}
