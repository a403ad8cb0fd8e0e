import Fluent
import LiudongCore
import Vapor

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

    /// Whether the event's code is accepted now (`OrgLifeRules.codeOpen`).
    func codeOpen(at now: Date = AppClock.now) -> Bool {
        OrgLifeRules.codeOpen(startsAt: startsAt, endsAt: endsAt, now: now)
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
    /// Who approved the left-out absence and when.
    @OptionalField(key: "approval") var approval: String?
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
