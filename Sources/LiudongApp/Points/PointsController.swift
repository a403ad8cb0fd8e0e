import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The staff side of the points measure: the pilot counties and their settings, closing quarters, publishing the
/// year, rankings, and one member's ledger.
struct PointsController {
    func boot(_ r: FeatureRoutes) throws {
        let review = r.signedIn(.reviewPoints)
        review.get("points", use: index)
        review.get("points", "ranking", use: ranking)
        review.get("points", "members", ":id", use: memberLedger)
        let manage = r.signedIn(.managePoints)
        manage.post("points", "counties", use: enable)
        manage.post("points", "settings", use: settings)
        manage.post("points", "close", use: close)
        manage.post("points", "recompute", use: recompute)
        manage.post("points", "publish", use: publish)
    }

    struct CountyRow: Encodable {
        var code: String
        var name: String
        var enabled: Bool
        var selected: Bool
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let year = req.yearParameter()
        let today = AppClock.today
        let counties = try await PointRulesService.counties(for: user, on: req.db)
        let enabled = Set(try await PointCounty.query(on: req.db).filter(\.$enabled == true).all().compactMap(\.id))
        let county = try await PointRulesService.county(
            try? req.query.get(String.self, at: "county"), for: user, on: req.db)
        let s = try await PointCounty.find(county.id!, on: req.db) ?? PointCounty(countyID: county.id!)
        let versions = try await PointLedger.versions(county: county.id!, year: year, on: req.db)
        let pub = try await PointRanking.publication(county: county.id!, year: year, on: req.db)
        let under = user.scopePath.count > county.path.count ? user.scopePath : county.path
        struct View: Encodable {
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
        let sql = try req.db.sql()
        let claims =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_claims c JOIN members m ON m.id = c.member_id JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", under)) AND c.status = 'pending'
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let appeals =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM point_appeals a JOIN members m ON m.id = a.member_id JOIN organizations o ON o.id = m.organization_id
                WHERE \(PathPrefix("o.path", under)) AND a.status = 'pending'
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        var quarters: [String] = []
        var q = Quarter(containing: today).previous
        while let x = q, x.year >= year - 1, quarters.count < 4 {
            if x.lastDay.description > (s.closedThrough ?? "") { quarters.append(x.description) }
            q = x.previous
        }
        return try await req.page(
            "points/index", title: "积分管理",
            View(
                year: year, county: county.code, countyName: county.shortName,
                rankingOrg: county.path.hasPrefix(user.scopePath) ? county.code : user.scopeCode,
                counties: counties.map {
                    CountyRow(
                        code: $0.code, name: $0.shortName, enabled: enabled.contains($0.id!),
                        selected: $0.id == county.id)
                }, city: user.scopeLevel == .city && user.can(.managePoints), manage: user.can(.managePoints),
                enabled: s.enabled, publicForm: s.publicForm.rawValue,
                forms: PublicForm.allCases.map { Pair($0.rawValue, $0.label) }, topPercent: s.topPercent,
                goodAt: s.goodAt,
                passAt: s.passAt, lowQuarterBelow: s.lowQuarterBelow, closedThrough: s.closedThrough,
                recomputedAt: s.recomputedAt.map { CalendarDate(date: $0).description }, versions: versions.count,
                latest: versions.last.map { "第\($0.version)版，\($0.effectiveFrom)起" },
                published: pub.map {
                    "已于\(CalendarDate(date: $0.publishedAt ?? AppClock.now))公布（\($0.publicForm.label)，\($0.members)人）"
                },
                canPublish: pub == nil && year < today.year && s.enabled, quarters: quarters.reversed(), claims: claims,
                appeals: appeals,
                talks: s.enabled ? try await PointTalks.lowScorers(under: under, today: today, on: req.db).count : 0))
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

