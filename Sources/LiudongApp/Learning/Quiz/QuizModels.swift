import Fluent
import Foundation
import LiudongCore
import Vapor

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
