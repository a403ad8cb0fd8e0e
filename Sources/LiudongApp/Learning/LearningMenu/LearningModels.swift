import Fluent
import LiudongCore
import Vapor

/// A course of the learning menu (菜单式点学), published by the city, a county or a committee for an audience of
/// organizations (their members and those below).
final class Course: Model, @unchecked Sendable {
    static let schema = "courses"

    @ID(key: .id) var id: UUID?
    @Field(key: "publisher_org_id") var publisherOrgID: Int
    @Enum(key: "kind") var kind: CourseKind
    @Field(key: "title") var title: String
    @Field(key: "source") var source: String
    @OptionalField(key: "url") var url: String?
    @OptionalField(key: "place") var place: String?
    @Field(key: "minutes") var minutes: Int
    @Field(key: "tags") var tags: String
    @Field(key: "available_from") var availableFrom: String
    @Field(key: "available_to") var availableTo: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    /// Courses of 30 minutes or more count as learnt only with a reflection of 50 characters or more.
    var needsReflection: Bool { minutes >= CourseRules.reflectionMinutes }
}

final class CourseCompletion: Model, @unchecked Sendable {
    static let schema = "course_completions"

    @ID(key: .id) var id: UUID?
    @Field(key: "course_id") var courseID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "opened_at") var openedAt: Date
    @OptionalField(key: "completed_on") var completedOn: String?
    @OptionalField(key: "reflection") var reflection: String?

    init() {}
}
