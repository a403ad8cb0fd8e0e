import Fluent
import LiudongCore
import Vapor

/// 每周一学 on the member's phone: the week's quizzes, each answered once, then the score and explanations.
struct MyQuizPages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "quiz", use: quiz)
        my.post("my", "quiz", use: answer)
    }

    struct QuizCard: Encodable {
        struct Option: Encodable {
            var key: String
            var text: String
            var chosen: Bool
            var right: Bool
        }
        struct Question: Encodable {
            var number: Int
            var id: String
            var type: String
            var typeLabel: String
            var stem: String
            var options: [Option]
            var correct: Bool?
            var explanation: String?
        }
        var id: String
        var publisher: String
        var title: String
        var week: String
        var questions: [Question]
        var score: Int?
        var total: Int?
        var error: String?
    }

    struct QuizPage: Encodable {
        var quizzes: [QuizCard]
        var open: Int
    }

    func quiz(req: Request) async throws -> Response {
        let me = try req.member
        return try await renderQuiz(req, me, error: nil)
    }

    /// Every quiz of the week at the member's levels, the highest first: a form for each not yet answered, the score
    /// and explanations for each answered.
    private func renderQuiz(
        _ req: Request, _ me: CurrentMember, error: (quiz: UUID, message: String)?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let quizzes = try await QuizActions.open(for: me.memberID, on: req.db)
        let publishers = try await OrgTree.byID(quizzes.map(\.publisherOrgID), on: req.db)
        var cards: [QuizCard] = []
        for q in quizzes {
            let marked = try await QuizActions.marked(q, memberID: me.memberID, on: req.db)
            let byID = Dictionary(uniqueKeysWithValues: (marked?.answers ?? []).map { ($0.questionId, $0) })
            let questions = try await QuizActions.questions(of: q, on: req.db).enumerated().map { i, question in
                let m = byID[question.id!]
                return QuizCard.Question(
                    number: i + 1, id: question.id!.uuidString, type: question.type.rawValue,
                    typeLabel: question.type.label, stem: question.stem,
                    options: question.options.map {
                        .init(
                            key: $0.key, text: $0.text, chosen: m?.chosen.contains($0.key) ?? false,
                            right: m != nil && question.answer.contains($0.key))
                    }, correct: m?.correct, explanation: m?.explanation)
            }
            cards.append(
                QuizCard(
                    id: q.id!.uuidString, publisher: publishers[q.publisherOrgID]?.shortName ?? "", title: q.title,
                    week: q.week, questions: questions, score: marked?.score, total: marked?.total,
                    error: error?.quiz == q.id ? error?.message : nil))
        }
        return try await req.myPage(
            "my/quiz", title: "每周一学",
            QuizPage(quizzes: cards, open: cards.filter { $0.score == nil }.count), status: status)
    }

    /// The form: `quiz` = the quiz's id (else the first not answered), `q_{id}` = key (single, true/false),
    /// `q_{id}_{key}` = on (multiple).
    func answer(req: Request) async throws -> Response {
        let me = try req.member
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let named = form["quiz"].flatMap { UUID(uuidString: $0) }
        guard let q = try await QuizActions.current(for: me.memberID, id: named, on: req.db) else {
            throw AppError.notFound
        }
        var answers: [QuizActions.Submitted.Answer] = []
        for question in try await QuizActions.questions(of: q, on: req.db) {
            let id = question.id!.uuidString
            var choices: [String] = []
            if let one = form["q_\(id)"] { choices.append(one) }
            for o in question.options where form["q_\(id)_\(o.key)"] != nil { choices.append(o.key) }
            answers.append(.init(questionId: id, choices: choices))
        }
        do {
            _ = try await QuizActions.answer(q, .init(answers: answers), memberID: me.memberID, on: req.db)
            return req.redirect(to: "/my/quiz#quiz-\(q.id!.uuidString)", flash: "已提交，得分和解析见下方")
        } catch AppError.invalid(let errors) {
            return try await renderQuiz(
                req, me, error: (q.id!, errors.map(\.message).joined(separator: "；")), status: .unprocessableEntity)
        } catch AppError.conflict(let message) {
            return req.redirect(to: "/my/quiz", flash: message)
        }
    }
}
