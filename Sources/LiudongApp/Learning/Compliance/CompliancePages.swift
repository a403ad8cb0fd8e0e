import Fluent
import LiudongCore
import SQLKit
import Vapor

/// `/org-life/compliance` (required against held, per branch, rolled up), `/org-life/alerts` (the six-month rule),
/// `/org-life/settings` (the required frequencies; the city's administrators edit them).
struct CompliancePages {
    func boot(_ r: FeatureRoutes) throws {
        let stats = r.signedIn(.viewStatistics)
        stats.get("org-life", "compliance", use: page)
        stats.get("org-life", "alerts", use: alerts)
        r.signedIn(.recordOrgLife).get("org-life", "settings", use: settings)
        r.signedIn(.editOrganizations).post("org-life", "settings", use: saveSettings)
    }

    static func quarter(_ req: Request) throws -> Quarter {
        guard let raw = Normalize.text(try? req.query.get(String.self, at: "quarter")) else { return AppClock.quarter }
        guard raw.count <= 10, let q = Quarter(raw) else {
            throw AppError.invalid([FieldError("quarter", "季度格式如 2026Q4")])
        }
        return q
    }

    struct Cell: Codable {
        var text: String
        var late: Bool
    }
    struct Row: Codable {
        var code: String
        var name: String
        var cells: [Cell]
        var late: Bool
        var branches: Int
    }

    struct View: Codable {
        var code: String
        var name: String
        var quarter: String
        var quarterText: String
        var previous: String
        var next: String
        var kinds: [String]
        var rows: [Row]
        var branches: Int
        var behind: Int
        /// When the figures were counted, when they come from the roll-up (a city's or province's current quarter).
        var countedAt: String? = nil
    }

    func page(req: Request) async throws -> Response {
        let org = try await req.scopeOrganization()
        let q = try Self.quarter(req)
        var view: View
        if q == Quarter(containing: AppClock.today),
            let (cached, at) = try await FigureCache.read("orgLifeCompliance", for: org, as: View.self, on: req.db),
            cached.quarter == q.description
        {
            view = cached
            view.countedAt = "截至" + Features.clock(at) + "（大范围统计每5分钟更新）"
        } else {
            view = try await Self.view(for: org, quarter: q, on: req.db)
        }
        return try await req.page("orglife/compliance", title: "组织生活落实情况", view)
    }

    /// Required against held for every branch under `org` in quarter `q`, rolled up per child organization.
    static func view(for org: Organization, quarter q: Quarter, on db: Database) async throws -> View {
        let reqs = try await ComplianceStore.requirements(on: db).filter { $0.minimum > 0 }
        let items = try await ComplianceStore.items(under: org.path, quarter: q, requirements: reqs, on: db)
        // Rolled up per child of the organization (or per branch when it has branches directly).
        let children = try await OrgTree.openChildren(of: org, on: db)
        var rows: [Row] = []
        let groups: [(String, String, String)] =
            org.level == .branch
            ? [(org.code, org.shortName, org.path)] : children.map { ($0.code, $0.shortName, $0.path) }
        for (code, name, path) in groups {
            let mine = items.filter { $0.0.path.hasPrefix(path) }
            guard !mine.isEmpty else { continue }
            var cells: [Cell] = []
            for (k, r) in reqs.enumerated() {
                let behind = mine.filter { $0.1[k].held < $0.1[k].required }.count
                let held = mine.reduce(0) { $0 + $1.1[k].held }
                let one = mine[0].1[k]
                cells.append(
                    Cell(
                        text: mine.count > 1
                            ? "\(held)（\(behind)个未达）"
                            : one.applies ? "\(one.held)/\(one.required)" : "不要求（\(one.held)）",
                        late: behind > 0 && (r.period != .year || q.number == 4)))
            }
            rows.append(
                Row(code: code, name: name, cells: cells, late: cells.contains(where: \.late), branches: mine.count))
        }
        let behind = items.filter { b in
            b.1.enumerated().contains { k, i in i.held < i.required && (reqs[k].period != .year || q.number == 4) }
        }.count
        return View(
            code: org.code, name: org.name, quarter: q.description, quarterText: q.chinese,
            previous: q.previous?.description ?? q.description, next: q.next?.description ?? q.description,
            kinds: reqs.map { "\($0.kind.label)（\($0.period.label)≥\($0.minimum)）" }, rows: rows,
            branches: items.count, behind: behind)
    }

