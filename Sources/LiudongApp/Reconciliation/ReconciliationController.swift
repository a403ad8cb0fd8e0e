import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The reconciliation page of a scope: run the quarter's reconciliation, work the discrepancy queue, sign off pairs.
struct ReconciliationController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("reconcile", use: mine)
        routes.get("reconcile", ":code", use: show)
        routes.post("reconcile", ":code", "run", use: run)
        routes.post("reconcile", "items", ":id", use: resolve)
        routes.post("reconcile", "signoffs", use: sign)
    }

    static func canRun(_ u: CurrentUser) -> Bool { (u.role == .admin || u.role == .orgDept) && u.scopeKind == .regular }

    func mine(req: Request) async throws -> Response {
        let user = try req.user
        return req.redirect(to: "/reconcile/\(user.scopeCode)")
    }

    /// Items this account may see and act on: assigned in its subtree, about members of its subtree, or (an inflow
    /// organization) about people reporting to it.
    static func visible(_ user: CurrentUser) -> SQLExpression {
        if user.scopeKind != .regular || user.role == .inflow {
            return SQLRaw("(ri.assignee_org_id = \(user.scopeID) OR ri.inflow_org_id = \(user.scopeID))")
        }
        return SQLQueryString("""
            (\(PathPrefix("ri.assignee_path", user.scopePath)) OR ri.county_id IN (SELECT id FROM organizations WHERE \(PathPrefix("path", user.scopePath))))
            """)
    }

    struct ItemRow: Decodable { var id: Int; var category: String; var id_tail_enc: String?; var name: String; var member_id: UUID?; var details: String
        var status: String; var resolution: String?; var note: String?; var resolved_by: String?; var assignee: String?; var actionable: Bool }
    struct ItemView: Encodable { var id: Int; var category: String; var name: String; var idTail: String; var memberID: String?
        var ours: String; var inflow: String; var national: String; var open: Bool; var outcome: String?; var assignee: String; var canAccept: Bool
        var canAct: Bool }
    struct CountRow: Encodable { var label: String; var key: String; var open: Int; var resolved: Int }
    struct PairView: Encodable { var countyID: Int; var county: String; var inflowID: Int; var inflow: String; var openItems: Int
        var outflowSigned: String?; var inflowSigned: String?; var canSignOutflow: Bool; var canSignInflow: Bool }
    struct CountyProgress: Encodable { var county: String; var items: Int; var resolved: Int; var percent: Int; var pairs: Int; var signed: Int }
    struct View: Encodable {
        var code: String; var name: String; var quarter: String; var quarters: [SelectOption]; var canRun: Bool
        var counts: [CountRow]; var items: [ItemView]; var total: Int; var categories: [SelectOption]; var status: String
        var pairs: [PairView]; var progress: [CountyProgress]; var frozen: Bool
    }

    private func quarter(_ req: Request) throws -> Quarter { try req.quarterQuery() ?? .current() }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        guard let sql = req.db as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let q = try quarter(req)
        let category = (try? req.query.get(String.self, at: "category")).flatMap(ReconcileService.Category.init(rawValue:))
        let status = (try? req.query.get(String.self, at: "status")) ?? "open"
        let visible = Self.visible(user)
        struct C: Decodable { var category: String; var status: String; var n: Int }
        let grouped = try await sql.raw("SELECT ri.category, ri.status, COUNT(*) AS n FROM reconciliation_items ri WHERE ri.quarter = \(bind: q.description) AND \(visible) GROUP BY ri.category, ri.status")
            .all(decoding: C.self)
        let counts = ReconcileService.Category.allCases.filter { $0 != .matched }.map { c in
            CountRow(label: c.label, key: c.rawValue, open: grouped.filter { $0.category == c.rawValue && $0.status == "open" }.map(\.n).reduce(0, +),
                     resolved: grouped.filter { $0.category == c.rawValue && $0.status != "open" }.map(\.n).reduce(0, +))
        }
        var filter = SQLQueryString("ri.quarter = \(bind: q.description) AND \(visible)")
        if status != "all" { filter.appendInterpolation(SQLQueryString(" AND ri.status = \(bind: status == "resolved" ? "resolved" : "open")")) }
        if let category { filter.appendInterpolation(SQLQueryString(" AND ri.category = \(bind: category.rawValue)")) }
        let rows = try await sql.raw("""
            SELECT ri.id, ri.category, ri.id_tail_enc, ri.name, ri.member_id, ri.details, ri.status, ri.resolution, ri.note, ri.resolved_by, a.short_name AS assignee,
                   CASE WHEN \(Self.actionable(user)) THEN TRUE ELSE FALSE END AS actionable
            FROM reconciliation_items ri LEFT JOIN organizations a ON a.id = ri.assignee_org_id WHERE \(filter) ORDER BY ri.status DESC, ri.category, ri.name LIMIT 200
            """).all(decoding: ItemRow.self)
        let total = grouped.filter { status == "all" || (status == "open" ? $0.status == "open" : $0.status != "open") }
            .filter { category == nil || $0.category == category?.rawValue }.map(\.n).reduce(0, +)
        let items = rows.map { r -> ItemView in
            let d = (try? JSONDecoder().decode([String: [String: String]].self, from: Data(r.details.utf8))) ?? [:]
            func show(_ x: [String: String]?) -> String { (x ?? [:]).filter { $0.key != "orgCode" }.sorted { $0.key < $1.key }.map { "\(ReconcileService.fieldLabel($0.key))：\($0.value)" }.joined(separator: "；") }
            let outcome = r.status == "open" ? nil : ["fixed": "已修正", "accepted": "已采纳对方", "explained": "已说明", "consistent": "已一致"][r.resolution ?? ""].map {
                $0 + (r.note.map { "：\($0)" } ?? "") + (r.resolved_by.map { "（\($0)）" } ?? "")
            }
            let conflicts = d["ours"]?["conflicts"] ?? ""
            return ItemView(id: r.id, category: ReconcileService.Category(rawValue: r.category)?.label ?? r.category, name: r.name, idTail: r.id_tail_enc.flatMap { try? req.cipher.open($0) } ?? "",
                            memberID: r.member_id?.uuidString, ours: show(d["ours"]), inflow: show(d["inflow"]), national: show(d["national"]),
                            open: r.status == "open", outcome: outcome, assignee: r.assignee ?? "",
                            canAccept: r.actionable && user.scopeKind == .regular && (conflicts.contains("phone") || conflicts.contains("inflowOrg")),
                            canAct: r.actionable)
        }
        let (pairs, progress) = try await Self.pairs(quarter: q, scope: org, user: user, on: sql)
        let closed = try await LedgerSnapshot.closed(on: req.db)
        let view = View(code: org.code, name: org.shortName, quarter: q.description,
                        quarters: [Quarter.current(), Quarter.current().previous].compactMap { $0 }.map { SelectOption(value: $0.description, label: $0.chinese, selected: $0 == q) },
                        canRun: Self.canRun(user) && org.kind == .regular, counts: counts, items: items, total: total,
                        categories: ReconcileService.Category.allCases.filter { $0 != .matched }.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == category) },
                        status: status, pairs: pairs, progress: progress, frozen: closed.contains(q))
        return try await req.page("reconcile/show", title: "对账", view)
    }

    /// Organization pairs (outflow county × inflow organization) with members flowing between them, their sign-offs,
    /// and each county's progress.
    /// `wholeTree`: every pair of the tree whatever the account's scope (to tell whether the quarter is fully signed).
    static func pairs(quarter: Quarter, scope: Organization, user: CurrentUser, wholeTree: Bool = false,
                      on sql: SQLDatabase) async throws -> ([PairView], [CountyProgress]) {
        struct P: Decodable { var county_id: Int; var county: String; var county_path: String; var inflow_id: Int; var inflow: String
            var outflow_signed_by: String?; var inflow_signed_by: String?; var open_items: Int }
        let open = SQLBind.group(LedgerService.openStates)
        let inflowOnly = !wholeTree && (user.scopeKind != .regular || user.role == .inflow)
        let inScope: SQLExpression = inflowOnly ? SQLRaw("f.inflow_org_id = \(user.scopeID)") : PathPrefix("b.path", scope.path)
        let rows = try await sql.raw("""
            SELECT c.id AS county_id, c.short_name AS county, c.path AS county_path, i.id AS inflow_id, i.short_name AS inflow,
                   s.outflow_signed_by, s.inflow_signed_by,
                   (SELECT COUNT(*) FROM reconciliation_items ri WHERE ri.quarter = \(bind: quarter.description) AND ri.county_id = c.id
                      AND ri.inflow_org_id = i.id AND ri.status = 'open') AS open_items
            FROM (SELECT DISTINCT b.path AS bpath, f.inflow_org_id FROM flows f JOIN members m ON m.id = f.member_id
                  JOIN organizations b ON b.id = m.organization_id WHERE f.status IN \(open) AND f.inflow_org_id IS NOT NULL AND \(inScope)) x
            JOIN organizations c ON c.level = 'county' AND x.bpath LIKE c.path || '%'
            JOIN organizations i ON i.id = x.inflow_org_id
            LEFT JOIN reconciliation_signoffs s ON s.quarter = \(bind: quarter.description) AND s.county_id = c.id AND s.inflow_org_id = i.id
            """).all(decoding: P.self)
        var unique: [String: P] = [:]
        for r in rows { unique["\(r.county_id)-\(r.inflow_id)"] = r }
        let pairs = unique.values.sorted { ($0.county, $0.inflow) < ($1.county, $1.inflow) }.map { r in
            PairView(countyID: r.county_id, county: r.county, inflowID: r.inflow_id, inflow: r.inflow, openItems: r.open_items,
                     outflowSigned: r.outflow_signed_by, inflowSigned: r.inflow_signed_by,
                     canSignOutflow: r.outflow_signed_by == nil && canRun(user) && r.county_path.hasPrefix(user.scopePath),
                     canSignInflow: r.inflow_signed_by == nil && (user.scopeID == r.inflow_id || user.seesExternal))
        }
        struct G: Decodable { var county_id: Int; var n: Int; var resolved: Int }
        let perCounty = try await sql.raw("""
            SELECT county_id, COUNT(*) AS n, SUM(CASE WHEN status = 'open' THEN 0 ELSE 1 END) AS resolved FROM reconciliation_items
            WHERE quarter = \(bind: quarter.description) AND county_id IS NOT NULL GROUP BY county_id
            """).all(decoding: G.self)
        let byCounty = Dictionary(perCounty.map { ($0.county_id, $0) }, uniquingKeysWith: { a, _ in a })
        struct CountyRow: Decodable { var id: Int; var short_name: String }
        let counties = user.scopeKind == .regular && user.role != .inflow
            ? try await sql.raw("SELECT id, short_name FROM organizations WHERE level = 'county' AND \(PathPrefix("path", scope.path)) ORDER BY sort_order, code").all(decoding: CountyRow.self)
            : []
        let progress = counties.map { c -> CountyProgress in
            let g = byCounty[c.id]
            let countyPairs = pairs.filter { $0.countyID == c.id }
            return CountyProgress(county: c.short_name, items: g?.n ?? 0, resolved: g?.resolved ?? 0,
                                  percent: (g?.n ?? 0) == 0 ? 100 : Int((Double(g?.resolved ?? 0) / Double(g!.n) * 100).rounded(.down)),
                                  pairs: countyPairs.count, signed: countyPairs.filter { $0.outflowSigned != nil && $0.inflowSigned != nil }.count)
        }
        return (pairs, progress)
    }

    func run(req: Request) async throws -> Response {
        let user = try req.user
        guard Self.canRun(user) else { throw AppError.forbidden }
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        guard org.kind == .regular else { throw AppError.badRequest("对账范围应为本系统的党组织") }
        struct F: Content { var quarter: String? }
        let q = (try? req.content.decode(F.self))?.quarter.flatMap(Quarter.init) ?? .current()
        let report = try await ReconcileService.run(quarter: q, scope: org, cipher: req.cipher, gate: req.application.writeGate, on: req.db)
        try await req.audit(.create, "reconciliation", ref: "\(q) \(org.code)", summary: "运行对账（\(q.chinese)，\(org.shortName)）：差异 \(report.items.count) 条")
        let matched = report.counts[ReconcileService.Category.matched.rawValue] ?? 0
        return req.redirect(to: "/reconcile/\(org.code)?quarter=\(q)", flash: "对账完成：一致 \(matched) 人，差异 \(report.items.count) 条（用时 \(String(format: "%.1f", report.seconds)) 秒）")
    }

    struct ResolveForm: Content { var action: String; var note: String?; var back: String? }

    /// Items this account may act on: only the side the item is assigned to (an inflow organization cannot close the
    /// outflow branch's items, nor the other way round).
    static func actionable(_ user: CurrentUser) -> SQLExpression {
        if user.scopeKind != .regular || user.role == .inflow { return SQLRaw("ri.assignee_org_id = \(user.scopeID)") }
        return PathPrefix("ri.assignee_path", user.scopePath)
    }

    /// fix: the record was corrected; accept: take the other side's value (phone from the national export, the
    /// inflow organization shown from the inflow ledger) — roster changes, so only the member's own side;
    /// explain: a reason, required. Check and change are one transaction: of two clicks, one acts.
    func resolve(req: Request) async throws -> Response {
        let user = try req.user
        guard let sql = req.db as? SQLDatabase, let id = req.parameters.get("id", as: Int.self) else { throw AppError.notFound }
        let form = try req.content.decode(ResolveForm.self)
        let back = LocalPath.safe(form.back, fallback: "/reconcile")
        struct R: Decodable { var id: Int; var quarter: String; var category: String; var id_hash: String; var member_id: UUID?; var details: String
            var status: String; var name: String; var actionable: Bool }
        guard let item = try await sql.raw("""
            SELECT ri.id, ri.quarter, ri.category, ri.id_hash, ri.member_id, ri.details, ri.status, ri.name,
                   CASE WHEN \(Self.actionable(user)) THEN TRUE ELSE FALSE END AS actionable
            FROM reconciliation_items ri WHERE ri.id = \(bind: id) AND \(Self.visible(user))
            """).first(decoding: R.self) else { throw AppError.notFound }
        guard item.actionable else { throw AppError.forbidden }
        guard item.status == "open" else { return req.redirect(to: back, flash: "该差异已处理") }
        let note = Normalize.text(form.note)
        let action = ["explain", "accept"].contains(form.action) ? form.action : "fix"
        if action == "explain", note == nil { throw AppError.invalid([FieldError("note", "请填写说明")]) }
        var accepted: (phone: (enc: String, hash: String, prefix: String, tail: String)?, inflowOrg: Int?) = (nil, nil)
        if action == "accept" {
            guard let memberID = item.member_id, let member = try await Member.find(memberID, on: req.db),
                  let branch = try await Organization.find(member.organizationID, on: req.db) else {
                throw AppError.badRequest("此条没有可采纳的值")
            }
            guard branch.path.hasPrefix(user.scopePath), user.scopeKind == .regular else { throw AppError.forbidden }
            let details = (try? JSONDecoder().decode([String: [String: String]].self, from: Data(item.details.utf8))) ?? [:]
            let conflicts = details["ours"]?["conflicts"] ?? ""
            let cipher = req.cipher
            if conflicts.contains("phone") {
                struct NP: Decodable { var phone_enc: String? }
                if let n = try await sql.raw("SELECT phone_enc FROM national_records WHERE quarter = \(bind: item.quarter) AND id_hash = \(bind: item.id_hash)")
                    .first(decoding: NP.self), let enc = n.phone_enc, let phone = try? cipher.open(enc) {
                    accepted.phone = (try cipher.seal(phone), cipher.hash(phone), String(phone.prefix(3)), String(phone.suffix(4)))
                }
            }
            // The inflow organization the page showed for this item, not whichever list row comes first.
            if conflicts.contains("inflowOrg"), let code = details["inflow"]?["orgCode"] {
                accepted.inflowOrg = try await Organization.query(on: req.db).filter(\.$code == code).first()?.id
            }
            guard accepted.phone != nil || accepted.inflowOrg != nil else { throw AppError.badRequest("此条没有可采纳的值，请修正记录或填写说明") }
        }
        var changed: [String] = []
        if accepted.phone != nil { changed.append("手机号码改为全国系统中的号码") }
        if accepted.inflowOrg != nil { changed.append("流入地党组织改为流入地台账中的组织") }
        let resolution = action == "explain" ? "explained" : action == "accept" ? "accepted" : "fixed"
        let summary = action == "explain" ? "对账差异“\(item.name)”说明：\(note ?? "")"
            : action == "accept" ? "对账差异“\(item.name)”采纳对方：\(changed.joined(separator: "，"))" : "对账差异“\(item.name)”标记为已修正"
        let username = user.username
        let accept = accepted
        let done = try await req.db.writeTransaction(gate: req.application.writeGate) { tx -> Bool in
            let sql = tx as! SQLDatabase
            struct Won: Decodable { var id: Int }
            guard try await sql.raw("""
                UPDATE reconciliation_items SET status = 'resolved', resolution = \(bind: resolution), note = \(bind: note),
                       resolved_by = \(bind: username), resolved_at = \(bind: Date())
                WHERE id = \(bind: id) AND status = 'open' RETURNING id
                """).first(decoding: Won.self) != nil else { return false }
            if let memberID = item.member_id {
                if let p = accept.phone {
                    try await sql.update("members").set("phone_enc", to: p.enc).set("phone_hash", to: p.hash).set("phone_tail", to: p.tail)
                        .set("phone_prefix", to: p.prefix).where("id", .equal, memberID).run()
                }
                if let org = accept.inflowOrg {
                    let open = SQLBind.group(LedgerService.openStates)
                    try await sql.raw("UPDATE flows SET inflow_org_id = \(bind: org) WHERE member_id = \(bind: memberID) AND status IN \(open)").run()
                }
                try await MemberEvent.record(memberID, kind: "reconciliation", summary: summary, by: username, on: tx)
            }
            return true
        }
        guard done else { return req.redirect(to: back, flash: "该差异已处理") }
        try await req.audit(.update, "reconciliation-item", ref: "\(id)", summary: summary)
        return req.redirect(to: back, flash: "已处理")
    }

    struct SignForm: Content { var quarter: String; var county: Int; var inflow: Int; var side: String; var back: String? }

    /// 对账确认: each side of a pair signs once no item between them is open; when every pair of the quarter is
    /// signed by both sides, the quarter's ledger is frozen (snapshot).
    func sign(req: Request) async throws -> Response {
        let user = try req.user
        guard let sql = req.db as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
        let f = try req.content.decode(SignForm.self)
        guard let q = Quarter(f.quarter), let county = try await Organization.find(f.county, on: req.db), county.level == .county,
              let inflow = try await Organization.find(f.inflow, on: req.db) else { throw AppError.notFound }
        let outflowSide = f.side == "outflow"
        if outflowSide { guard Self.canRun(user), county.path.hasPrefix(user.scopePath) else { throw AppError.forbidden } }
        else { guard user.scopeID == inflow.id || user.seesExternal else { throw AppError.forbidden } }
        // A pair exists only where members of the county report to the inflow organization, or items stand between them.
        struct Pair: Decodable { var n: Int }
        let open = SQLBind.group(LedgerService.openStates)
        let related = try await sql.raw("""
            SELECT (SELECT COUNT(*) FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
                    WHERE f.inflow_org_id = \(bind: inflow.id!) AND f.status IN \(open) AND \(PathPrefix("b.path", county.path)))
                 + (SELECT COUNT(*) FROM reconciliation_items WHERE quarter = \(bind: q.description) AND county_id = \(bind: county.id!)
                    AND inflow_org_id = \(bind: inflow.id!)) AS n
            """).first(decoding: Pair.self)?.n ?? 0
        guard related > 0 else { throw AppError.forbidden }
        guard try await ReconcileService.hasRun(quarter: q, covering: county.path, on: sql) else {
            return req.redirect(to: LocalPath.safe(f.back, fallback: "/reconcile"), flash: "\(q.chinese)尚未对\(county.shortName)运行对账，不能确认")
        }
        struct N: Decodable { var n: Int }
        let openItems = try await sql.raw("SELECT COUNT(*) AS n FROM reconciliation_items WHERE quarter = \(bind: q.description) AND county_id = \(bind: county.id!) AND inflow_org_id = \(bind: inflow.id!) AND status = 'open'")
            .first(decoding: N.self)?.n ?? 0
        guard openItems == 0 else { return req.redirect(to: LocalPath.safe(f.back, fallback: "/reconcile"), flash: "\(county.shortName)与\(inflow.shortName)之间还有 \(openItems) 条差异未处理，不能确认") }
        let now = Date()
        let countyID = county.id!, inflowID = inflow.id!
        try await req.db.writeTransaction(gate: req.application.writeGate) { tx in
            let sql = tx as! SQLDatabase
            try await sql.insert(into: "reconciliation_signoffs").columns("quarter", "county_id", "inflow_org_id")
                .values([q.description, countyID, inflowID] as [any Encodable & Sendable])
                .onConflict(with: ["quarter", "county_id", "inflow_org_id"]) { $0.set(excludedValueOf: "quarter") }.run()
            let by = outflowSide ? "outflow_signed_by" : "inflow_signed_by", at = outflowSide ? "outflow_signed_at" : "inflow_signed_at"
            try await sql.update("reconciliation_signoffs").set(SQLColumn(by), to: SQLBind(user.username)).set(SQLColumn(at), to: SQLBind(now))
                .where("quarter", .equal, q.description).where("county_id", .equal, countyID).where("inflow_org_id", .equal, inflowID).run()
        }
        try await req.audit(.update, "reconciliation-signoff", ref: "\(q) \(county.code) \(inflow.code)",
                            summary: "对账确认（\(q.chinese)）：\(county.shortName) ↔ \(inflow.shortName)，\(outflowSide ? "流出地" : "流入地")签认")
        // Every pair signed by both sides: freeze the quarter with its ledger snapshot.
        var flash = "已确认"
        let root = try await OrganizationService.root(on: req.db)
        if let root {
            let (all, _) = try await Self.pairs(quarter: q, scope: root, user: user, wholeTree: true, on: sql)
            // Both signatures on every pair and nothing open anywhere in the quarter.
            let stillOpen = try await sql.raw("SELECT COUNT(*) AS n FROM reconciliation_items WHERE quarter = \(bind: q.description) AND status = 'open'")
                .first(decoding: N.self)?.n ?? 0
            if !all.isEmpty, stillOpen == 0, all.allSatisfy({ $0.outflowSigned != nil && $0.inflowSigned != nil }),
               !(try await LedgerSnapshot.closed(on: req.db)).contains(q), q.firstDay <= .today() {
                do {
                    let rows = try await LedgerSnapshot.close(q, by: "对账确认", gate: req.application.writeGate, on: req.db)
                    flash = "已确认。\(q.chinese)全部对账已双方确认，台账已封存（\(rows)行）"
                } catch {
                    // The other side's signature, at the same moment, froze it first: that is no error.
                    guard try await LedgerSnapshot.closed(on: req.db).contains(q) else { throw error }
                    flash = "已确认。\(q.chinese)全部对账已双方确认，台账已封存"
                }
            }
        }
        return req.redirect(to: LocalPath.safe(f.back, fallback: "/reconcile"), flash: flash)
    }
}
