import Fluent
import LiudongCore
import Vapor

/// `/points/rules`: a county's rule versions for a year and the editor that makes a new version from a date.
struct PointRulesController {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.reviewPoints).get("points", "rules", use: rules)
        r.signedIn(.managePoints).post("points", "rules", use: create)
    }

    struct ItemRow: Encodable {
        var code: String
        var name: String
        var category: String
        var categoryLabel: String
        var points: String
        var monthCap: String
        var yearCap: String
        var source: String
        var sourceLabel: String
        var threshold: String
    }

    static func row(_ i: PointItem) -> ItemRow {
        ItemRow(
            code: i.code, name: i.name, category: i.category.rawValue, categoryLabel: i.category.label,
            points: String(i.points), monthCap: i.monthCap.map(String.init) ?? "",
            yearCap: i.yearCap.map(String.init) ?? "",
            source: i.source.rawValue, sourceLabel: i.source.label, threshold: i.threshold.map(String.init) ?? "")
    }

    func rules(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let county = try await PointRulesService.county(
            try? req.query.get(String.self, at: "county"), for: user, on: req.db)
        let year = req.yearParameter()
        let sets = try await PointLedger.versions(county: county.id!, year: year, on: req.db)
        let wanted = try? req.query.get(Int.self, at: "version")
        let shown = sets.first { $0.version == wanted } ?? sets.last
        let settings = try await PointCounty.find(county.id!, on: req.db)
        struct Version: Encodable {
            var version: Int
            var effectiveFrom: String
            var note: String?
            var createdBy: String
            var selected: Bool
        }
        struct View: Encodable {
            var county: String
            var countyName: String
            var year: Int
            var enabled: Bool
            var manage: Bool
            var versions: [Version]
            var shown: Int?
            var items: [ItemRow]
            var editor: [ItemRow]
            var categories: [Pair]
            var sources: [Pair]
            var closedThrough: String?
            var from: String
        }
        let items = (shown?.items ?? PointRuleVersion.defaultItems).map(Self.row)
        let blank = ItemRow(
            code: "", name: "", category: "vanguard", categoryLabel: "", points: "", monthCap: "", yearCap: "",
            source: "claim", sourceLabel: "", threshold: "")
        let today = AppClock.today
        return try await req.page(
            "points/rules", title: "积分规则",
            View(
                county: county.code, countyName: county.shortName, year: year, enabled: settings?.enabled == true,
                manage: user.can(.managePoints) && county.path.hasPrefix(user.scopePath),
                versions: sets.map {
                    Version(
                        version: $0.version, effectiveFrom: $0.effectiveFrom, note: $0.note, createdBy: $0.createdBy,
                        selected: $0.version == shown?.version)
                }, shown: shown?.version, items: items, editor: items + Array(repeating: blank, count: 3),
                categories: PointCategory.allCases.map { Pair($0.rawValue, $0.label) },
                sources: PointSource.allCases.map { Pair($0.rawValue, $0.label) },
                closedThrough: settings?.closedThrough,
                from: (year == today.year ? today : CalendarDate(year: year, month: 1, day: 1)!).description))
    }

    struct Form: Content {
        var county: String?
        var year: Int?
        var effectiveFrom: String?
        var note: String?
        var code: [String]?
        var name: [String]?
        var category: [String]?
        var points: [String]?
        var monthCap: [String]?
        var yearCap: [String]?
        var source: [String]?
        var threshold: [String]?
    }

    /// Items from the editor's parallel columns; rows with neither code nor name are skipped. Unreadable numbers and
    /// choices become problems of their row.
    static func items(_ f: Form) -> (items: [PointItem], errors: [FieldError]) {
        let codes = f.code ?? []
        guard codes.count <= 60 else { return ([], [FieldError("items", "项目不能超过60个")]) }
        func at(_ a: [String]?, _ i: Int) -> String {
            i < (a?.count ?? 0) ? (a?[i] ?? "").trimmingCharacters(in: .whitespaces) : ""
        }
        var items: [PointItem] = []
        var errors: [FieldError] = []
        for i in codes.indices {
            let code = at(f.code, i)
            let name = at(f.name, i)
            if code.isEmpty && name.isEmpty { continue }
            func number(_ s: String, _ label: String) -> Int? {
                if s.isEmpty { return nil }
                guard s.count <= 5, let n = Int(s) else {
                    errors.append(FieldError("items[\(i)]", "第\(i + 1)行：\(label)应为整数"))
                    return nil
                }
                return n
            }
            let points = number(at(f.points, i), "分值") ?? 0
            guard let category = PointCategory(rawValue: at(f.category, i)),
                let source = PointSource(rawValue: at(f.source, i))
            else {
                errors.append(FieldError("items[\(i)]", "第\(i + 1)行：请选择类别和来源"))
                continue
            }
            items.append(
                PointItem(
                    code: code.uppercased(), name: name, category: category, points: points,
                    monthCap: number(at(f.monthCap, i), "每月上限"), yearCap: number(at(f.yearCap, i), "每年上限"),
                    source: source, threshold: number(at(f.threshold, i), "得分率门槛")))
        }
        return (items, errors)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(Form.self)
        let county = try await PointsController.managedCounty(req, f.county)
        let year = f.year.flatMap { (2000...2100).contains($0) ? $0 : nil } ?? AppClock.today.year
        return try await req.act(back: "/points/rules?county=\(county.code)&year=\(year)") {
            let (items, errors) = Self.items(f)
            guard errors.isEmpty else { throw AppError.invalid(errors) }
            let set = try await PointRulesService.createVersion(
                county: county, year: year, from: Normalize.text(f.effectiveFrom).flatMap { CalendarDate($0) },
                items: items, note: f.note, by: user.username, on: req.db)
            try await req.audit(
                .create, "point-rules", ref: county.code,
                summary: "\(county.shortName)\(year)年积分规则第\(set.version)版，\(set.effectiveFrom)起生效，\(items.count)个项目")
            return "已生成第\(set.version)版规则，\(set.effectiveFrom)起生效，并已重算积分"
        }
    }
}
