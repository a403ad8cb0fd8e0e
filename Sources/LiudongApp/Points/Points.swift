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

/// How a county shows its published ranking to its members.
enum PublicForm: String, Codable, CaseIterable, Sendable {
    /// Every member with total and rank.
    case list
    /// Only the number of members in each band (and each member's own band).
    case bands

    var label: String { self == .list ? "公布完整名单" : "只公布各档次人数（党员本人看到自己的档次）" }
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

enum ClaimStatus: String, Codable, Sendable {
    case pending, approved, rejected
    var label: String {
        switch self {
        case .pending: return "待审核"
        case .approved: return "已通过"
        case .rejected: return "未通过"
        }
    }
}

/// A deed the member describes to earn a claim item's points (积分申报).
final class PointClaim: Model, @unchecked Sendable {
    static let schema = "point_claims"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "item_code") var itemCode: String
    @Field(key: "on_day") var onDay: String
    @Field(key: "description") var description: String
    /// The description folded (spaces and punctuation removed, lower case) and hashed: the same deed twice is refused.
    @Field(key: "text_key") var textKey: String
    @OptionalField(key: "photo_sha256") var photoSHA256: String?
    @OptionalField(key: "photo_type") var photoType: String?
    @Enum(key: "status") var status: ClaimStatus
    @OptionalField(key: "decision_reason") var decisionReason: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

enum AppealStatus: String, Codable, Sendable {
    case pending, upheld, rejected
    var label: String {
        switch self {
        case .pending: return "申诉处理中"
        case .upheld: return "申诉成立，已撤销"
        case .rejected: return "申诉未成立"
        }
    }
}

/// A member's appeal against one ledger entry (积分申诉).
final class PointAppeal: Model, @unchecked Sendable {
    static let schema = "point_appeals"

    @ID(key: .id) var id: UUID?
    @Field(key: "entry_id") var entryID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "reason") var reason: String
    @Enum(key: "status") var status: AppealStatus
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

enum TalkWay: String, Codable, CaseIterable, Sendable {
    case inPerson, phone, video
    var label: String {
        switch self {
        case .inPerson: return "当面谈话"
        case .phone: return "电话谈话"
        case .video: return "视频谈话"
        }
    }
}

/// The branch secretary's talk with a long-term low scorer (约谈提醒), a recorded 谈心谈话.
final class PointTalk: Model, @unchecked Sendable {
    static let schema = "point_talks"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "talked_on") var talkedOn: String
    @Enum(key: "way") var way: TalkWay
    @Field(key: "summary") var summary: String
    @Field(key: "steps") var steps: String
    /// The two quarters whose low scores led to the talk, e.g. `2026Q2,2026Q3`.
    @Field(key: "quarters") var quarters: String
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A county's year-end publication (评比晾晒): the ranking frozen in `point_snapshot`, shown in the chosen form.
final class PointPublication: Model, @unchecked Sendable {
    static let schema = "point_publications"

    @ID(key: .id) var id: UUID?
    @Field(key: "county_id") var countyID: Int
    @Field(key: "year") var year: Int
    @Enum(key: "public_form") var publicForm: PublicForm
    /// The band lines used (`PointBands` as JSON).
    @Field(key: "bands") var bandsJSON: String
    @Field(key: "members") var members: Int
    @Field(key: "published_by") var publishedBy: String
    @Timestamp(key: "published_at", on: .create, format: .clock) var publishedAt: Date?

    init() {}

    var bands: PointBands {
        (try? JSONDecoder().decode(PointBands.self, from: Data(bandsJSON.utf8))) ?? PointBands()
    }
}

/// Entry status as stored and as the API shows it.
enum EntryStatus: String, Codable, Sendable {
    case counted, capped, appealed, revoked
    var label: String {
        switch self {
        case .counted: return "已计分"
        case .capped: return "超出上限"
        case .appealed: return "申诉中"
        case .revoked: return "已撤销"
        }
    }
}

/// A value and its label, for a choice on a page (Leaf cannot index arrays).
struct Pair: Encodable, Sendable {
    var value: String
    var label: String
    init(_ value: String, _ label: String) {
        self.value = value
        self.label = label
    }
}
