import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The pilot counties, their settings and rule versions: every query of the rules sub-feature.
enum PointRulesStore {
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

    /// The county's settings (nil when it never joined the pilot).
    static func settings(_ county: Int, on db: Database) async throws -> PointCounty? {
        try await PointCounty.find(county, on: db)
    }

    /// The county's settings, or the defaults of a county not yet in the pilot (not stored).
    static func settingsOrDefault(_ county: Int, on db: Database) async throws -> PointCounty {
        try await PointCounty.find(county, on: db) ?? PointCounty(countyID: county)
    }

    static func isPilot(_ county: Int, on db: Database) async throws -> Bool {
        try await PointCounty.find(county, on: db)?.enabled == true
    }

    /// Every county in the pilot now.
    static func pilots(on db: Database) async throws -> [PointCounty] {
        try await PointCounty.query(on: db).filter(\.$enabled == true).all()
    }

    static func anyPilot(on db: Database) async throws -> Bool {
        try await PointCounty.query(on: db).filter(\.$enabled == true).count() > 0
    }

    /// The first pilot county under an organization above county level (the city).
    static func firstPilot(under org: Organization, on db: Database) async throws -> Organization? {
        let pilots = try await pilots(on: db).compactMap(\.id)
        return try await Organization.query(on: db).filter(\.$id ~~ pilots).sort(\.$code).all()
            .first { $0.path.hasPrefix(org.path) }
    }

    /// The member's county when it is in the pilot.
    static func pilotCounty(of member: Member, on db: Database) async throws -> Organization? {
        guard let branch = try await Organization.find(member.organizationID, on: db),
            let county = try await OrgTree.county(of: branch, on: db),
            try await isPilot(county.id!, on: db)
        else { return nil }
        return county
    }

    static func versions(county: Int, year: Int, on db: Database) async throws -> [PointRuleSet] {
        try await PointRuleSet.query(on: db).filter(\.$countyID == county).filter(\.$year == year)
            .sort(\.$version).all()
    }

    /// Items a member may claim on `day` (claim items of the version in effect).
    static func claimItems(county: Organization, on day: CalendarDate, db: Database) async throws -> [PointItem] {
        let versions = try await versions(county: county.id!, year: day.year, on: db).compactMap(\.rules)
        return PointEngine.version(on: day, in: versions)?.items.filter { $0.source == .claim } ?? []
    }

    /// The year's versions; when the county has none, the previous year's last version (or the product's default) is
    /// carried over from 1 January.
    static func ensureYear(county: Organization, year: Int, by username: String, on db: Database) async throws
        -> [PointRuleSet]
    {
        let existing = try await versions(county: county.id!, year: year, on: db)
        guard existing.isEmpty else { return existing }
        let last = try await versions(county: county.id!, year: year - 1, on: db).last
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

    static func addVersion(
        county: Int, year: Int, number: Int, from: CalendarDate, items: [PointItem], note: String?, by username: String,
        on db: Database
    ) async throws -> PointRuleSet {
        let set = PointRuleSet()
        set.countyID = county
        set.year = year
        set.version = number
        set.effectiveFrom = from.description
        set.itemsJSON = try PointRuleSet.encode(items)
        set.note = note.flatMap { Normalize.text($0) }.map { String($0.prefix(200)) }
        set.createdBy = username
        try await set.create(on: db)
        return set
    }
}

extension PointRulesStore {
    /// Joins or leaves the pilot; joining makes sure the year has rules.
    static func enable(_ county: Organization, _ on: Bool, year: Int, by username: String, db: Database) async throws {
        let s = try await settingsOrDefault(county.id!, on: db)
        s.enabled = on
        s.updatedBy = username
        try await s.save(on: db)
        if on { _ = try await ensureYear(county: county, year: year, by: username, on: db) }
    }
}
