import Fluent
import Foundation
import LiudongCore
import Vapor

/// The pilot and its rules (积分规则): joining and leaving the pilot, the ranking settings, a new version of the
/// rules, closing a quarter and recomputing. Each action checks with `PointSettingsRules`, stores, and writes the
/// audit line.
enum PointRulesActions {
    /// Joins or leaves the pilot (the city's choice, county by county); joining computes the year at once.
    static func enable(_ county: Organization, _ on: Bool, as a: Acting) async throws -> String {
        try await PointRulesStore.enable(county, on, year: a.today.year, by: a.name, db: a.db)
        try await a.audit(
            .update, "points", ref: county.code, summary: "\(county.shortName)\(on ? "纳入" : "退出")积分制管理试点")
        if on { try await PointLedger.recompute(county: county, year: a.today.year, on: a.db) }
        return on ? "\(county.shortName)已纳入积分制管理试点，已按规则计算本年积分" : "\(county.shortName)已退出积分制管理试点"
    }

    struct SettingsForm: Content {
        var publicForm: String?
        var topPercent: Int?
        var goodAt: Int?
        var passAt: Int?
        var lowQuarterBelow: Int?
    }

    static func saveSettings(_ county: Organization, _ f: SettingsForm, as a: Acting) async throws {
        let checked = try PointSettingsRules.settings(
            publicForm: f.publicForm, topPercent: f.topPercent, goodAt: f.goodAt, passAt: f.passAt,
            lowQuarterBelow: f.lowQuarterBelow
        ).orThrow()
        let s = try await PointRulesStore.settingsOrDefault(county.id!, on: a.db)
        s.publicForm = checked.publicForm
        s.topPercent = checked.topPercent
        s.goodAt = checked.goodAt
        s.passAt = checked.passAt
        s.lowQuarterBelow = checked.lowQuarterBelow
        s.updatedBy = a.name
        try await s.save(on: a.db)
        try await a.audit(.update, "points", ref: county.code, summary: "修改\(county.shortName)积分评比设置")
    }

    /// A new version of the year's rules from `from` (after the closed period); the county is then recomputed.
    @discardableResult
    static func createVersion(
        county: Organization, year: Int, from: CalendarDate?, items: [PointItem], note: String?, as a: Acting
    ) async throws -> PointRuleSet {
        let settings = try await PointRulesStore.settings(county.id!, on: a.db)
        guard settings?.enabled == true else { throw AppError.conflict("\(county.shortName)未参加积分制管理试点") }
        let versions = try await PointRulesStore.ensureYear(county: county, year: year, by: a.name, on: a.db)
        let (number, start) = try PointSettingsRules.newVersion(
            items: items, from: from, year: year, closed: settings?.closed,
            versions: versions.map { ($0.version, $0.effectiveFrom) }
        ).orThrow()
        let set = try await PointRulesStore.addVersion(
            county: county.id!, year: year, number: number, from: start, items: items, note: note, by: a.name,
            on: a.db)
        try await PointLedger.recompute(county: county, year: year, on: a.db)
        try await a.audit(
            .create, "point-rules", ref: county.code,
            summary: "\(county.shortName)\(year)年积分规则第\(set.version)版，\(set.effectiveFrom)起生效，\(items.count)个项目")
        return set
    }

    /// Closes the ledger through the end of `quarter`: its entries are brought up to date once more, then never
    /// change again.
    static func close(county: Organization, through quarter: Quarter, as a: Acting) async throws {
        let s = try await PointRulesStore.settings(county.id!, on: a.db)
        let end = quarter.lastDay.description
        let waiting = try await PointClaimsStore.pending(county: county, through: end, on: a.db)
        _ = try PointSettingsRules.close(
            quarter, today: a.today, county: county.shortName, enabled: s?.enabled == true,
            closedThrough: s?.closedThrough, waiting: waiting
        ).orThrow()
        guard let s else { return }
        try await PointLedger.recompute(county: county, year: quarter.year, on: a.db)
        s.closedThrough = end
        s.updatedBy = a.name
        try await s.save(on: a.db)
        try await a.audit(.update, "points", ref: county.code, summary: "\(county.shortName)积分结算至\(quarter.chinese)")
    }

    /// Recomputes a pilot county's year from the recorded facts (closed periods untouched).
    static func recompute(county: Organization, year: Int, as a: Acting) async throws -> PointLedger.Summary {
        guard try await PointRulesStore.isPilot(county.id!, on: a.db) else {
            throw AppError.conflict("\(county.shortName)未参加积分制管理试点")
        }
        let s = try await PointLedger.recompute(county: county, year: year, on: a.db)
        try await a.audit(.update, "points", ref: county.code, summary: "重算\(county.shortName)\(year)年积分")
        return s
    }
}
