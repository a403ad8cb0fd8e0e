import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of the weekly quiz: the quizzes an organization sees with its members' answers, the question bank, a
/// member's answer.
enum QuizStore {
    /// The latest 12 quizzes published above or within an organization, with its members' answers and average.
    static func quizzes(visibleFrom org: Organization, on sql: SQLDatabase) async throws -> [QuizListRow] {
        try await sql.raw(
            """
            SELECT z.week, z.title, o.short_name,
              (SELECT COUNT(*) FROM quiz_items i WHERE i.quiz_id = z.id) AS questions,
              (SELECT COUNT(*) FROM quiz_answers a JOIN members m ON m.id = a.member_id
                 JOIN organizations b ON b.id = m.organization_id
               WHERE a.quiz_id = z.id AND \(PathPrefix("b.path", org.path))) AS answered,
              (SELECT CAST(AVG(100.0 * a.score / a.total) AS DOUBLE PRECISION) FROM quiz_answers a JOIN members m ON m.id = a.member_id
                 JOIN organizations b ON b.id = m.organization_id
               WHERE a.quiz_id = z.id AND a.total > 0 AND \(PathPrefix("b.path", org.path))) AS average
            FROM quizzes z JOIN organizations o ON o.id = z.publisher_org_id
            WHERE z.publisher_org_id IN \(SQLBind.group(org.pathIDs)) OR \(PathPrefix("o.path", org.path))
            ORDER BY z.week DESC LIMIT 12
            """
        ).all(decoding: QuizListRow.self)
    }

    /// The bank's size and its latest questions.
    static func bank(latest: Int, on db: Database) async throws -> (total: Int, rows: [QuizQuestion]) {
        let total = try await QuizQuestion.query(on: db).count()
        let rows = try await QuizQuestion.query(on: db).sort(\.$createdAt, .descending).range(0..<latest).all()
        return (total, rows)
    }

    /// The chosen questions that exist, in the bank's order (by when each was added).
    static func inBankOrder(_ chosen: [UUID], on db: Database) async throws -> [UUID] {
        try await QuizQuestion.query(on: db).filter(\.$id ~~ chosen).sort(\.$createdAt).all().compactMap(\.id)
    }

    /// The quizzes among `ids` the member has answered.
    static func answered(_ ids: Set<UUID>, by member: UUID, on db: Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(
            try await QuizAnswer.query(on: db).filter(\.$memberID == member).filter(\.$quizID ~~ Array(ids)).all()
                .map(\.quizID))
    }

    /// A member's answer to a quiz, if any.
    static func answer(to quiz: UUID, by member: UUID, on db: Database) async throws -> QuizAnswer? {
        try await QuizAnswer.query(on: db).filter(\.$quizID == quiz).filter(\.$memberID == member).first()
    }
}

/// A quiz as the organization's list reads it.
struct QuizListRow: Decodable {
    var week: String
    var title: String
    var shortName: String
    var questions: Int
    var answered: Int
    var average: Double?

    enum CodingKeys: String, CodingKey {
        case week, title, questions, answered, average
        case shortName = "short_name"
    }
}
