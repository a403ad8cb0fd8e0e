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

/// A question of the bank: options stored as JSON, the answer as the sorted keys ("AC", "T").
final class QuizQuestion: Model, @unchecked Sendable {
    static let schema = "quiz_questions"

    @ID(key: .id) var id: UUID?
    @Enum(key: "type") var type: QuestionType
    @Field(key: "stem") var stem: String
    @Field(key: "options") var optionsJSON: String
    @Field(key: "answer") var answer: String
    @Field(key: "source") var source: String
    @Field(key: "explanation") var explanation: String
    @Field(key: "publisher_org_id") var publisherOrgID: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    var options: [QuestionOption] {
        (try? JSONDecoder().decode([QuestionOption].self, from: Data(optionsJSON.utf8))) ?? []
    }

}

/// A week's quiz (每周一学): questions in order, open Monday to Sunday.
final class Quiz: Model, @unchecked Sendable {
    static let schema = "quizzes"

    @ID(key: .id) var id: UUID?
    @Field(key: "publisher_org_id") var publisherOrgID: Int
    @Field(key: "week") var week: String
    @Field(key: "title") var title: String
    @Field(key: "opens_on") var opensOn: String
    @Field(key: "closes_on") var closesOn: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

final class QuizAnswer: Model, @unchecked Sendable {
    static let schema = "quiz_answers"

    @ID(key: .id) var id: UUID?
    @Field(key: "quiz_id") var quizID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "score") var score: Int
    @Field(key: "total") var total: Int
    @Field(key: "choices") var choices: String
    @Field(key: "answered_at") var answeredAt: Date

    init() {}
}
