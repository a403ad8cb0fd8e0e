import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The reconciliation page of a scope: run the quarter's reconciliation, work the discrepancy queue, sign off pairs.
struct ReconciliationController {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewReconciliation)
        view.get("reconcile", use: mine)
        view.get("reconcile", ":code", use: show)
        r.signedIn(.runReconciliation).post("reconcile", ":code", "run", use: run)
        view.post("reconcile", "items", ":id", use: resolve)
        view.post("reconcile", "signoffs", use: sign)
    }

    static func canRun(_ u: CurrentUser) -> Bool { u.can(.runReconciliation) && u.scopeKind == .regular }

    func mine(req: Request) async throws -> Response {
        let user = try req.user
        return req.redirect(to: "/reconcile/\(user.scopeCode)")
    }

    struct ItemView: Encodable {
        var id: Int
        var category: String
        var name: String
        var idTail: String
        var memberID: String?
        var ours: String
        var inflow: String
        var national: String
        var open: Bool
        var outcome: String?
        var assignee: String
        var canAccept: Bool
        var canAct: Bool
    }
    struct CountRow: Encodable {
        var label: String
        var key: String
        var open: Int
        var resolved: Int
    }
    struct View: Encodable {
        var code: String
        var name: String
        var quarter: String
        var quarters: [SelectOption]
        var canRun: Bool
        var counts: [CountRow]
        var items: [ItemView]
        var total: Int
        var categories: [SelectOption]
        var status: String
        var pairs: [ReconciliationProgress.Pair]
        var progress: [ReconciliationProgress.County]
        var frozen: Bool
    }

    private func quarter(_ req: Request) throws -> Quarter { try req.quarterQuery() ?? AppClock.quarter }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        let sql = try req.db.sql()
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let q = try quarter(req)
        let category = (try? req.query.get(String.self, at: "category")).flatMap(
            ReconcileService.Category.init(rawValue:))
        let filter = (try? req.query.get(String.self, at: "status")).flatMap(QueueFilter.init(rawValue:)) ?? .open
        let status = filter.rawValue
        let grouped = try await ReconciliationStore.counts(quarter: q, for: user, on: sql)
        let open = ItemStatus.open.rawValue
        let counts = ReconcileService.Category.allCases.filter { $0 != .matched }.map { c in
            CountRow(
                label: c.label, key: c.rawValue,
                open: grouped.filter { $0.category == c.rawValue && $0.status == open }.map(\.n).reduce(0, +),
                resolved: grouped.filter { $0.category == c.rawValue && $0.status != open }.map(\.n).reduce(0, +))
        }
        let wanted = filter.itemStatus
        let rows = try await ReconciliationStore.queue(
            quarter: q, for: user, status: wanted, category: category, on: sql)
        let total = grouped.filter { filter == .all || (filter == .open ? $0.status == open : $0.status != open) }
            .filter { category == nil || $0.category == category?.rawValue }.map(\.n).reduce(0, +)
        let items = rows.map { Self.itemView($0, user: user, cipher: req.cipher) }
        let (pairs, progress) = try await ReconciliationProgress.pairs(quarter: q, scope: org, user: user, on: sql)
        let closed = try await LedgerSnapshot.closed(on: req.db)
        let quarters = [AppClock.quarter, AppClock.quarter.previous].compactMap { $0 }
            .map { SelectOption(value: $0.description, label: $0.chinese, selected: $0 == q) }
        let categories = ReconcileService.Category.allCases.filter { $0 != .matched }
            .map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == category) }
        let view = View(
            code: org.code, name: org.shortName, quarter: q.description, quarters: quarters,
            canRun: Self.canRun(user) && org.kind == .regular, counts: counts, items: items, total: total,
            categories: categories, status: status, pairs: pairs, progress: progress, frozen: closed.contains(q))
        return try await req.page("reconcile/show", title: "对账", view)
    }

    /// One line of the queue: each side's values, the outcome, what this account may do with it.
    static func itemView(_ r: QueueItemRow, user: CurrentUser, cipher: FieldCipher) -> ItemView {
        let d = (try? JSONDecoder().decode([String: [String: String]].self, from: Data(r.details.utf8))) ?? [:]
        func show(_ x: [String: String]?) -> String {
            (x ?? [:]).filter { $0.key != "orgCode" }.sorted { $0.key < $1.key }
                .map { "\(ReconcileService.fieldLabel($0.key))：\($0.value)" }.joined(separator: "；")
        }
        let isOpen = r.status == ItemStatus.open.rawValue
        let outcome =
            isOpen
            ? nil
            : r.resolution.flatMap(ItemResolution.init(rawValue:)).map {
                $0.label + (r.note.map { "：\($0)" } ?? "") + (r.resolved_by.map { "（\($0)）" } ?? "")
            }
        let conflicts = d["ours"]?["conflicts"] ?? ""
        return ItemView(
            id: r.id, category: ReconcileService.Category(rawValue: r.category)?.label ?? r.category,
            name: r.name, idTail: Masking.tail(r.id_tail_enc.flatMap { try? cipher.open($0) } ?? ""),
            memberID: r.member_id?.uuidString, ours: show(d["ours"]), inflow: show(d["inflow"]),
            national: show(d["national"]), open: isOpen, outcome: outcome, assignee: r.assignee ?? "",
            canAccept: r.actionable && user.scopeKind == .regular
                && (conflicts.contains("phone") || conflicts.contains("inflowOrg")),
            canAct: r.actionable)
    }

    func run(req: Request) async throws -> Response {
        let user = try req.user
        guard Self.canRun(user) else { throw AppError.forbidden }
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        guard org.kind == .regular else { throw AppError.badRequest("对账范围应为本系统的党组织") }
        let q = (try? req.content.decode(RunForm.self))?.quarter.flatMap(Quarter.init) ?? AppClock.quarter
        let report = try await ReconcileService.run(
            quarter: q, scope: org, cipher: req.cipher, gate: req.application.writeGate, on: req.db)
        try await req.audit(
            .create, "reconciliation", ref: "\(q) \(org.code)",
            summary: "运行对账（\(q.chinese)，\(org.shortName)）：差异 \(report.items.count) 条")
        let matched = report.counts[ReconcileService.Category.matched.rawValue] ?? 0
        return req.redirect(
            to: "/reconcile/\(org.code)?quarter=\(q)",
            flash: "对账完成：一致 \(matched) 人，差异 \(report.items.count) 条（用时 \(String(format: "%.1f", report.seconds)) 秒）")
    }

    struct ResolveForm: Content {
        var action: String
        var note: String?
        var back: String?
    }
    struct RunForm: Content { var quarter: String? }

    /// fix: the record was corrected; accept: take the other side's value (phone from the national export, the
    /// inflow organization shown from the inflow ledger) — roster changes, so only the member's own side;
    /// explain: a reason, required. Check and change are one transaction: of two clicks, one acts.
    func resolve(req: Request) async throws -> Response {
        let user = try req.user
        let sql = try req.db.sql()
        guard let id = req.parameters.get("id", as: Int.self) else { throw AppError.notFound }
        let form = try req.content.decode(ResolveForm.self)
        let back = LocalPath.safe(form.back, fallback: "/reconcile")
        guard let item = try await ReconciliationStore.item(id, for: user, on: sql) else { throw AppError.notFound }
        guard item.actionable else { throw AppError.forbidden }
        guard item.status == ItemStatus.open.rawValue else { return req.redirect(to: back, flash: "该差异已处理") }
        let note = Normalize.text(form.note)
        let resolution: ItemResolution =
            form.action == "explain" ? .explained : form.action == "accept" ? .accepted : .fixed
        if resolution == .explained, note == nil { throw AppError.invalid([FieldError("note", "请填写说明")]) }
        var phone: AcceptedPhone?
        var inflowOrgID: Int?
        if resolution == .accepted {
            guard let memberID = item.member_id, let member = try await Member.find(memberID, on: req.db),
                let branch = try await Organization.find(member.organizationID, on: req.db)
            else {
                throw AppError.badRequest("此条没有可采纳的值")
            }
            guard branch.path.hasPrefix(user.scopePath), user.scopeKind == .regular else { throw AppError.forbidden }
            let details =
                (try? JSONDecoder().decode([String: [String: String]].self, from: Data(item.details.utf8))) ?? [:]
            let conflicts = details["ours"]?["conflicts"] ?? ""
            if conflicts.contains("phone") {
                phone = try await ReconciliationStore.nationalPhone(
                    quarter: item.quarter, idHash: item.id_hash,
                    cipher: req.cipher, on: sql)
            }
            // The inflow organization the page showed for this item, not whichever list row comes first.
            if conflicts.contains("inflowOrg"), let code = details["inflow"]?["orgCode"] {
                inflowOrgID = try await OrgTree.organization(code: code, on: req.db)?.id
            }
            guard phone != nil || inflowOrgID != nil else { throw AppError.badRequest("此条没有可采纳的值，请修正记录或填写说明") }
        }
        var changed: [String] = []
        if phone != nil { changed.append("手机号码改为全国系统中的号码") }
        if inflowOrgID != nil { changed.append("流入地党组织改为流入地台账中的组织") }
        let summary: String
        switch resolution {
        case .explained: summary = "对账差异“\(item.name)”说明：\(note ?? "")"
        case .accepted: summary = "对账差异“\(item.name)”采纳对方：\(changed.joined(separator: "，"))"
        case .fixed, .consistent: summary = "对账差异“\(item.name)”标记为已修正"
        }
        let done = try await ReconciliationStore.resolve(
            item, resolution: resolution, note: note, summary: summary,
            phone: phone, inflowOrgID: inflowOrgID, username: user.username,
            gate: req.application.writeGate, on: req.db)
        guard done else { return req.redirect(to: back, flash: "该差异已处理") }
        try await req.audit(.update, "reconciliation-item", ref: "\(id)", summary: summary)
        return req.redirect(to: back, flash: "已处理")
    }

    struct SignForm: Content {
        var quarter: String
        var county: Int
        var inflow: Int
        var side: String
        var back: String?
    }

    /// 对账确认: each side of a pair signs once no item between them is open; when every pair of the quarter is
    /// signed by both sides, the quarter's ledger is frozen (snapshot).
    func sign(req: Request) async throws -> Response {
        let user = try req.user
        let sql = try req.db.sql()
        let f = try req.content.decode(SignForm.self)
        guard let q = Quarter(f.quarter), let county = try await Organization.find(f.county, on: req.db),
            county.level == .county,
            let inflow = try await Organization.find(f.inflow, on: req.db), let countyID = county.id,
            let inflowID = inflow.id
        else { throw AppError.notFound }
        let back = LocalPath.safe(f.back, fallback: "/reconcile")
        let outflowSide = f.side == "outflow"
        if outflowSide {
            guard Self.canRun(user), county.path.hasPrefix(user.scopePath) else { throw AppError.forbidden }
        } else {
            guard user.scopeID == inflow.id || user.seesExternal else { throw AppError.forbidden }
        }
        // A pair exists only where members of the county report to the inflow organization, or items stand between them.
        guard try await ReconciliationStore.related(county: county, inflow: inflow, quarter: q, on: sql) else {
            throw AppError.forbidden
        }
        guard try await ReconcileService.hasRun(quarter: q, covering: county.path, on: sql) else {
            return req.redirect(to: back, flash: "\(q.chinese)尚未对\(county.shortName)运行对账，不能确认")
        }
        let openItems = try await ReconciliationStore.openItems(
            quarter: q, countyID: countyID, inflowOrgID: inflowID, on: sql)
        guard openItems == 0 else {
            return req.redirect(to: back, flash: "\(county.shortName)与\(inflow.shortName)之间还有 \(openItems) 条差异未处理，不能确认")
        }
        try await ReconciliationStore.sign(
            quarter: q, countyID: countyID, inflowOrgID: inflowID, outflowSide: outflowSide,
            username: user.username, gate: req.application.writeGate, on: req.db)
        try await req.audit(
            .update, "reconciliation-signoff", ref: "\(q) \(county.code) \(inflow.code)",
            summary: "对账确认（\(q.chinese)）：\(county.shortName) ↔ \(inflow.shortName)，\(outflowSide ? "流出地" : "流入地")签认")
        return req.redirect(
            to: back,
            flash: try await ReconciliationProgress.freezeIfAllSigned(q, user: user, app: req.application, on: req.db))
    }

}
