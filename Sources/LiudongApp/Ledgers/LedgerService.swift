import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The ledger (台账) of an organization: every member of its subtree with an open flow, one line each.
enum LedgerService {
    /// Filters of the county database; all optional.
    struct Filter: Content, Sendable {
        var status: String?
        var reason: Int?
        var province: String?
        var city: String?
        var ageBand: String?
        var education: String?
        var inflow: String?
        var overdue: Bool?
        var lost: Bool?
        var q: String?
        var sort: String?
        var page: Int?

        static let ageBands: [(String, String, ClosedRange<Int>)] = [("under35", "35岁及以下", 0...35), ("36to45", "36–45岁", 36...45),
                                                                     ("46to60", "46–60岁", 46...60), ("over60", "60岁以上", 61...200)]
    }

    /// One raw line as the query returns it.
    struct Line: Decodable, Sendable {
        var flow_id: UUID
        var member_id: UUID
        var name: String
        var sex: String
        var ethnicity: String
        var birth_date: String
        var education: String
        var id_prefix: String
        var id_tail: String
        var id_number_enc: String
        var phone_prefix: String?
        var phone_tail: String?
        var phone_enc: String?
        var joined_on: String
        var category: String
        var branch_code: String
        var branch_name: String
        var branch_sort: Int
        var status: String
        var left_on: String
        var destination_code: String?
        var address: String?
        var employer: String?
        var reason: Int?
        var inflow_name: String?
        var arrived_on: String?
        var last_contact_on: String
        var overdue_since: String?
        var lost_candidate_since: String?
    }

    static let openStates = FlowState.allCases.filter(\.isOpen).map(\.rawValue)

    /// The SELECT … FROM … WHERE of a ledger under `path`, with the filter applied.
    static func base(_ sql: SQLDatabase, path: String, filter: Filter, today: CalendarDate) -> SQLSelectBuilder {
        var q = sql.select()
            .column(SQLRaw("f.id AS flow_id, m.id AS member_id, m.name, m.sex, m.ethnicity, m.birth_date, m.education, m.id_prefix, m.id_tail, m.id_number_enc, m.phone_prefix, m.phone_tail, m.phone_enc, m.joined_on, m.category, b.code AS branch_code, b.short_name AS branch_name, b.sort_order AS branch_sort, f.status, f.left_on, f.destination_code, f.address, f.employer, f.reason, i.short_name AS inflow_name, f.arrived_on, f.last_contact_on, f.overdue_since, f.lost_candidate_since"))
            .from(SQLRaw("flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id LEFT JOIN organizations i ON i.id = f.inflow_org_id"))
            .where(SQLRaw("b.path"), .like, SQLBind(path + "%"))
        if let s = Normalize.text(filter.status), openStates.contains(s) {
            q = q.where(SQLRaw("f.status"), .equal, SQLBind(s))
        } else {
            q = q.where(SQLRaw("f.status"), .in, SQLBind.group(openStates))
        }
        if let r = filter.reason, (1...7).contains(r) { q = q.where(SQLRaw("f.reason"), .equal, SQLBind(r)) }
        if let c = Normalize.text(filter.city), c.count == 6 {
            q = q.where(SQLRaw("f.destination_code"), .like, SQLBind(String(c.prefix(4)) + "%"))
        } else if let p = Normalize.text(filter.province), p.count == 6 {
            q = q.where(SQLRaw("f.destination_code"), .like, SQLBind(String(p.prefix(2)) + "%"))
        }
        if let band = Filter.ageBands.first(where: { $0.0 == filter.ageBand }) {
            // Age a..b today means born after today-(b+1) years and on or before today-a years.
            let latest = CalendarDate(year: today.year - band.2.lowerBound, month: today.month, day: min(today.day, 28))!
            let earliest = CalendarDate(year: today.year - band.2.upperBound - 1, month: today.month, day: min(today.day, 28))!
            q = q.where(SQLRaw("m.birth_date"), .lessThanOrEqual, SQLBind(latest.description))
                .where(SQLRaw("m.birth_date"), .greaterThan, SQLBind(earliest.description))
        }
        if let e = Normalize.text(filter.education), Education(rawValue: e) != nil { q = q.where(SQLRaw("m.education"), .equal, SQLBind(e)) }
        if let code = Normalize.text(filter.inflow) { q = q.where(SQLRaw("i.code"), .equal, SQLBind(code)) }
        if filter.overdue == true { q = q.where(SQLRaw("f.overdue_since"), .isNot, SQLLiteral.null) }
        if filter.lost == true { q = q.where(SQLRaw("f.lost_candidate_since"), .isNot, SQLLiteral.null) }
        if let name = Normalize.text(filter.q) { q = q.where(SQLRaw("m.name"), .like, SQLBind("%" + name + "%")) }
        return q
    }

