import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The pilot counties, their rule versions and settings, and closing periods.
enum PointRulesService {
    /// Counties the account may manage or look at: its own county, or every county for the city.
    static func counties(for user: CurrentUser, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$level == .county).filter(\.$kind == .regular).sort(\.$code).all()
            .filter { $0.path.hasPrefix(user.scopePath) || user.scopePath.hasPrefix($0.path) }
    }

    /// The county named by `code` (or the account's own county), within the account's reach.
    static func county(_ code: String?, for user: CurrentUser, on db: Database) async throws -> Organization {
        let all = try await counties(for: user, on: db)
        if let code = code.flatMap({ Normalize.text($0) }) {
            guard let c = all.first(where: { $0.code == code }) else { throw AppError.notFound }
            return c
        }
        guard let c = all.first(where: { user.scopePath.hasPrefix($0.path) }) ?? all.first else {
            throw AppError.notFound
        }
        return c
    }

    /// The year's versions; when the county is in the pilot and has none, the previous year's last version (or the
    /// product's default) is carried over from 1 January.
    static func ensureYear(county: Organization, year: Int, by username: String, on db: Database) async throws
        -> [PointRuleSet]
    {
        let existing = try await PointLedger.versions(county: county.id!, year: year, on: db)
        guard existing.isEmpty else { return existing }
        let last = try await PointLedger.versions(county: county.id!, year: year - 1, on: db).last
        let set = PointRuleSet()
        set.countyID = county.id!
        set.year = year
        set.version = 1
        set.effectiveFrom = "\(year)-01-01"
        set.itemsJSON = try last.map(\.itemsJSON) ?? PointRuleSet.encode(PointRuleVersion.defaultItems)
        set.note = last == nil ? "产品默认积分规则" : "沿用\(year - 1)年最后一版规则"
        set.createdBy = username
        try await set.create(on: db)
        return [set]
    }

    /// Joins or leaves the pilot (the city's choice, county by county).
    static func enable(_ county: Organization, _ on: Bool, year: Int, by username: String, db: Database) async throws {
        let s = try await PointCounty.find(county.id!, on: db) ?? PointCounty(countyID: county.id!)
        s.enabled = on
        s.updatedBy = username
        try await s.save(on: db)
        if on { _ = try await ensureYear(county: county, year: year, by: username, on: db) }
    }

    /// A new version of the year's rules from `from` (after the closed period); the county is then recomputed.
    static func createVersion(
        county: Organization, year: Int, from: CalendarDate?, items: [PointItem], note: String?, by username: String,
        on db: Database
    ) async throws -> PointRuleSet {
        var errors: [FieldError] = PointRuleVersion.problems(items).map {
            FieldError("items[\($0.index)]", "第\($0.index + 1)项：\($0.message)")
        }
        let settings = try await PointCounty.find(county.id!, on: db)
        guard settings?.enabled == true else { throw AppError.conflict("\(county.shortName)未参加积分制管理试点") }
        let versions = try await ensureYear(county: county, year: year, by: username, on: db)
        if let from {
            if from.year != year { errors.append(FieldError("effectiveFrom", "生效日期应在\(year)年内")) }
            if let closed = settings?.closed, from <= closed {
                errors.append(FieldError("effectiveFrom", "\(closed)及以前已结算，新版本的生效日期须晚于该日"))
            }
            if let latest = versions.last?.effectiveFrom, from.description < latest {
                errors.append(FieldError("effectiveFrom", "生效日期不能早于当前最新版本的生效日期\(latest)"))
            }
        } else {
            errors.append(FieldError("effectiveFrom", "请填写新版本的生效日期"))
        }
        guard errors.isEmpty, let from else { throw AppError.invalid(errors) }
        let set = PointRuleSet()
        set.countyID = county.id!
        set.year = year
        set.version = (versions.map(\.version).max() ?? 0) + 1
        set.effectiveFrom = from.description
        set.itemsJSON = try PointRuleSet.encode(items)
        set.note = note.flatMap { Normalize.text($0) }.map { String($0.prefix(200)) }
        set.createdBy = username
        try await set.create(on: db)
        try await PointLedger.recompute(county: county, year: year, on: db)
        return set
    }

    /// Closes the ledger through the end of `quarter`: its entries never change again.
    static func close(
        county: Organization, through quarter: Quarter, by username: String, today: CalendarDate, on db: Database
    )
        async throws
    {
        guard quarter.lastDay < today else { throw AppError.conflict("\(quarter.chinese)尚未结束，不能结算") }
        guard let s = try await PointCounty.find(county.id!, on: db), s.enabled else {
            throw AppError.conflict("\(county.shortName)未参加积分制管理试点")
        }
        let end = quarter.lastDay.description
        guard (s.closedThrough ?? "") < end else { throw AppError.conflict("\(quarter.chinese)已经结算") }
        let waiting = try await PointRanking.pendingWork(county: county, through: end, on: db)
        guard waiting == 0 else { throw AppError.conflict("\(quarter.chinese)及以前尚有\(waiting)条待处理的申报或申诉，处理完后再结算") }
        // The period's entries are brought up to date once more, then frozen.
        try await PointLedger.recompute(county: county, year: quarter.year, on: db)
        s.closedThrough = end
        s.updatedBy = username
        try await s.save(on: db)
    }

    struct SettingsInput: Decodable {
        var publicForm: String?
        var topPercent: Int?
        var goodAt: Int?
        var passAt: Int?
        var lowQuarterBelow: Int?
    }

    static func saveSettings(county: Organization, _ input: SettingsInput, by username: String, on db: Database)
        async throws
    {
        var errors: [FieldError] = []
        let form = input.publicForm.flatMap(PublicForm.init(rawValue:))
        if form == nil { errors.append(FieldError("publicForm", "请选择公布形式")) }
        if !(1...50).contains(input.topPercent ?? 0) { errors.append(FieldError("topPercent", "前列比例应为1–50")) }
        if !(1...1000).contains(input.goodAt ?? 0) { errors.append(FieldError("goodAt", "优良分数线应为1–1000")) }
        if !(0...1000).contains(input.passAt ?? -1) { errors.append(FieldError("passAt", "合格分数线应为0–1000")) }
        if let g = input.goodAt, let p = input.passAt, p >= g { errors.append(FieldError("passAt", "合格分数线应低于优良分数线")) }
        if !(0...100).contains(input.lowQuarterBelow ?? -1) {
            errors.append(FieldError("lowQuarterBelow", "季度低分线应为0–100"))
        }
        guard errors.isEmpty, let form else { throw AppError.invalid(errors) }
        let s = try await PointCounty.find(county.id!, on: db) ?? PointCounty(countyID: county.id!)
        s.publicForm = form
        s.topPercent = input.topPercent ?? 10
        s.goodAt = input.goodAt ?? 60
        s.passAt = input.passAt ?? 30
        s.lowQuarterBelow = input.lowQuarterBelow ?? 5
        s.updatedBy = username
        try await s.save(on: db)
    }
}
