import Fluent
import LiudongCore
import Vapor

/// The weekly quiz for members (`/api/v1/my/quiz…`).
struct QuizAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("api", "v1", "my", "quiz", use: quiz)
        r.member.get("api", "v1", "my", "quizzes", use: quizzes)
        r.member.post("api", "v1", "my", "quiz", "answers", use: answers)
    }

    struct QuizView: Content {
        struct Question: Content {
            var id: UUID
            var type: String
            var stem: String
            var options: [QuestionOption]
        }
        var id: UUID
        var week: String
        var title: String
        var answered: Bool
        var questions: [Question]
    }

    struct Listed: Content {
        var id: UUID
        var week: String
        var title: String
        var publisher: String
        var answered: Bool
        var score: Int?
        var total: Int?
    }

    /// `GET /api/v1/my/quizzes`: every quiz open this week at the member's levels, the highest first.
    func quizzes(req: Request) async throws -> LearningAPI.Items<Listed> {
        let me = try req.member
        let all = try await QuizActions.open(for: me.memberID, on: req.db)
        let publishers = try await OrgTree.byID(all.map(\.publisherOrgID), on: req.db)
        var items: [Listed] = []
        for q in all {
            let a = try await QuizStore.answer(to: q.requireID(), by: me.memberID, on: req.db)
            items.append(
                Listed(
                    id: q.id!, week: q.week, title: q.title, publisher: publishers[q.publisherOrgID]?.shortName ?? "",
                    answered: a != nil, score: a?.score, total: a?.total))
        }
        return .init(items: items)
    }

    /// `GET /api/v1/my/quiz[?id=]`: this week's quiz — the one named, else the first not yet answered, else the
    /// first (404 when none is open).
    func quiz(req: Request) async throws -> QuizView {
        let me = try req.member
        let id = (try? req.query.get(String.self, at: "id")).flatMap(UUID.init(uuidString:))
        guard let q = try await QuizActions.current(for: me.memberID, id: id, on: req.db) else {
            throw AppError.notFound
        }
        let answered = try await QuizStore.answer(to: q.requireID(), by: me.memberID, on: req.db) != nil
        return QuizView(
            id: q.id!, week: q.week, title: q.title, answered: answered,
            questions: try await QuizActions.questions(of: q, on: req.db).map {
                .init(id: $0.id!, type: $0.type.rawValue, stem: $0.stem, options: $0.options)
            })
    }

    struct MarkedOut: Content {
        struct Answer: Content {
            var questionId: UUID
            var correct: Bool
            var explanation: String
        }
        var score: Int
        var total: Int
        var answers: [Answer]
    }

    /// `POST /api/v1/my/quiz/answers` → the score and explanations (409 for a second submission).
    func answers(req: Request) async throws -> MarkedOut {
        let me = try req.member
        let body = try req.content.decode(QuizActions.Submitted.self)
        let id = body.quizId.flatMap(UUID.init(uuidString:))
        guard let q = try await QuizActions.current(for: me.memberID, id: id, on: req.db) else {
            throw AppError.notFound
        }
        let m = try await QuizActions.answer(q, body, memberID: me.memberID, on: req.db)
        return MarkedOut(
            score: m.score, total: m.total,
            answers: m.answers.map {
                .init(questionId: $0.questionId, correct: $0.correct, explanation: $0.explanation)
            })
    }
}
