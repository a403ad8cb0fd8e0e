import Fluent
import LiudongCore
import Vapor

/// Which side a cadre paired with a mobile member belongs to.
enum PairingSide: String, Codable, CaseIterable, Sendable, Labelled {
    case outflow, inflow
    var label: String { self == .outflow ? "流出地" : "流入地" }
}

/// How a quarterly contact was made.
enum ContactMethod: String, Codable, CaseIterable, Sendable, Labelled {
    case phone, video, visit
    var label: String {
        switch self {
        case .phone: return "电话随访"
        case .video: return "视频约访"
        case .visit: return "上门走访"
        }
    }
}

/// The member's answer to a recorded contact: it happened, or it did not.
enum ContactAnswer: String, Codable, Sendable {
    case confirmed, denied
    var label: String { self == .confirmed ? "本人已确认" : "本人称未联系" }
}

/// A cadre (of either side) paired with one mobile member (结对).
final class Pairing: Model, @unchecked Sendable {
    static let schema = "pairings"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @OptionalField(key: "flow_id") var flowID: UUID?
    @Enum(key: "side") var side: PairingSide
    @Field(key: "cadre_name") var cadreName: String
    @Field(key: "cadre_post") var cadrePost: String
    @Field(key: "cadre_phone_enc") var cadrePhoneEnc: String
    /// Keyed hash of the phone: one cadre's load across pairings.
    @Field(key: "cadre_phone_hash") var cadrePhoneHash: String
    @Field(key: "cadre_phone_masked") var cadrePhoneMasked: String
    @Field(key: "cadre_org_id") var cadreOrgID: Int
    @OptionalField(key: "cadre_account_id") var cadreAccountID: UUID?
    @Field(key: "started_on") var startedOn: String
    @OptionalField(key: "ended_on") var endedOn: String?
    @OptionalField(key: "end_reason") var endReason: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// One contact with a paired member (联络): who, how, when, what was said, what the member needs.
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "pairing_id") var pairingID: UUID
    @Enum(key: "method") var method: ContactMethod
    @Field(key: "contact_on") var contactOn: String
    @Field(key: "summary") var summary: String
    @OptionalField(key: "needs") var needs: String?
    @OptionalField(key: "next_on") var nextOn: String?
    @Field(key: "entered_by") var enteredBy: String
    @OptionalEnum(key: "answer") var answer: ContactAnswer?
    @OptionalField(key: "answer_note") var answerNote: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A committee's hearing of the half-year contact report (每半年听取一次联络情况汇报).
final class ContactHearing: Model, @unchecked Sendable {
    static let schema = "contact_hearings"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "half") var half: String
    @Field(key: "held_on") var heldOn: String
    @Field(key: "chair") var chair: String
    @Field(key: "attendees") var attendees: String
    @Field(key: "conclusions") var conclusions: String
    @OptionalField(key: "follow_up") var followUp: String?
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A half-year: `2026H1` (January–June) or `2026H2` (July–December).
struct HalfYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    let year: Int
    let half: Int

    init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard t.count == 6, let y = Int(t.prefix(4)), (2000...2100).contains(y), t.dropFirst(4).first == "H",
            let h = Int(t.suffix(1)), h == 1 || h == 2
        else { return nil }
        year = y
        half = h
    }

    init(containing day: CalendarDate) {
        year = day.year
        half = day.month <= 6 ? 1 : 2
    }

    var description: String { "\(year)H\(half)" }
    var chinese: String { "\(year)年\(half == 1 ? "上" : "下")半年" }
    var quarters: [Quarter] { [Quarter(year: year, number: half * 2 - 1)!, Quarter(year: year, number: half * 2)!] }
    var firstDay: CalendarDate { quarters[0].firstDay }
    var lastDay: CalendarDate { quarters[1].lastDay }
    var previous: HalfYear { HalfYear(half == 2 ? "\(year)H1" : "\(year - 1)H2")! }

    static func < (a: HalfYear, b: HalfYear) -> Bool { (a.year, a.half) < (b.year, b.half) }
}