    func alerts(req: Request) async throws -> Response {
        let org = try await req.scopeOrganization()
        let today = AppClock.today
        let rows = try await ComplianceStore.silent(under: org.path, today: today, on: try req.db.sql())
        let total = try await ComplianceStore.sixMonthCounts(under: org.path, today: today, on: try req.db.sql())
            .values.reduce(0, +)
        struct Row: Encodable {
            var id: String
            var name: String
            var branch: String
            var mobile: Bool
            var last: String
        }
        struct View: Encodable {
            var code: String
            var name: String
            var cutoff: String
            var total: Int
            var rows: [Row]
            var dues: [Row]
        }
        // 党费: six consecutive months unpaid through last month, the other sign the rule names.
        let months = DuesPaymentRules.alertMonths
        let dues = try await DuesSheetStore.arrears(under: org.path, months: months, today: today, on: try req.db.sql())
        let silent = Set(rows.map(\.id))
        return try await req.page(
            "orglife/alerts", title: "六个月未参加组织生活",
            View(
                code: org.code, name: org.name, cutoff: OrgLifeRules.sixMonthsBefore(today).chinese, total: total,
                rows: rows.map {
                    Row(
                        id: $0.id.uuidString, name: $0.name, branch: $0.branch, mobile: $0.flow_status != nil,
                        last: $0.last_on ?? "无记录")
                },
                dues: dues.map {
                    Row(
                        id: $0.member_id.uuidString, name: $0.name, branch: $0.branch, mobile: $0.flow_status != nil,
                        last: silent.contains($0.member_id) ? "同时6个月未参加组织生活" : "")
                }))
    }

    struct SettingRow: Encodable {
        var kind: String
        var label: String
        var periods: [SelectOption]
        var minimum: Int
    }

    func settings(req: Request) async throws -> Response {
        let user = try req.user
        let reqs = try await ComplianceStore.requirements(on: req.db)
        struct View: Encodable {
            var rows: [SettingRow]
            var canEdit: Bool
        }
        return try await req.page(
            "orglife/settings", title: "组织生活频次要求",
            View(
                rows: reqs.map { r in
                    SettingRow(
                        kind: r.kind.rawValue, label: r.kind.label,
                        periods: OrgLifePeriod.allCases.map {
                            SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == r.period)
                        }, minimum: r.minimum)
                }, canEdit: Self.canEdit(user)))
    }

    static func canEdit(_ user: CurrentUser) -> Bool {
        user.can(.editOrganizations) && user.scopeLevel == .city && user.scopeKind == .regular
    }

    func saveSettings(req: Request) async throws -> Response {
        let user = try req.user
        guard Self.canEdit(user) else { throw AppError.forbidden }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var changes: [String] = []
        for kind in OrgLifeKind.allCases {
            guard let p = form["period_\(kind.rawValue)"].flatMap(OrgLifePeriod.init(rawValue:)),
                let n = form["minimum_\(kind.rawValue)"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
                (0...31).contains(n)
            else {
                return req.redirect(to: "/org-life/settings", flash: "\(kind.label)的频次应为0至31次")
            }
            let r = try await OrgLifeRequirement.find(kind.rawValue, on: req.db) ?? OrgLifeRequirement()
            if r.id != nil && r.period == p && r.minimum == n { continue }
            r.id = kind.rawValue
            r.period = p
            r.minimum = n
            r.updatedBy = user.username
            try await r.save(on: req.db)
            changes.append("\(kind.label)\(p.label)≥\(n)")
        }
        if !changes.isEmpty {
            try await req.audit(.update, "org-life-settings", summary: "修改组织生活频次要求：" + changes.joined(separator: "，"))
        }
        return req.redirect(to: "/org-life/settings", flash: changes.isEmpty ? "没有改动" : "已保存")
    }
}
