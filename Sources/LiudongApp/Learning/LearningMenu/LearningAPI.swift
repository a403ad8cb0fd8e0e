import Fluent
import LiudongCore
import Vapor

/// The learning API for members (`/api/v1/my/…`): the learning menu and the weekly quiz.
struct LearningAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("api", "v1", "my", "courses", use: courses)
        r.member.post("api", "v1", "my", "courses", ":id", "complete", use: complete)
        r.member.get("api", "v1", "my", "quiz", use: quiz)
        r.member.post("api", "v1", "my", "quiz", "answers", use: answers)
    }

    struct Items<T: Content>: Content { var items: [T] }

    func courses(req: Request) async throws -> Items<CourseActions.MyCourse> {
        let me = try req.member
        let done = try await CourseActions.done(me.memberID, on: req.db)
        return Items(
            items: try await CourseActions.menu(for: me.memberID, on: req.db).map {
                CourseActions.MyCourse(
                    id: $0.id!, title: $0.title, kind: $0.kind.rawValue, minutes: $0.minutes,
                    done: done[$0.id!]?.completedOn != nil)
            })
    }

    struct CompleteBody: Content { var reflection: String? }
    struct Completed: Content {
        var id: UUID
        var done: Bool
        var completedOn: String
    }

    /// `POST /api/v1/my/courses/{id}/complete` `{"reflection"?}`.
    func complete(req: Request) async throws -> Response {
        let me = try req.member
        let c = try await CourseActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let body = (try? req.content.decode(CompleteBody.self)) ?? CompleteBody()
        let cc = try await CourseActions.complete(c, memberID: me.memberID, reflection: body.reflection, on: req.db)
        let res = Response(status: .created)
        try res.content.encode(Completed(id: c.id!, done: true, completedOn: cc.completedOn ?? ""), as: .json)
        return res
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

    /// `GET /api/v1/my/quiz`: this week's quiz (404 when none is open).
    func quiz(req: Request) async throws -> QuizView {
        let me = try req.member
        guard let q = try await QuizActions.current(for: me.memberID, on: req.db) else { throw AppError.notFound }
        let answered = try await LearningStore.answer(to: q.requireID(), by: me.memberID, on: req.db) != nil
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
        guard let q = try await QuizActions.current(for: me.memberID, on: req.db) else { throw AppError.notFound }
        let body = try req.content.decode(QuizActions.Submitted.self)
        let m = try await QuizActions.answer(q, body, memberID: me.memberID, on: req.db)
        return MarkedOut(
            score: m.score, total: m.total,
            answers: m.answers.map {
                .init(questionId: $0.questionId, correct: $0.correct, explanation: $0.explanation)
            })
    }
}
