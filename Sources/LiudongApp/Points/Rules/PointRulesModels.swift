import Fluent
import Foundation
import LiudongCore
import Vapor

/// A county's part in the points pilot (积分制管理试点) and its choices: the public form of the year-end ranking,
/// the band lines, the quarterly low-score line, and the day through which the ledger is closed.
final class PointCounty: Model, @unchecked Sendable {
    static let schema = "point_counties"

    @ID(custom: "county_id", generatedBy: .user) var id: Int?
    @Field(key: "enabled") var enabled: Bool
    @Enum(key: "public_form") var publicForm: PublicForm
    @Field(key: "top_percent") var topPercent: Int
    @Field(key: "good_at") var goodAt: Int
    @Field(key: "pass_at") var passAt: Int
    /// A member earning fewer points than this in a quarter is low that quarter.
    @Field(key: "low_quarter_below") var lowQuarterBelow: Int
    /// Entries on or before this day never change again (quarters closed, a published year).
    @OptionalField(key: "closed_through") var closedThrough: String?
    @OptionalField(key: "recomputed_at") var recomputedAt: Date?
    @OptionalField(key: "updated_by") var updatedBy: String?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    init(countyID: Int) {
        self.id = countyID
        self.enabled = false
        self.publicForm = .bands
        self.topPercent = 10
        self.goodAt = 60
        self.passAt = 30
        self.lowQuarterBelow = 5
    }

    var bands: PointBands { PointBands(topPercent: topPercent, goodAt: goodAt, passAt: passAt) }
    var closed: CalendarDate? { closedThrough.flatMap { CalendarDate($0) } }
}

/// One version of a county's rules for a year.
final class PointRuleSet: Model, @unchecked Sendable {
    static let schema = "point_rule_sets"

    @ID(key: .id) var id: UUID?
    @Field(key: "county_id") var countyID: Int
    @Field(key: "year") var year: Int
    @Field(key: "version") var version: Int
    @Field(key: "effective_from") var effectiveFrom: String
    /// The items as JSON (`[PointItem]`).
    @Field(key: "items") var itemsJSON: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    var items: [PointItem] { (try? JSONDecoder().decode([PointItem].self, from: Data(itemsJSON.utf8))) ?? [] }

    var rules: PointRuleVersion? {
        CalendarDate(effectiveFrom).map { PointRuleVersion(version: version, effectiveFrom: $0, items: items) }
    }

    static func encode(_ items: [PointItem]) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(items), as: UTF8.self)
    }
}
