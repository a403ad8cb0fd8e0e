import Fluent
import LiudongCore
import Vapor

/// The kinds of organizational life (组织生活) the party's rules name.
enum OrgLifeKind: String, Codable, Sendable, CaseIterable, Labelled {
    case memberMeeting, committeeMeeting, groupMeeting, partyClass, themeDay, lifeMeeting, appraisal, talk

    var label: String {
        switch self {
        case .memberMeeting: return "支部党员大会"
        case .committeeMeeting: return "支委会"
        case .groupMeeting: return "党小组会"
        case .partyClass: return "党课"
        case .themeDay: return "主题党日"
        case .lifeMeeting: return "组织生活会"
        case .appraisal: return "民主评议党员"
        case .talk: return "座谈授课"
        }
    }
}

/// How often a requirement counts: per month, quarter or year.
enum OrgLifePeriod: String, Codable, Sendable, CaseIterable {
    case month, quarter, year

    var label: String {
        switch self {
        case .month: return "每月"
        case .quarter: return "每季度"
        case .year: return "每年"
        }
    }
}

enum AttendanceStatus: String, Codable, Sendable, CaseIterable {
    case present, excused, absent

    var label: String {
        switch self {
        case .present: return "出席"
        case .excused: return "请假"
        case .absent: return "缺席"
        }
    }
}

/// How an attendance was recorded: by the organization, by the member entering the event's code, or by the
/// organization scanning the member's activity certificate.
enum AttendanceVia: String, Codable, Sendable {
    case staff, code, certificate

    var label: String {
        switch self {
        case .staff: return "组织登记"
        case .code: return "本人签到码"
        case .certificate: return "扫活动证"
        }
    }
}

/// One event of organizational life of an organization (a branch, committee, mobile or inflow organization).
/// Times are Beijing time, `yyyy-MM-ddTHH:mm`; `held_on` is the day, for the compliance counts.
final class OrgLifeEvent: Model, @unchecked Sendable {
    static let schema = "org_life_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Enum(key: "kind") var kind: OrgLifeKind
    @Field(key: "held_on") var heldOn: String
    @Field(key: "starts_at") var startsAt: String
    @Field(key: "ends_at") var endsAt: String
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "online_url") var onlineURL: String?
    @Field(key: "topic") var topic: String
    @OptionalField(key: "host") var host: String?
    @OptionalField(key: "recorder") var recorder: String?
    @OptionalField(key: "minutes") var minutes: String?
    @OptionalField(key: "decisions") var decisions: String?
    @Field(key: "check_in_code") var checkInCode: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    /// The event's code is accepted from an hour before it starts until two hours after it ends.
    func codeOpen(at now: Date = AppClock.now) -> Bool {
        guard let start = OrgLifeTime.parse(startsAt), let end = OrgLifeTime.parse(endsAt) else { return false }
        return start.addingTimeInterval(-3600) <= now && now <= end.addingTimeInterval(7200)
    }

    var whereText: String { place ?? onlineURL.map { "线上：\($0)" } ?? "" }
}

final class OrgLifeAttendance: Model, @unchecked Sendable {
    static let schema = "org_life_attendance"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "status") var status: AttendanceStatus
    @OptionalField(key: "reason") var reason: String?
    /// Where the member took part (a place, "线上", another organization), when not at the event's own place.
    @OptionalField(key: "attended_at") var attendedAt: String?
    /// Excused with the higher organization's consent (a mobile member who applied): left out of 应到.
    @Field(key: "not_counted") var notCounted: Bool
    @Enum(key: "via") var via: AttendanceVia
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "recorded_at", on: .update, format: .clock) var recordedAt: Date?

    init() {}
}

final class OrgLifeAttachment: Model, @unchecked Sendable {
    static let schema = "org_life_attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "name") var name: String
    @Field(key: "file_type") var fileType: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A required frequency (the settings table): at least `minimum` events of `kind` per `period`.
final class OrgLifeRequirement: Model, @unchecked Sendable {
    static let schema = "org_life_requirements"

    @ID(custom: "kind", generatedBy: .user) var id: String?
    @Enum(key: "period") var period: OrgLifePeriod
    @Field(key: "minimum") var minimum: Int
    @OptionalField(key: "updated_by") var updatedBy: String?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    var kind: OrgLifeKind? { id.flatMap(OrgLifeKind.init(rawValue:)) }
}

/// Beijing-time `yyyy-MM-ddTHH:mm` strings.
enum OrgLifeTime {
    private static func formatter(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = CalendarDate.shanghai
        f.dateFormat = format
        return f
    }

    /// Accepts `2026-12-01T19:30`, with seconds, with a space instead of `T`, or a full ISO 8601 time with its zone.
    static func parse(_ raw: String?) -> Date? {
        guard let s = Normalize.text(raw), s.count <= 40 else { return nil }
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"] {
            if let d = formatter(format).date(from: s) { return d }
        }
        let iso = ISO8601DateFormatter()
        if let d = iso.date(from: s) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: s)
    }

    static func text(_ date: Date) -> String { formatter("yyyy-MM-dd'T'HH:mm").string(from: date) }

    /// `2026年12月1日 19:30` for pages.
    static func chinese(_ stored: String) -> String {
        guard let d = parse(stored) else { return stored }
        let day = CalendarDate(date: d)
        return "\(day.chinese) \(formatter("HH:mm").string(from: d))"
    }
}
