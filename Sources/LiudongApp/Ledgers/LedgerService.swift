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

        static let ageBands: [(String, String, ClosedRange<Int>)] = [
            ("under35", "35岁及以下", 0...35), ("36to45", "36–45岁", 36...45),
            ("46to60", "46–60岁", 46...60), ("over60", "60岁以上", 61...200),
        ]
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
        /// The outflow-side pair cadre, "name（post）".
        var pair_contact: String?

        /// Column by column: several times faster than `Decodable` at export sizes (no keyed-container boxes).
        init(row: any SQLRow) throws {
            func text(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
            func optional(_ c: String) throws -> String? { try row.decode(column: c, as: String?.self) }
            flow_id = try row.decode(column: "flow_id", as: UUID.self)
            member_id = try row.decode(column: "member_id", as: UUID.self)
            name = try text("name")
            sex = try text("sex")
            ethnicity = try text("ethnicity")
            birth_date = try text("birth_date")
            education = try text("education")
            id_prefix = try text("id_prefix")
            id_tail = try text("id_tail")
            id_number_enc = try text("id_number_enc")
            phone_prefix = try optional("phone_prefix")
            phone_tail = try optional("phone_tail")
            phone_enc = try optional("phone_enc")
            joined_on = try text("joined_on")
            category = try text("category")
            branch_code = try text("branch_code")
            branch_name = try text("branch_name")
            branch_sort = try row.decode(column: "branch_sort", as: Int.self)
            status = try text("status")
            left_on = try text("left_on")
            destination_code = try optional("destination_code")
            address = try optional("address")
            employer = try optional("employer")
            reason = try row.decode(column: "reason", as: Int?.self)
            inflow_name = try optional("inflow_name")
            arrived_on = try optional("arrived_on")
            last_contact_on = try text("last_contact_on")
            overdue_since = try optional("overdue_since")
            lost_candidate_since = try optional("lost_candidate_since")
            pair_contact = try optional("pair_contact")
        }
    }

    static let openStates = FlowState.allCases.filter(\.isOpen).map(\.rawValue)

    /// Where ledger lines come from: the live tables, or a closed quarter's snapshot.
    enum Source: Sendable, Equatable {
        case live
        case snapshot(Quarter)

        /// SQL for each logical column.
        struct Columns {
            var select, from, path, status, reason, destination, birth, education, inflowCode, overdue, lost, name,
                left, order, keyset: String
        }

        var columns: Columns {
            switch self {
            case .live:
                return Columns(
                    select:
                        "f.id AS flow_id, m.id AS member_id, m.name, m.sex, m.ethnicity, m.birth_date, m.education, m.id_prefix, m.id_tail, m.id_number_enc, m.phone_prefix, m.phone_tail, m.phone_enc, m.joined_on, m.category, b.code AS branch_code, b.short_name AS branch_name, b.sort_order AS branch_sort, f.status, f.left_on, f.destination_code, f.address, f.employer, f.reason, i.short_name AS inflow_name, f.arrived_on, f.last_contact_on, f.overdue_since, f.lost_candidate_since, (SELECT p.cadre_name || '（' || p.cadre_post || '）' FROM pairings p WHERE p.member_id = m.id AND p.side = 'outflow' AND p.ended_on IS NULL ORDER BY p.started_on DESC LIMIT 1) AS pair_contact",
                    from:
                        "flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id LEFT JOIN organizations i ON i.id = f.inflow_org_id",
                    path: "b.path", status: "f.status", reason: "f.reason", destination: "f.destination_code",
                    birth: "m.birth_date",
                    education: "m.education", inflowCode: "i.code", overdue: "f.overdue_since",
                    lost: "f.lost_candidate_since", name: "m.name",
                    left: "f.left_on", order: "b.sort_order, b.code, m.name, f.id",
                    keyset: "(b.sort_order, b.code, m.name, f.id)")
            case .snapshot:
                return Columns(
                    select:
                        "s.flow_id, s.member_id, s.name, s.sex, s.ethnicity, s.birth_date, s.education, s.id_prefix, s.id_tail, s.id_number_enc, s.phone_prefix, s.phone_tail, s.phone_enc, s.joined_on, s.category, s.branch_code, s.branch_name, s.branch_sort, s.status, s.left_on, s.destination_code, s.address, s.employer, s.reason, s.inflow_name, s.arrived_on, s.last_contact_on, s.overdue_since, s.lost_candidate_since, s.pair_contact",
                    from: "ledger_snapshots s", path: "s.branch_path", status: "s.status", reason: "s.reason",
                    destination: "s.destination_code",
                    birth: "s.birth_date", education: "s.education", inflowCode: "s.inflow_code",
                    overdue: "s.overdue_since",
                    lost: "s.lost_candidate_since", name: "s.name", left: "s.left_on",
                    order: "s.branch_sort, s.branch_code, s.name, s.flow_id",
                    keyset: "(s.branch_sort, s.branch_code, s.name, s.flow_id)")
            }
        }
    }

    /// The SELECT … FROM … WHERE of a ledger under `path`, with the filter applied.
    static func base(_ sql: SQLDatabase, path: String, filter: Filter, today: CalendarDate, source: Source = .live)
        -> SQLSelectBuilder
    {
        let col = source.columns
        var q = sql.select().column(SQLRaw(col.select)).from(SQLRaw(col.from))
            .where(PathPrefix(col.path, path))
        switch source {
        case .snapshot(let quarter): q = q.where(SQLRaw("s.quarter"), .equal, SQLBind(quarter.description))
        // The member row mirrors its open flow's state (set wherever a flow opens, changes or closes), so this narrows
        // the subtree's members through members_org_flow before any flow is looked up; f.status below stays the rule.
        case .live: q = q.where(SQLRaw("m.flow_status"), .in, SQLBind.group(openStates))
        }
        if let s = Normalize.text(filter.status), openStates.contains(s) {
            q = q.where(SQLRaw(col.status), .equal, SQLBind(s))
        } else {
            q = q.where(SQLRaw(col.status), .in, SQLBind.group(openStates))
        }
        if let r = filter.reason, (1...7).contains(r) { q = q.where(SQLRaw(col.reason), .equal, SQLBind(r)) }
        if let c = Normalize.text(filter.city), c.count == 6 {
            q = q.where(SQLRaw(col.destination), .like, SQLBind(String(c.prefix(4)) + "%"))
        } else if let p = Normalize.text(filter.province), p.count == 6 {
            q = q.where(SQLRaw(col.destination), .like, SQLBind(String(p.prefix(2)) + "%"))
        }
        if let band = Filter.ageBands.first(where: { $0.0 == filter.ageBand }) {
            // Age a..b today means born after today-(b+1) years and on or before today-a years.
            let latest = CalendarDate(
                year: today.year - band.2.lowerBound, month: today.month, day: min(today.day, 28))!
            let earliest = CalendarDate(
                year: today.year - band.2.upperBound - 1, month: today.month, day: min(today.day, 28))!
            q = q.where(SQLRaw(col.birth), .lessThanOrEqual, SQLBind(latest.description))
                .where(SQLRaw(col.birth), .greaterThan, SQLBind(earliest.description))
        }
        if let e = Normalize.text(filter.education), Education(rawValue: e) != nil {
            q = q.where(SQLRaw(col.education), .equal, SQLBind(e))
        }
        if let code = Normalize.text(filter.inflow) { q = q.where(SQLRaw(col.inflowCode), .equal, SQLBind(code)) }
        if filter.overdue == true { q = q.where(SQLRaw(col.overdue), .isNot, SQLLiteral.null) }
        if filter.lost == true { q = q.where(SQLRaw(col.lost), .isNot, SQLLiteral.null) }
        if let name = Normalize.text(filter.q) { q = q.where(SQLRaw(col.name), .like, SQLBind("%" + name + "%")) }
        return q
    }

    static func order(_ q: SQLSelectBuilder, sort: String?, source: Source = .live) -> SQLSelectBuilder {
        let col = source.columns
        switch sort {
        case "left": return q.orderBy(SQLRaw("\(col.left) DESC, \(col.order)"))
        case "name": return q.orderBy(SQLRaw("\(col.name), \(col.order)"))
        default: return q.orderBy(SQLRaw(col.order))
        }
    }

    static func count(
        _ sql: SQLDatabase, path: String, filter: Filter, today: CalendarDate = AppClock.today, source: Source = .live
    ) async throws -> Int {
        let q = base(sql, path: path, filter: filter, today: today, source: source)
        q.select.columns = [SQLRaw("COUNT(*) AS n")]
        return try await q.first(decoding: CountResult.self)?.n ?? 0
    }

    static func page(
        _ sql: SQLDatabase, path: String, filter: Filter, size: Int, today: CalendarDate = AppClock.today,
        source: Source = .live
    ) async throws -> [Line] {
        let page = max(1, filter.page ?? 1)
        return try await order(
            base(sql, path: path, filter: filter, today: today, source: source), sort: filter.sort, source: source
        )
        .limit(size).offset((page - 1) * size).all().map(Line.init(row:))
    }

    /// Every line in ledger order, fetched a few hundred organizations at a time (their own small, sorted queries),
    /// so exports never hold more than two batches, whatever the size of the ledger. The next batch is queried and
    /// decoded while `body` writes the current one.
    static func stream(
        _ sql: SQLDatabase, path: String, filter: Filter, today: CalendarDate = AppClock.today, batch: Int = 200,
        source: Source = .live, _ body: (Line) throws -> Void
    ) async throws {
        let codes = try await sql.select().column("code").from("organizations").where(PathPrefix("path", path))
            .orderBy(SQLRaw("sort_order, code")).all(decoding: OrgCodeRow.self).map(\.code)
        let codeColumn = source == .live ? "b.code" : "s.branch_code"
        let chunks = codes.chunked(batch).map(Array.init)
        @Sendable func fetch(_ chunk: [String]) async throws -> [Line] {
            let q = base(sql, path: path, filter: filter, today: today, source: source).where(
                SQLRaw(codeColumn), .in, SQLBind.group(chunk))
            return try await order(q, sort: nil, source: source).all().map(Line.init(row:))
        }
        var next: Task<[Line], Error>? = chunks.first.map { first in Task { try await fetch(first) } }
        for i in chunks.indices {
            guard let current = next else { break }
            let lines = try await current.value
            next = i + 1 < chunks.count ? Task { [chunk = chunks[i + 1]] in try await fetch(chunk) } : nil
            do {
                for line in lines { try body(line) }
            } catch {
                next?.cancel()
                throw error
            }
        }
    }

    /// A display row: masked numbers (the ID's check digit comes from decrypting it), full numbers only when
    /// `unmasked` (an audited export). Without a cipher (comparisons between quarters) the division alone.
    static func row(_ l: Line, cipher: FieldCipher? = nil, unmasked: Bool = false) -> LedgerRow {
        let full = cipher.flatMap { try? $0.open(l.id_number_enc) }
        let id =
            unmasked
            ? (full ?? Masking.idStored(l.id_prefix)) : full.map(Masking.idNumber) ?? Masking.idStored(l.id_prefix)
        let phone =
            (unmasked ? cipher.flatMap { c in l.phone_enc.flatMap { try? c.open($0) } } : nil)
            ?? (l.phone_prefix.flatMap { p in l.phone_tail.map { p + "****" + $0 } } ?? "")
        let state = FlowState(rawValue: l.status)
        var note: [String] = []
        if l.overdue_since != nil { note.append("逾期未报到") }
        if l.lost_candidate_since != nil { note.append("失联待确认") }
        return LedgerRow(
            name: l.name, sex: Sex(rawValue: l.sex)?.label ?? l.sex, ethnicity: l.ethnicity,
            birthDate: CalendarDate(l.birth_date),
            education: Education(rawValue: l.education)?.label ?? l.education, idNumber: id,
            joinedOn: CalendarDate(l.joined_on),
            category: MemberCategory(rawValue: l.category)?.label ?? l.category, branch: l.branch_name,
            branchCode: l.branch_code,
            leftOn: CalendarDate(l.left_on), destination: l.destination_code.map(Divisions.shared.slashedName) ?? "",
            addressEmployer: [l.address, l.employer].compactMap { $0 }.joined(separator: "；"),
            reason: l.reason.flatMap(OutflowReason.init(rawValue:))?.label ?? "", phone: phone,
            inflowOrg: l.inflow_name ?? "",
            arrived: l.arrived_on != nil, pairContact: l.pair_contact ?? "",
            lastContact: CalendarDate(l.last_contact_on),
            status: state?.label ?? l.status,
            note: note.joined(separator: "、"))
    }
}

private struct OrgCodeRow: Decodable { var code: String }
