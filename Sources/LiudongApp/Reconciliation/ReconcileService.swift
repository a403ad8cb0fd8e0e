import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Quarterly three-way reconciliation (对账) for a scope: our outflow registry, the inflow sides' ledgers and the
/// national system's export, matched by the keyed hash of the ID number. Every difference becomes an item in the
/// discrepancy queue for whoever must act; items that no longer differ resolve themselves as 已一致.
enum ReconcileService {
    enum Category: String, CaseIterable, Codable, Sendable {
        case matched
        case oursNotInflow, inflowNotOurs, oursNotNationalFlag, nationalFlagNotOurs, oursNotNational, nationalNotOurs
        case fieldConflict, lostDisagreement

        var label: String {
            switch self {
            case .matched: return "一致"
            case .oursNotInflow: return "我方流出、流入地未报"
            case .inflowNotOurs: return "流入地报到、我方未登记流出"
            case .oursNotNationalFlag: return "我方流出、全国系统未标流动"
            case .nationalFlagNotOurs: return "全国系统标流动、我方未登记"
            case .oursNotNational: return "我方有、全国系统无"
            case .nationalNotOurs: return "全国系统有、我方花名册无"
            case .fieldConflict: return "信息不一致"
            case .lostDisagreement: return "失联认定不一致"
            }
        }

        /// Who acts: the outflow branch, or the inflow organization.
        var inflowActs: Bool { self == .oursNotInflow }
    }

    struct Item: Encodable, Sendable {
        var category: String
        var idTail: String
        var name: String
        var ours: [String: String]
        var inflow: [String: String]
        var national: [String: String]
        // Where it goes (not part of the JSON contract).
        var idHash: String
        var memberID: UUID?
        var countyID: Int?
        var inflowOrgID: Int?
        var assigneeID: Int
        var assigneePath: String

        enum CodingKeys: String, CodingKey { case category, idTail, name, ours, inflow, national }
    }

    struct Report: Sendable {
        var quarter: Quarter
        var scope: String
        var counts: [String: Int]
        var items: [Item]
        var nationalRows: Int
        var seconds: Double

