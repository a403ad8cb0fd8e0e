import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Ledger pages (branch table, committee book, county database) and their exports.
struct LedgerController {
    static let pageSize = 50

    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.viewLedgers)
        view.get("ledger", use: mine)
        view.get("ledger", ":code", use: show)
        view.get("ledger", ":code", "export", use: exportMasked)
        r.signedIn(.exportFullNumbers).post("ledger", ":code", "export", use: exportUnmasked)
        view.get("ledger", ":code", "changes", use: changes)
        view.get("ledger", ":code", "inflow", use: inflow)
    }

    struct InflowView: Encodable {
        var code: String
        var name: String
        var lines: [InflowLedger.Line]
    }

    func inflow(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        return try await req.page(
            "ledgers/inflow", title: "流入党员",
            InflowView(
                code: org.code, name: org.shortName,
                lines: try await InflowLedger.lines(under: org, cipher: req.cipher, on: req.db)))
    }

    /// The quarter asked for (default: the current one), where its lines come from, and the closed quarters.
    private func quarter(_ req: Request) async throws -> (Quarter, LedgerService.Source, closed: [Quarter]) {
        let q = try req.quarterQuery() ?? AppClock.quarter
        let closed = try await LedgerSnapshot.closed(on: req.db)
        if q == AppClock.quarter { return (q, .live, closed) }
        guard closed.contains(q) else { throw AppError.badRequest("\(q.chinese)的台账尚未封存，无法查看") }
        return (q, .snapshot(q), closed)
    }

    func mine(req: Request) async throws -> Response {
        req.redirect(to: "/ledger/\(try req.user.scopeCode)")
    }

    /// A branch's rows, rendered to `<tr>` markup here (a county page has 50 rows × 21 cells; Leaf's per-cell cost adds up).
    struct Group: Encodable {
        var code: String
        var name: String
        var rows: String
        var count: Int
    }
    struct View: Encodable {
        var code: String
        var name: String
        var title: String
        var kind: String
        var headers: [String]
        var groups: [Group]
        var total: Int
        var filter: LedgerService.Filter
        var page: Int
        var pages: Int
        var prev: String?
        var next: String?
        var statuses: [SelectOption]
        var reasons: [SelectOption]
        var educations: [SelectOption]
        var ageBands: [SelectOption]
        var provinces: [SelectOption]
        var inflows: [SelectOption]
        var canUnmask: Bool
        var exportQuery: String
        var quarter: String
        var quarters: [SelectOption]
        var isPast: Bool
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let sql = try req.db.sql()
        let filter = try req.query.decode(LedgerService.Filter.self)
        let (quarter, source, closed) = try await self.quarter(req)
        let isBranch = org.level == .branch
        let isBook = org.level == .committee || org.level == .generalBranch
        // Branch table and committee book show every line (one query); the county database counts, then pages through them.
        let whole = isBranch || isBook
        var f = filter
        let total: Int, size: Int, pages: Int, lines: [LedgerService.Line]
        if whole {
            lines = try await LedgerService.page(
                sql, path: org.path, filter: LedgerService.Filter(q: filter.q), size: Int(Int32.max), source: source)
            total = lines.count
            size = max(total, 1)
            pages = 1
            f.page = 1
        } else {
            total = try await LedgerService.count(sql, path: org.path, filter: filter, source: source)
            size = Self.pageSize
            pages = max(1, (total + size - 1) / size)
            f.page = min(max(1, filter.page ?? 1), pages)
            lines = try await LedgerService.page(sql, path: org.path, filter: f, size: size, source: source)
        }
        let offset = ((f.page ?? 1) - 1) * size
        var groups: [Group] = []
        for (i, l) in lines.enumerated() {
            let row = LedgerService.row(l, cipher: req.cipher)
            var tr = "<tr><td class=\"num\">\(offset + i + 1)</td>"
            for column in LedgerColumn.allCases.dropFirst() {
                tr += column == .idNumber || column == .phone ? "<td class=\"mono\">" : "<td>"
                tr += HTML.escape(row.text(column, serial: offset + i + 1))
                tr += "</td>"
            }
            tr += "</tr>\n"
            if isBook, let last = groups.last, last.code == l.branch_code {
                groups[groups.count - 1].rows += tr
                groups[groups.count - 1].count += 1
            } else if isBook || groups.isEmpty {
                groups.append(Group(code: l.branch_code, name: l.branch_name, rows: tr, count: 1))
            } else {
                groups[0].rows += tr
                groups[0].count += 1
            }
        }
        func link(_ p: Int) -> String {
            var c = URLComponents()
            c.queryItems =
                queryItems(filter) + [
                    URLQueryItem(name: "quarter", value: quarter.description),
                    URLQueryItem(name: "page", value: "\(p)"),
                ]
            return "/ledger/\(org.code)?" + (c.percentEncodedQuery ?? "")
        }
        var exportQuery = URLComponents()
        exportQuery.queryItems = [URLQueryItem(name: "quarter", value: quarter.description)]
        let quarters = ([AppClock.quarter] + closed).map {
            SelectOption(
                value: $0.description, label: $0 == AppClock.quarter ? "\($0.chinese)（当前）" : "\($0.chinese)（已封存）",
                selected: $0 == quarter)
        }
        // The filter lists only appear on the county database.
        let inflowOrgs =
            isBranch || isBook ? [] : try await req.application.orgDirectory.inflowOrganizations(on: req.db)
        let view = View(
            code: org.code, name: org.shortName, title: LedgerTitle.make(orgName: org.name, quarter: quarter),
            kind: isBranch ? "table" : isBook ? "book" : "database",
            headers: LedgerColumn.allCases.map(\.title), groups: groups, total: total, filter: f, page: f.page ?? 1,
            pages: pages,
            prev: (f.page ?? 1) > 1 ? link((f.page ?? 1) - 1) : nil,
            next: (f.page ?? 1) < pages ? link((f.page ?? 1) + 1) : nil,
            statuses: FlowState.allCases.filter(\.isOpen).map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == filter.status)
            },
            reasons: OutflowReason.allCases.map {
                SelectOption(value: "\($0.rawValue)", label: $0.label, selected: $0.rawValue == filter.reason)
            },
            educations: Education.options(selected: filter.education),
            ageBands: LedgerService.Filter.ageBands.map {
                SelectOption(value: $0.0, label: $0.1, selected: $0.0 == filter.ageBand)
            },
            provinces: isBranch || isBook
                ? []
                : Divisions.shared.children(of: "").map {
                    SelectOption(value: $0.code, label: $0.name, selected: $0.code == filter.province)
                },
            inflows: inflowOrgs.map {
                SelectOption(value: $0.code, label: $0.short_name, selected: $0.code == filter.inflow)
            },
            canUnmask: user.can(.exportFullNumbers), exportQuery: exportQuery.percentEncodedQuery ?? "",
            quarter: quarter.description, quarters: quarters, isPast: source != .live)
        return try await req.page("ledgers/show", title: "台账", view)
    }

    private func queryItems(_ f: LedgerService.Filter) -> [URLQueryItem] {
        [
            ("status", f.status), ("reason", f.reason.map { "\($0)" }), ("province", f.province), ("city", f.city),
            ("ageBand", f.ageBand),
            ("education", f.education), ("inflow", f.inflow), ("overdue", f.overdue == true ? "true" : nil),
            ("lost", f.lost == true ? "true" : nil),
            ("q", f.q), ("sort", f.sort),
        ].compactMap { k, v in v.flatMap { $0.isEmpty ? nil : URLQueryItem(name: k, value: $0) } }
    }

    /// Masked export (every role with the organization in scope).
    func exportMasked(req: Request) async throws -> Response {
        let format = LedgerExport.Format(rawValue: (try? req.query.get(String.self, at: "format")) ?? "xlsx") ?? .xlsx
        return try await export(req, format: format, unmasked: false, reason: nil)
    }

    struct UnmaskForm: Content {
        var format: String?
        var reason: String?
        var quarter: String?
    }

    /// Full ID numbers and phones: admin and orgDept only, with a reason, audited.
    func exportUnmasked(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.exportFullNumbers)
        let f = try req.content.decode(UnmaskForm.self)
        guard let reason = Normalize.text(f.reason) else {
            throw AppError.invalid([FieldError("reason", "导出完整身份证号须填写事由")])
        }
        return try await export(
            req, format: LedgerExport.Format(rawValue: f.format ?? "xlsx") ?? .xlsx, unmasked: true, reason: reason)
    }

    private func export(_ req: Request, format: LedgerExport.Format, unmasked: Bool, reason: String?) async throws
        -> Response
    {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let (quarter, source, _) = try await self.quarter(req)
        return try await PrivateFiles.with(
            req.application, "exports", name: "ledger-\(UUID().uuidString).\(format.rawValue)"
        ) { path in
            let result = try await LedgerExport.write(
                org: org, format: format, quarter: quarter, source: source,
                cipher: req.cipher, unmasked: unmasked, to: path, on: req.db)
            try await req.audit(
                .export, "ledger", ref: org.code,
                summary:
                    "导出\(org.shortName)台账（\(format.rawValue)，\(result.rows)行，\(unmasked ? "含完整身份证号，事由：\(reason ?? "")" : "脱敏")）"
            )
            let name = LedgerExport.fileName(org: org, quarter: quarter, format: format)
            return try await req.download(
                path, kind: format == .xlsx ? .xlsx : .csv, name: name, fallback: "ledger.\(format.rawValue)")
        }
    }

    struct ChangesView: Encodable {
        var code: String
        var name: String
        var from: String
        var to: String
        var quarters: [SelectOption]
        var toOptions: [SelectOption]
        var changes: [LedgerSnapshot.Change]
        var added: Int
        var removed: Int
        var changed: Int
    }

    /// What changed in an organization's ledger between two quarters (closed ones, or a closed one and now).
    func changes(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await OrganizationService.find(code: req.parameters.get("code") ?? "", for: user, on: req.db)
        let closed = try await LedgerSnapshot.closed(on: req.db)
        let all = [AppClock.quarter] + closed
        let to = try req.quarterQuery("to") ?? AppClock.quarter
        guard let from = try req.quarterQuery("from") ?? closed.first(where: { $0 < to }) ?? to.previous else {
            throw AppError.badRequest("\(to.chinese)之前没有季度可比较")
        }
        var list: [LedgerSnapshot.Change] = []
        if let a = try await LedgerSnapshot.source(for: from, on: req.db),
            let b = try await LedgerSnapshot.source(for: to, on: req.db)
        {
            list = try await LedgerSnapshot.changes(from: a, to: b, path: org.path, on: req.db)
        } else if !closed.isEmpty {
            return req.redirect(to: "/ledger/\(org.code)", flash: "所选季度的台账尚未封存")
        }
        func options(_ selected: Quarter) -> [SelectOption] {
            all.map { SelectOption(value: $0.description, label: $0.chinese, selected: $0 == selected) }
        }
        return try await req.page(
            "ledgers/changes", title: "季度变化",
            ChangesView(
                code: org.code, name: org.shortName, from: from.chinese, to: to.chinese, quarters: options(from),
                toOptions: options(to),
                changes: list, added: list.filter { $0.kind == .added }.count,
                removed: list.filter { $0.kind == .removed }.count,
                changed: list.filter { $0.kind == .changed }.count))
    }
}
