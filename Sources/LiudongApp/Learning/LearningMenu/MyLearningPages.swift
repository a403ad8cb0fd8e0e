import Fluent
import LiudongCore
import Vapor

/// The member's own learning on the phone: the learning menu (点学) and the weekly quiz (每周一学).
struct MyLearningPages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "courses", use: courses)
        my.get("my", "courses", ":id", use: course)
        my.post("my", "courses", ":id", "complete", use: complete)
        my.get("my", "quiz", use: quiz)
        my.post("my", "quiz", use: answer)
    }

    // MARK: Courses

    func courses(req: Request) async throws -> Response {
        let me = try req.member
        let done = try await CourseActions.done(me.memberID, on: req.db)
        struct Row: Encodable {
            var id: String
            var title: String
            var kind: String
            var minutes: Int
            var source: String
            var done: Bool
        }
        let rows = try await CourseActions.menu(for: me.memberID, on: req.db).map {
            Row(
                id: $0.id!.uuidString, title: $0.title, kind: $0.kind.label, minutes: $0.minutes, source: $0.source,
                done: done[$0.id!]?.completedOn != nil)
        }
        struct View: Encodable {
            var rows: [Row]
            var done: Int
        }
        return try await req.myPage("my/courses", title: "菜单式点学", View(rows: rows, done: rows.filter(\.done).count))
    }

    struct CourseView: Encodable {
        var id: String
        var title: String
        var kind: String
        var source: String
        var url: String?
        var place: String?
        var minutes: Int
        var needsReflection: Bool
        var reflectionCharacters: Int
        var done: String?
        var reflection: String
        var error: String?
    }

    func course(req: Request) async throws -> Response {
        let me = try req.member
        let c = try await CourseActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let cc = try await CourseActions.open(c, memberID: me.memberID, on: req.db)
        return try await req.myPage(
            "my/course", title: c.title, view(c, cc, reflection: cc.reflection ?? "", error: nil))
    }

    private func view(_ c: Course, _ cc: CourseCompletion?, reflection: String, error: String?) -> CourseView {
        CourseView(
            id: c.id!.uuidString, title: c.title, kind: c.kind.label, source: c.source, url: c.url, place: c.place,
            minutes: c.minutes, needsReflection: c.needsReflection,
            reflectionCharacters: CourseRules.reflectionCharacters, done: cc?.completedOn, reflection: reflection,
            error: error)
    }

    func complete(req: Request) async throws -> Response {
        let me = try req.member
        let c = try await CourseActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let form = try req.content.decode(LearningAPI.CompleteBody.self)
        do {
            _ = try await CourseActions.complete(c, memberID: me.memberID, reflection: form.reflection, on: req.db)
            return req.redirect(to: "/my/courses", flash: "已完成学习：\(c.title)")
        } catch AppError.invalid(let errors) {
            return try await req.myPage(
                "my/course", title: c.title,
                view(c, nil, reflection: String((form.reflection ?? "").prefix(2000)), error: errors.first?.message),
                status: .unprocessableEntity)
        }
    }

    // MARK: Quiz

    struct QuizPage: Encodable {
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
        var title: String?
        var week: String?
        var questions: [Question]
        var score: Int?
        var total: Int?
        var error: String?
    }

    func quiz(req: Request) async throws -> Response {
        let me = try req.member
        return try await renderQuiz(req, me, error: nil)
    }

    private func renderQuiz(_ req: Request, _ me: CurrentMember, error: String?, status: HTTPResponseStatus = .ok)
        async throws -> Response
    {
        guard let q = try await QuizActions.current(for: me.memberID, on: req.db) else {
            return try await req.myPage(
                "my/quiz", title: "每周一学",
                QuizPage(title: nil, week: nil, questions: [], score: nil, total: nil, error: nil))
        }
        let marked = try await QuizActions.marked(q, memberID: me.memberID, on: req.db)
        let byID = Dictionary(uniqueKeysWithValues: (marked?.answers ?? []).map { ($0.questionId, $0) })
        let questions = try await QuizActions.questions(of: q, on: req.db).enumerated().map { i, question in
            let m = byID[question.id!]
            return QuizPage.Question(
                number: i + 1, id: question.id!.uuidString, type: question.type.rawValue,
                typeLabel: question.type.label, stem: question.stem,
                options: question.options.map {
                    .init(
                        key: $0.key, text: $0.text, chosen: m?.chosen.contains($0.key) ?? false,
                        right: m != nil && question.answer.contains($0.key))
                }, correct: m?.correct, explanation: m?.explanation)
        }
        return try await req.myPage(
            "my/quiz", title: "每周一学",
            QuizPage(
                title: q.title, week: q.week, questions: questions, score: marked?.score, total: marked?.total,
                error: error), status: status)
    }

    /// The form: `q_{id}` = key (single, true/false), `q_{id}_{key}` = on (multiple).
    func answer(req: Request) async throws -> Response {
        let me = try req.member
        guard let q = try await QuizActions.current(for: me.memberID, on: req.db) else { throw AppError.notFound }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
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
            return req.redirect(to: "/my/quiz#result", flash: "已提交，得分和解析见下方")
        } catch AppError.invalid(let errors) {
            return try await renderQuiz(
                req, me, error: errors.map(\.message).joined(separator: "；"), status: .unprocessableEntity)
        } catch AppError.conflict(let message) {
            return req.redirect(to: "/my/quiz", flash: message)
        }
    }
}