        /// `{"quarter","scope","counts":{CATEGORY:N},"items":[{"category","idTail","name","ours":{},"inflow":{},"national":{}}]}`
        var json: Data {
            struct Shape: Encodable { var quarter: String; var scope: String; var counts: [String: Int]; var items: [Item] }
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? e.encode(Shape(quarter: quarter.description, scope: scope, counts: counts, items: items))) ?? Data()
        }
    }

    private struct Ours: Decodable {
        var member_id: UUID; var h: String; var id_enc: String; var name: String; var phone_hash: String?; var phone_tail: String?
        var branch_id: Int; var branch_name: String; var branch_path: String
        var status: String; var destination_code: String?; var inflow_org_id: Int?; var inflow_name: String?; var lost_candidate_since: String?
        var n_mobile: Bool?; var n_lost: Bool?; var n_org: Int?; var n_branch: String?; var n_phone: String?; var n_phone_tail: String?
    }

    private struct InflowEntry: Decodable { var id_hash: String; var id_tail_enc: String?; var name: String; var org_id: Int; var org_code: String; var org_name: String; var org_path: String; var phone_hash: String? }

    /// Runs the reconciliation for `scope` (an organization of our tree) and stores its items.
    static func run(quarter: Quarter, scope: Organization, cipher: FieldCipher, gate: WriteGate, on db: Database) async throws -> Report {
        guard let sql = db as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
        let started = Date()
        let q = quarter.description
        let open = SQLBind.group(LedgerService.openStates)
        // Counties of the tree, to tell each item's county (progress and sign-off are per county).
        struct County: Decodable { var id: Int; var path: String }
        let counties = try await sql.raw("SELECT id, path FROM organizations WHERE level = 'county'").all(decoding: County.self)
        let countyByPath = Dictionary(counties.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
        func county(of path: String) -> Int? {
            var prefix = "/"
            for part in path.split(separator: "/") {
                prefix += part + "/"
                if let c = countyByPath[prefix] { return c }
            }
            return nil
        }

        let ours = try await sql.raw("""
            SELECT m.id AS member_id, m.id_number_hash AS h, m.id_number_enc AS id_enc, m.name, m.phone_hash, m.phone_tail, m.organization_id AS branch_id,
                   b.short_name AS branch_name, b.path AS branch_path, f.status, f.destination_code, f.inflow_org_id, i.short_name AS inflow_name,
                   f.lost_candidate_since, n.is_mobile AS n_mobile, n.is_lost AS n_lost, n.organization_id AS n_org, nb.short_name AS n_branch,
                   n.phone_hash AS n_phone, n.phone_tail AS n_phone_tail
            FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
            LEFT JOIN organizations i ON i.id = f.inflow_org_id
            LEFT JOIN national_records n ON n.quarter = \(bind: q) AND n.id_hash = m.id_number_hash
            LEFT JOIN organizations nb ON nb.id = n.organization_id
            WHERE \(PathPrefix("b.path", scope.path)) AND m.flow_status IN \(open) AND f.status IN \(open)
            """).all(decoding: Ours.self)

        let entries = try await sql.raw("""
            SELECT e.id_hash, e.id_tail_enc, e.name, e.org_id, o.code AS org_code, o.short_name AS org_name, o.path AS org_path, e.phone_hash
            FROM inflow_ledger_entries e JOIN organizations o ON o.id = e.org_id WHERE e.quarter = \(bind: q)
            """).all(decoding: InflowEntry.self)
        struct OrgID: Decodable { var org_id: Int }
        let submitted = Set(try await sql.raw("SELECT org_id FROM inflow_ledger_submissions WHERE quarter = \(bind: q)").all(decoding: OrgID.self).map(\.org_id))
        var entriesByHash: [String: [InflowEntry]] = [:]
        for e in entries { entriesByHash[e.id_hash, default: []].append(e) }

        // Counties the national export covers this quarter: only there is “absent from the national export” meaningful.
        struct NOrg: Decodable { var path: String }
        let nationalOrgs = try await sql.raw("""
            SELECT DISTINCT b.path FROM national_records n JOIN organizations b ON b.id = n.organization_id
            WHERE n.quarter = \(bind: q) AND \(PathPrefix("b.path", scope.path))
            """).all(decoding: NOrg.self)
        let coveredCounties = Set(nationalOrgs.compactMap { county(of: $0.path) })
        struct N: Decodable { var n: Int }
        let nationalRows = try await sql.raw("""
            SELECT COUNT(*) AS n FROM national_records n JOIN organizations b ON b.id = n.organization_id
            WHERE n.quarter = \(bind: q) AND \(PathPrefix("b.path", scope.path))
            """).first(decoding: N.self)?.n ?? 0

        var counts: [String: Int] = Dictionary(uniqueKeysWithValues: Category.allCases.map { ($0.rawValue, 0) })
        var items: [Item] = []
        var seenHashes = Set<String>()
        var keys = Set<String>()
        // The last four characters shown with an item come from the encrypted number (or sealed tail), opened
        // only for the items found; nothing in clear holds them.
        func tail(id enc: String) -> String { (try? cipher.open(enc)).map { String($0.suffix(4)) } ?? "" }
        func tail(sealed enc: String?) -> String { enc.flatMap { try? cipher.open($0) } ?? "" }
        func add(_ c: Category, hash: String, tail: @autoclosure () -> String, name: String, ours o: [String: String] = [:], inflow i: [String: String] = [:],
                 national n: [String: String] = [:], member: UUID? = nil, county: Int?, inflowOrg: Int?, assignee: Int, path: String) {
            guard keys.insert(c.rawValue + hash).inserted else { return }   // one item per person and category
            counts[c.rawValue, default: 0] += 1
            items.append(Item(category: c.rawValue, idTail: tail(), name: name, ours: o, inflow: i, national: n, idHash: hash, memberID: member,
                              countyID: county, inflowOrgID: inflowOrg, assigneeID: assignee, assigneePath: path))
        }
        func stateLabel(_ s: String) -> String { FlowState(rawValue: s)?.label ?? s }
        func yes(_ b: Bool?) -> String { b == true ? "是" : "否" }

        for o in ours {
            seenHashes.insert(o.h)
            let c = county(of: o.branch_path)
            let lost = o.status == FlowState.lost.rawValue
            var oursFields: [String: String] = ["branch": o.branch_name, "status": stateLabel(o.status),
                                                "destination": o.destination_code.map(Divisions.shared.fullName) ?? "",
                                                "inflowOrg": o.inflow_name ?? "", "phoneTail": o.phone_tail ?? "", "lost": lost ? "是" : "否"]
            if o.lost_candidate_since != nil { oursFields["lostCandidate"] = "是" }
            var inflowFields: [String: String] = [:]
            var nationalFields: [String: String] = [:]
            var conflicts: [String] = []
            var problem = false
            let listed = entriesByHash[o.h] ?? []
            if let e = listed.first { inflowFields = ["org": e.org_name, "name": e.name] }
            // Inflow side.
            if let inflowOrg = o.inflow_org_id {
                if listed.contains(where: { $0.org_id == inflowOrg }) {
                    if let e = listed.first(where: { $0.org_id == inflowOrg }), let a = o.phone_hash, let b = e.phone_hash, a != b { conflicts.append("phone") }
                    if lost { conflicts.append("status") }
                } else if let other = listed.first {
                    // The organization shown is the one “accept” takes.
                    inflowFields["org"] = other.org_name
                    inflowFields["orgCode"] = other.org_code
                    conflicts.append("inflowOrg")
                } else if submitted.contains(inflowOrg) {
                    add(.oursNotInflow, hash: o.h, tail: tail(id: o.id_enc), name: o.name, ours: oursFields, member: o.member_id, county: c, inflowOrg: inflowOrg,
                        assignee: inflowOrg, path: try await orgPath(inflowOrg, on: sql))
                    problem = true
                }
            } else if let other = listed.first {
                inflowFields["org"] = other.org_name
                inflowFields["orgCode"] = other.org_code
                conflicts.append("inflowOrg")
            }
            // National side (only where the national export for this quarter covers the county).
            if let c, coveredCounties.contains(c) {
                if let mobile = o.n_mobile {
                    nationalFields = ["mobile": yes(mobile), "lost": yes(o.n_lost), "branch": o.n_branch ?? "", "phoneTail": o.n_phone_tail ?? ""]
                    if !mobile {
                        add(.oursNotNationalFlag, hash: o.h, tail: tail(id: o.id_enc), name: o.name, ours: oursFields, national: nationalFields, member: o.member_id,
                            county: c, inflowOrg: o.inflow_org_id, assignee: o.branch_id, path: o.branch_path)
                        problem = true
                    }
                    if (o.n_lost ?? false) != lost {
                        add(.lostDisagreement, hash: o.h, tail: tail(id: o.id_enc), name: o.name, ours: oursFields, national: nationalFields, member: o.member_id,
                            county: c, inflowOrg: o.inflow_org_id, assignee: o.branch_id, path: o.branch_path)
                        problem = true
                    }
                    if let n = o.n_org, n != o.branch_id { conflicts.append("branch") }
                    if let a = o.phone_hash, let b = o.n_phone, a != b, !conflicts.contains("phone") { conflicts.append("phone") }
                } else {
                    add(.oursNotNational, hash: o.h, tail: tail(id: o.id_enc), name: o.name, ours: oursFields, member: o.member_id, county: c,
                        inflowOrg: o.inflow_org_id, assignee: o.branch_id, path: o.branch_path)
                    problem = true
                }
            }
            if !conflicts.isEmpty {
                var fields = oursFields
                fields["conflicts"] = conflicts.joined(separator: ",")
                add(.fieldConflict, hash: o.h, tail: tail(id: o.id_enc), name: o.name, ours: fields, inflow: inflowFields, national: nationalFields,
                    member: o.member_id, county: c, inflowOrg: o.inflow_org_id, assignee: o.branch_id, path: o.branch_path)
                problem = true
            }
            if !problem { counts[Category.matched.rawValue, default: 0] += 1 }
        }

        // Reported by an inflow side, but not flowing in ours: members of our roster in scope, or strangers at our own mobile orgs.
        let unmatched = entries.filter { !seenHashes.contains($0.id_hash) }
        struct Roster: Decodable { var id: UUID; var id_number_hash: String; var organization_id: Int; var path: String; var flow_status: String? }
        var roster: [String: Roster] = [:]
        for chunk in unmatched.map(\.id_hash).chunked(500) {
            for r in try await sql.raw("""
                SELECT m.id, m.id_number_hash, m.organization_id, b.path, m.flow_status FROM members m JOIN organizations b ON b.id = m.organization_id
                WHERE m.id_number_hash IN \(SQLBind.group(Array(chunk))) AND \(PathPrefix("b.path", scope.path))
                """).all(decoding: Roster.self) { roster[r.id_number_hash] = r }
        }
        for e in unmatched {
            if let r = roster[e.id_hash] {
                add(.inflowNotOurs, hash: e.id_hash, tail: tail(sealed: e.id_tail_enc), name: e.name, ours: ["status": r.flow_status.map(stateLabel) ?? "未流出"],
                    inflow: ["org": e.org_name, "name": e.name], member: r.id, county: county(of: r.path), inflowOrg: e.org_id,
                    assignee: r.organization_id, path: r.path)
            } else if e.org_path.hasPrefix(scope.path) {
                add(.inflowNotOurs, hash: e.id_hash, tail: tail(sealed: e.id_tail_enc), name: e.name, ours: ["status": "不在花名册"], inflow: ["org": e.org_name, "name": e.name],
                    county: county(of: e.org_path), inflowOrg: e.org_id, assignee: e.org_id, path: e.org_path)
            }
        }

        // The national side: flagged mobile without an open flow here; present there but not on our roster.
        struct NRow: Decodable { var id_hash: String; var id_enc: String; var name: String; var organization_id: Int; var path: String; var is_mobile: Bool; var is_lost: Bool; var member_id: UUID?; var flow_status: String? }
        let nationalSide = try await sql.raw("""
            SELECT n.id_hash, n.id_enc, n.name, n.organization_id, b.path, n.is_mobile, n.is_lost, m.id AS member_id, m.flow_status
            FROM national_records n JOIN organizations b ON b.id = n.organization_id
            LEFT JOIN members m ON m.id_number_hash = n.id_hash
            WHERE n.quarter = \(bind: q) AND \(PathPrefix("b.path", scope.path))
              AND (m.id IS NULL OR (n.is_mobile = \(bind: true) AND (m.flow_status IS NULL OR m.flow_status NOT IN \(open))))
            """).all(decoding: NRow.self)
        for n in nationalSide {
            let fields = ["mobile": yes(n.is_mobile), "lost": yes(n.is_lost)]
            if n.member_id == nil {
                add(.nationalNotOurs, hash: n.id_hash, tail: tail(id: n.id_enc), name: n.name, national: fields, county: county(of: n.path), inflowOrg: nil,
                    assignee: n.organization_id, path: n.path)
            } else {
                add(.nationalFlagNotOurs, hash: n.id_hash, tail: tail(id: n.id_enc), name: n.name, ours: ["status": n.flow_status.map(stateLabel) ?? "未流出"],
                    national: fields, member: n.member_id, county: county(of: n.path), inflowOrg: nil, assignee: n.organization_id, path: n.path)
            }
        }
        // On our roster (not flowing: flowing ones were checked above) but absent from the national export, in covered counties.
        struct Absent: Decodable { var id: UUID; var id_number_hash: String; var id_number_enc: String; var name: String; var organization_id: Int; var path: String }
        for c in counties where coveredCounties.contains(c.id) && (c.path.hasPrefix(scope.path) || scope.path.hasPrefix(c.path)) {
            let under = c.path.count >= scope.path.count ? c.path : scope.path
            let absent = try await sql.raw("""
                SELECT m.id, m.id_number_hash, m.id_number_enc, m.name, m.organization_id, b.path FROM members m JOIN organizations b ON b.id = m.organization_id
                WHERE \(PathPrefix("b.path", under)) AND (m.flow_status IS NULL OR m.flow_status NOT IN \(open))
                  AND NOT EXISTS (SELECT 1 FROM national_records n WHERE n.quarter = \(bind: q) AND n.id_hash = m.id_number_hash)
                """).all(decoding: Absent.self)
            for a in absent {
                add(.oursNotNational, hash: a.id_number_hash, tail: tail(id: a.id_number_enc), name: a.name, ours: ["status": "未流出"], member: a.id, county: c.id,
                    inflowOrg: nil, assignee: a.organization_id, path: a.path)
            }
        }

        try await store(items, quarter: quarter, scope: scope, cipher: cipher, gate: gate, on: db)
        try await sql.insert(into: "reconciliation_runs").columns("quarter", "scope_path", "scope_code", "items", "at")
            .values([q, scope.path, scope.code, items.count, Date()] as [any Encodable & Sendable]).run()
        return Report(quarter: quarter, scope: scope.code, counts: counts, items: items, nationalRows: nationalRows,
                      seconds: Date().timeIntervalSince(started))
    }

    /// Whether this quarter's reconciliation has been run over `path` (by a run of it or of an organization above it).
    static func hasRun(quarter: Quarter, covering path: String, on sql: SQLDatabase) async throws -> Bool {
        struct R: Decodable { var scope_path: String }
        return try await sql.select().column("scope_path").from("reconciliation_runs").where("quarter", .equal, quarter.description)
            .all(decoding: R.self).contains { path.hasPrefix($0.scope_path) }
    }

    private static func orgPath(_ id: Int, on sql: SQLDatabase) async throws -> String {
        struct P: Decodable { var path: String }
        return try await sql.raw("SELECT path FROM organizations WHERE id = \(bind: id)").first(decoding: P.self)?.path ?? "/"
    }

    /// Upserts the items (keeping what people already did with them), reopens ones that came back, and resolves
    /// as 已一致 the open items of this scope that no longer differ.
    /// The items as an .xlsx for those who work through them on paper.
    static func writeXLSX(_ report: Report, title: String, to path: String) throws {
        func show(_ d: [String: String]) -> String { d.sorted { $0.key < $1.key }.map { "\(fieldLabel($0.key))：\($0.value)" }.joined(separator: "；") }
        let book = try LedgerXLSXWriter(path: path)
        let summary = Category.allCases.map { [$0.label, "\(report.counts[$0.rawValue] ?? 0)"] }
        try book.writeTable(sheet: "汇总", title: title, header: ["类别", "人数"], rows: summary, numberColumns: [1], widths: [36, 10])
        try book.writeTable(sheet: "差异明细", title: title + "差异明细", header: ["序号", "类别", "姓名", "身份证号后四位", "我方", "流入地", "全国系统"],
                            rows: report.items.enumerated().map { i, item in
                                ["\(i + 1)", Category(rawValue: item.category)?.label ?? item.category, item.name, item.idTail,
                                 show(item.ours), show(item.inflow), show(item.national)]
                            }, numberColumns: [0], widths: [6, 26, 10, 12, 60, 30, 40])
        try book.close()
    }

    static func fieldLabel(_ key: String) -> String {
        ["branch": "所在党支部", "status": "状态", "destination": "流向地", "inflowOrg": "流入地党组织", "phoneTail": "手机尾号", "lost": "失联",
         "lostCandidate": "失联待确认", "org": "报到组织", "name": "姓名", "mobile": "是否流动", "conflicts": "不一致项"][key] ?? key
    }

    static func store(_ items: [Item], quarter: Quarter, scope: Organization, cipher: FieldCipher, gate: WriteGate, on db: Database) async throws {
        let q = quarter.description
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await db.writeTransaction(gate: gate) { tx in
            let sql = tx as! SQLDatabase
            let now = Date()
            try await sql.raw("CREATE TEMPORARY TABLE IF NOT EXISTS reconcile_current (id_hash TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (id_hash, category))").run()
            try await sql.raw("DELETE FROM reconcile_current").run()
            for chunk in items.chunked(400) {
                var insert = sql.insert(into: "reconciliation_items").columns(
                    "quarter", "category", "id_hash", "id_tail", "id_tail_enc", "name", "member_id", "county_id", "inflow_org_id", "assignee_org_id", "assignee_path",
                    "details", "status", "created_at")
                var current = sql.insert(into: "reconcile_current").columns("id_hash", "category")
                for i in chunk {
                    struct Details: Encodable { var ours: [String: String]; var inflow: [String: String]; var national: [String: String] }
                    let details = String(decoding: try encoder.encode(Details(ours: i.ours, inflow: i.inflow, national: i.national)), as: UTF8.self)
                    insert = insert.values([q, i.category, i.idHash, "", try cipher.seal(i.idTail), i.name, i.memberID, i.countyID, i.inflowOrgID, i.assigneeID,
                                            i.assigneePath, details, "open", now] as [any Encodable & Sendable])
                    current = current.values([i.idHash, i.category] as [any Encodable & Sendable])
                }
                try await insert.onConflict(with: ["quarter", "id_hash", "category"]) { c in
                    c.set(excludedValueOf: "details").set(excludedValueOf: "name").set(excludedValueOf: "assignee_org_id")
                        .set(excludedValueOf: "assignee_path").set(excludedValueOf: "county_id").set(excludedValueOf: "inflow_org_id")
                        .set(excludedValueOf: "member_id").set(excludedValueOf: "id_tail_enc")
                        .set(SQLColumn("status"), to: SQLRaw("CASE WHEN reconciliation_items.resolution = 'consistent' THEN 'open' ELSE reconciliation_items.status END"))
                        .set(SQLColumn("resolution"), to: SQLRaw("CASE WHEN reconciliation_items.resolution = 'consistent' THEN NULL ELSE reconciliation_items.resolution END"))
                }.run()
                try await current.run()
            }
            try await sql.raw("""
                UPDATE reconciliation_items SET status = 'resolved', resolution = 'consistent', resolved_by = 'reconcile', resolved_at = \(bind: now)
                WHERE quarter = \(bind: q) AND status = 'open' AND \(PathPrefix("assignee_path", scope.path))
                  AND NOT EXISTS (SELECT 1 FROM reconcile_current c WHERE c.id_hash = reconciliation_items.id_hash AND c.category = reconciliation_items.category)
                """).run()
            try await sql.raw("DELETE FROM reconcile_current").run()
            // A signature says “nothing open between us”: a run that (re)opens items between a pair voids both.
            try await sql.raw("""
                UPDATE reconciliation_signoffs SET outflow_signed_by = NULL, outflow_signed_at = NULL, inflow_signed_by = NULL, inflow_signed_at = NULL
                WHERE quarter = \(bind: q) AND (outflow_signed_by IS NOT NULL OR inflow_signed_by IS NOT NULL)
                  AND EXISTS (SELECT 1 FROM reconciliation_items ri WHERE ri.quarter = reconciliation_signoffs.quarter
                              AND ri.county_id = reconciliation_signoffs.county_id AND ri.inflow_org_id = reconciliation_signoffs.inflow_org_id
                              AND ri.status = 'open')
                """).run()
        }
    }
}