    static func order(_ q: SQLSelectBuilder, sort: String?) -> SQLSelectBuilder {
        switch sort {
        case "left": return q.orderBy(SQLRaw("f.left_on DESC, m.name, f.id"))
        case "name": return q.orderBy(SQLRaw("m.name, f.id"))
        default: return q.orderBy(SQLRaw("b.sort_order, b.code, m.name, f.id"))
        }
    }

    static func count(_ sql: SQLDatabase, path: String, filter: Filter, today: CalendarDate = .today()) async throws -> Int {
        struct N: Decodable { var n: Int }
        let q = base(sql, path: path, filter: filter, today: today)
        q.select.columns = [SQLRaw("COUNT(*) AS n")]
        return try await q.first(decoding: N.self)?.n ?? 0
    }

    static func page(_ sql: SQLDatabase, path: String, filter: Filter, size: Int, today: CalendarDate = .today()) async throws -> [Line] {
        let page = max(1, filter.page ?? 1)
        return try await order(base(sql, path: path, filter: filter, today: today), sort: filter.sort)
            .limit(size).offset((page - 1) * size).all(decoding: Line.self)
    }

    /// Every line in ledger order, in chunks, so exports never hold the whole ledger.
    static func stream(_ sql: SQLDatabase, path: String, filter: Filter, chunk: Int = 2000, today: CalendarDate = .today(),
                       _ body: ([Line]) async throws -> Void) async throws {
        var after: (Int, String, String, UUID)?
        while true {
            var q = base(sql, path: path, filter: filter, today: today)
            if let a = after {
                let key: SQLQueryString = "(b.sort_order, b.code, m.name, f.id) > (\(bind: a.0), \(bind: a.1), \(bind: a.2), \(bind: a.3))"
                q = q.where(key)
            }
            let lines = try await order(q, sort: nil).limit(chunk).all(decoding: Line.self)
            if lines.isEmpty { return }
            try await body(lines)
            let last = lines[lines.count - 1]
            after = (last.branch_sort, last.branch_code, last.name, last.flow_id)
            if lines.count < chunk { return }
        }
    }

    /// A display row; full numbers only when `cipher` is given (an audited, unmasked export).
    static func row(_ l: Line, unmaskWith cipher: FieldCipher? = nil) -> LedgerRow {
        let id = cipher.flatMap { try? $0.open(l.id_number_enc) } ?? (l.id_prefix + "********" + l.id_tail)
        let phone = cipher.flatMap { c in l.phone_enc.flatMap { try? c.open($0) } }
            ?? (l.phone_prefix.flatMap { p in l.phone_tail.map { p + "****" + $0 } } ?? "")
        let state = FlowState(rawValue: l.status)
        var note: [String] = []
        if l.overdue_since != nil { note.append("逾期未报到") }
        if l.lost_candidate_since != nil { note.append("失联待确认") }
        return LedgerRow(
            name: l.name, sex: Sex(rawValue: l.sex)?.label ?? l.sex, ethnicity: l.ethnicity, birthDate: CalendarDate(l.birth_date),
            education: Education(rawValue: l.education)?.label ?? l.education, idNumber: id, joinedOn: CalendarDate(l.joined_on),
            category: MemberCategory(rawValue: l.category)?.label ?? l.category, branch: l.branch_name, branchCode: l.branch_code,
            leftOn: CalendarDate(l.left_on), destination: l.destination_code.map { Divisions.shared.chain($0).map(\.name).joined(separator: "/") } ?? "",
            addressEmployer: [l.address, l.employer].compactMap { $0 }.joined(separator: "；"),
            reason: l.reason.flatMap(OutflowReason.init(rawValue:))?.label ?? "", phone: phone, inflowOrg: l.inflow_name ?? "",
            arrived: l.arrived_on != nil, lastContact: CalendarDate(l.last_contact_on), status: state?.label ?? l.status,
            note: note.joined(separator: "、"))
    }
}
