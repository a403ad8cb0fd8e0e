import Fluent
import LiudongCore
import Vapor

/// `/points` (the pilot counties, their settings, closing quarters and publishing the year) and `/points/rules` (a
/// county's rule versions for a year and the editor that makes a new version from a date).
struct PointRulesPages {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(.reviewPoints)
        review.get("points", use: index)
        review.get("points", "rules", use: rules)
        let manage = r.signedIn(.managePoints)
        manage.post("points", "counties", use: enable)
        manage.post("points", "settings", use: settings)
        manage.post("points", "close", use: close)
        manage.post("points", "recompute", use: recompute)
        manage.post("points", "rules", use: create)
    }

    struct CountyRow: Encodable {
        var code: String
        var name: String
        var enabled: Bool
        var selected: Bool
    }

    struct IndexView: Encodable {
        var year: Int
        var county: String
        var countyName: String
        /// The ranking the account may open: its county's, or its own organization's below a county.
        var rankingOrg: String
        var counties: [CountyRow]
        var city: Bool
        var manage: Bool
        var enabled: Bool
        var publicForm: String
        var forms: [Pair]
        var topPercent: Int
        var goodAt: Int
        var passAt: Int
        var lowQuarterBelow: Int
        var closedThrough: String?
        var recomputedAt: String?
        var versions: Int
        var latest: String?
        var published: String?
        var canPublish: Bool
        var quarters: [String]
        var claims: Int
        var appeals: Int
        var talks: Int
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let year = req.yearParameter()
        let today = AppClock.today
        let counties = try await PointRulesStore.counties(for: user, on: req.db)
        let enabled = Set(try await PointRulesStore.pilots(on: req.db).compactMap(\.id))
        let county = try await PointRulesStore.county(
            try? req.query.get(String.self, at: "county"), for: user, on: req.db)
        let s = try await PointRulesStore.settingsOrDefault(county.id!, on: req.db)
        let versions = try await PointRulesStore.versions(county: county.id!, year: year, on: req.db)
        let pub = try await PointRankingStore.publication(county: county.id!, year: year, on: req.db)
        let under = user.scopePath.count > county.path.count ? user.scopePath : county.path
        let waiting = try await PointClaimsStore.waiting(under: under, on: req.db)
        return try await req.page(
            "points/index", title: "积分管理",
            IndexView(
                year: year, county: county.code, countyName: county.shortName,
                rankingOrg: county.path.hasPrefix(user.scopePath) ? county.code : user.scopeCode,
                counties: counties.map {
                    CountyRow(
                        code: $0.code, name: $0.shortName, enabled: enabled.contains($0.id!),
                        selected: $0.id == county.id)
                }, city: user.scopeLevel == .city && user.can(.managePoints), manage: user.can(.managePoints),
                enabled: s.enabled, publicForm: s.publicForm.rawValue,
                forms: PublicForm.allCases.map { Pair($0.rawValue, $0.label) }, topPercent: s.topPercent,
                goodAt: s.goodAt, passAt: s.passAt, lowQuarterBelow: s.lowQuarterBelow, closedThrough: s.closedThrough,
                recomputedAt: s.recomputedAt.map { CalendarDate(date: $0).description }, versions: versions.count,
                latest: versions.last.map { "第\($0.version)版，\($0.effectiveFrom)起" },
                published: pub.map {
                    "已于\(CalendarDate(date: $0.publishedAt ?? AppClock.now))公布（\($0.publicForm.label)，\($0.members)人）"
                },
                canPublish: pub == nil && year < today.year && s.enabled,
                quarters: PointSettingsRules.closable(year: year, today: today, closedThrough: s.closedThrough)
                    .map(\.description),
                claims: waiting.claims, appeals: waiting.appeals,
                talks: s.enabled
                    ? try await PointTalksStore.lowScorers(under: under, today: today, on: req.db).count : 0))
    }

    struct CountyForm: Content {
        var county: String?
        var enabled: String?
        var year: Int?
        var quarter: String?
        var publicForm: String?
        var topPercent: Int?
        var goodAt: Int?
        var passAt: Int?
        var lowQuarterBelow: Int?
    }

    func enable(req: Request) async throws -> Response {
        let user = try req.user
        guard user.scopeLevel == .city else { throw AppError.forbidden }
        let f = try req.content.decode(CountyForm.self)
        let county = try await req.managedPointCounty(f.county)
        return try await req.act(back: "/points?county=\(county.code)") {
            try await PointRulesActions.enable(county, f.enabled == "1", as: try req.acting)
        }
    }

    func settings(req: Request) async throws -> Response {
        let f = try req.content.decode(CountyForm.self)
        let county = try await req.managedPointCounty(f.county)
        return try await req.act(back: "/points?county=\(county.code)") {
            try await PointRulesActions.saveSettings(
                county,
                .init(
                    publicForm: f.publicForm, topPercent: f.topPercent, goodAt: f.goodAt, passAt: f.passAt,
                    lowQuarterBelow: f.lowQuarterBelow), as: try req.acting)
            return "已保存评比设置"
        }
    }

    func close(req: Request) async throws -> Response {
        let f = try req.content.decode(CountyForm.self)
        let county = try await req.managedPointCounty(f.county)
        return try await req.act(back: "/points?county=\(county.code)") {
            guard let q = f.quarter.flatMap(Quarter.init) else {
                throw AppError.invalid([FieldError("quarter", "请选择季度")])
            }
            try await PointRulesActions.close(county: county, through: q, as: try req.acting)
            return "已结算至\(q.chinese)末，此前的积分不再改变"
        }
    }

    func recompute(req: Request) async throws -> Response {
        let f = try req.content.decode(CountyForm.self)
        let county = try await req.managedPointCounty(f.county)
        let year = PointSettingsRules.year(f.year) ?? AppClock.today.year
        return try await req.act(back: "/points?county=\(county.code)&year=\(year)") {
            let s = try await PointRulesActions.recompute(county: county, year: year, as: try req.acting)
            return "已重算：\(s.members)名党员，\(s.facts)件事实，\(s.entries)条未结算积分记录"
        }
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

        init(_ i: PointItem) {
            self.init(
                code: i.code, name: i.name, category: i.category.rawValue, categoryLabel: i.category.label,
                points: String(i.points), monthCap: i.monthCap.map(String.init) ?? "",
                yearCap: i.yearCap.map(String.init) ?? "", source: i.source.rawValue, sourceLabel: i.source.label,
                threshold: i.threshold.map(String.init) ?? "")
        }

        init(
            code: String, name: String, category: String, categoryLabel: String, points: String, monthCap: String,
            yearCap: String, source: String, sourceLabel: String, threshold: String
        ) {
            self.code = code
            self.name = name
            self.category = category
            self.categoryLabel = categoryLabel
            self.points = points
            self.monthCap = monthCap
            self.yearCap = yearCap
            self.source = source
            self.sourceLabel = sourceLabel
            self.threshold = threshold
        }
    }

    struct Version: Encodable {
        var version: Int
        var effectiveFrom: String
        var note: String?
        var createdBy: String
        var selected: Bool
    }

    struct RulesView: Encodable {
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

    func rules(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let county = try await PointRulesStore.county(
            try? req.query.get(String.self, at: "county"), for: user, on: req.db)
        let year = req.yearParameter()
        let sets = try await PointRulesStore.versions(county: county.id!, year: year, on: req.db)
        let wanted = try? req.query.get(Int.self, at: "version")
        let shown = sets.first { $0.version == wanted } ?? sets.last
        let settings = try await PointRulesStore.settings(county.id!, on: req.db)
        let items = (shown?.items ?? PointRuleVersion.defaultItems).map(ItemRow.init)
        let blank = ItemRow(
            code: "", name: "", category: "vanguard", categoryLabel: "", points: "", monthCap: "", yearCap: "",
            source: "claim", sourceLabel: "", threshold: "")
        let today = AppClock.today
        return try await req.page(
            "points/rules", title: "积分规则",
            RulesView(
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

    struct RulesForm: Content {
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

    func create(req: Request) async throws -> Response {
        let f = try req.content.decode(RulesForm.self)
        let county = try await req.managedPointCounty(f.county)
        let year = PointSettingsRules.year(f.year) ?? AppClock.today.year
        return try await req.act(back: "/points/rules?county=\(county.code)&year=\(year)") {
            let (items, problems) = PointSettingsRules.editorItems(
                code: f.code, name: f.name, category: f.category, points: f.points, monthCap: f.monthCap,
                yearCap: f.yearCap, source: f.source, threshold: f.threshold)
            guard problems.isEmpty else { throw AppError(.invalid(problems)) }
            let set = try await PointRulesActions.createVersion(
                county: county, year: year, from: Normalize.text(f.effectiveFrom).flatMap { CalendarDate($0) },
                items: items, note: f.note, as: try req.acting)
            return "已生成第\(set.version)版规则，\(set.effectiveFrom)起生效，并已重算积分"
        }
    }
}

extension Request {
    /// The pilot county a form names, managed by this account (a county account: its own; the city: any).
    func managedPointCounty(_ code: String?) async throws -> Organization {
        let user = try self.user
        let county = try await PointRulesStore.county(code, for: user, on: db)
        guard county.path.hasPrefix(user.scopePath) else { throw AppError.forbidden }
        return county
    }
}
