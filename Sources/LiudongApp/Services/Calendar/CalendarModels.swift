import Fluent
import Foundation
import LiudongCore
import Vapor

/// A day the city's working-day calendar sets apart from the weekday rule: a holiday on a weekday, or a weekend day
/// worked (调休上班).
final class WorkCalendarDay: Model, @unchecked Sendable {
    static let schema = "work_calendar_days"

    @ID(custom: "day", generatedBy: .user) var id: String?
    @Field(key: "kind") var kind: CalendarDayKind
    @Field(key: "name") var name: String
    @Field(key: "updated_by") var updatedBy: String
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}
}

/// The city's deadlines for requests (one row, id 1).
final class ServiceSettings: Model, @unchecked Sendable {
    static let schema = "service_settings"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "acknowledge_days") var acknowledgeDays: Int
    @Field(key: "answer_days") var answerDays: Int
    @Field(key: "reopen_days") var reopenDays: Int
    @Field(key: "auto_close_days") var autoCloseDays: Int
    @OptionalField(key: "updated_by") var updatedBy: String?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    var deadlines: ServiceDeadlines {
        ServiceDeadlines(
            acknowledgeDays: acknowledgeDays, answerDays: answerDays, reopenDays: reopenDays,
            autoCloseDays: autoCloseDays)
    }
}

/// An organization with a service role: a legal service station (法律服务站) serving an area (a division code prefix:
/// a county, a city, a district where many members work).
final class ServiceStation: Model, @unchecked Sendable {
    static let schema = "service_stations"

    @ID(custom: "org_id", generatedBy: .user) var id: Int?
    @Field(key: "role") var purpose: StationRole
    @Field(key: "area_code") var areaCode: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