    /// The county a form names, managed by this account (a county account: its own; the city: any).
    static func managedCounty(_ req: Request, _ code: String?) async throws -> Organization {
        let user = try req.user
        let county = try await PointRulesService.county(code, for: user, on: req.db)
        guard county.path.hasPrefix(user.scopePath) else { throw AppError.forbidden }
        return county
    }

    func enable(req: Request) async throws -> Response {
        let user = try req.user
        guard user.scopeLevel == .city else { throw AppError.forbidden }
        let f = try req.content.decode(CountyForm.self)
        let county = try await Self.managedCounty(req, f.county)
        let on = f.enabled == "1"
        return try await req.act(back: "/points?county=\(county.code)") {
            try await PointRulesService.enable(
                county, on, year: AppClock.today.year, by: user.username, db: req.db)
            try await req.audit(
                .update, "points", ref: county.code, summary: "\(county.shortName)\(on ? "纳入" : "退出")积分制管理试点")
            if on { try await PointLedger.recompute(county: county, year: AppClock.today.year, on: req.db) }
            return on ? "\(county.shortName)已纳入积分制管理试点，已按规则计算本年积分" : "\(county.shortName)已退出积分制管理试点"
        }
    }

    func settings(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(CountyForm.self)
        let county = try await Self.managedCounty(req, f.county)
        return try await req.act(back: "/points?county=\(county.code)") {
            try await PointRulesService.saveSettings(
                county: county,
                .init(
                    publicForm: f.publicForm, topPercent: f.topPercent, goodAt: f.goodAt, passAt: f.passAt,
                    lowQuarterBelow: f.lowQuarterBelow), by: user.username, on: req.db)
            try await req.audit(.update, "points", ref: county.code, summary: "修改\(county.shortName)积分评比设置")
            return "已保存评比设置"
        }
    }

    func close(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(CountyForm.self)
        let county = try await Self.managedCounty(req, f.county)
        return try await req.act(back: "/points?county=\(county.code)") {
            guard let q = f.quarter.flatMap(Quarter.init) else {
                throw AppError.invalid([FieldError("quarter", "请选择季度")])
            }
            try await PointRulesService.close(
                county: county, through: q, by: user.username, today: AppClock.today, on: req.db)
            try await req.audit(.update, "points", ref: county.code, summary: "\(county.shortName)积分结算至\(q.chinese)")
            return "已结算至\(q.chinese)末，此前的积分不再改变"
        }
    }

    func recompute(req: Request) async throws -> Response {
        let f = try req.content.decode(CountyForm.self)
        let county = try await Self.managedCounty(req, f.county)
        let year = f.year.flatMap { (2000...2100).contains($0) ? $0 : nil } ?? AppClock.today.year
        return try await req.act(back: "/points?county=\(county.code)&year=\(year)") {
            guard try await PointCounty.find(county.id!, on: req.db)?.enabled == true else {
                throw AppError.conflict("\(county.shortName)未参加积分制管理试点")
            }
            let s = try await PointLedger.recompute(county: county, year: year, on: req.db)
            try await req.audit(.update, "points", ref: county.code, summary: "重算\(county.shortName)\(year)年积分")
            return "已重算：\(s.members)名党员，\(s.facts)件事实，\(s.entries)条未结算积分记录"
        }
    }

    func publish(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(CountyForm.self)
        let county = try await Self.managedCounty(req, f.county)
        let year = f.year ?? 0
        return try await req.act(back: "/points?county=\(county.code)&year=\(year)") {
            let form = f.publicForm.flatMap(PublicForm.init(rawValue:)) ?? .bands
            let p = try await PointRanking.publish(
                county: county, year: year, form: form, by: user.username, today: AppClock.today, on: req.db)
            try await req.audit(
                .update, "points", ref: county.code, summary: "公布\(county.shortName)\(year)年积分评比（\(form.label)）")
            return "已公布\(year)年积分评比，\(p.members)名党员的排名已冻结"
        }
    }
}
