import Fluent
import Foundation
import LiudongCore
import Vapor

/// The weekly quiz's staff side: the question bank and its import from .xlsx, and assembling a week's quiz from it
/// (the city, a county, a committee).
struct QuizPages {
    func boot(_ r: FeatureRoutes) throws {
        let m = r.signedIn(.manageLearning)
        let publish = r.signedIn(.publishLearning)
        m.get("learning", "questions", use: questions)
        m.get("learning", "questions", "template", use: template)
        publish.on(
            .POST, "learning", "questions", "import",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.scanLimit)), use: importQuestions)
        publish.get("learning", "quizzes", "new", use: newQuiz)
        publish.post("learning", "quizzes", use: createQuiz)
    }

    // MARK: Question bank

    struct BankView: Encodable {
        struct Row: Encodable {
            var id: String
            var type: String
            var stem: String
            var answer: String
            var source: String
        }
        var rows: [Row]
        var total: Int
        var result: QuizActions.ImportResult?
        var canImport: Bool
    }

    private func bank(_ req: Request, result: QuizActions.ImportResult?) async throws -> Response {
        let user = try req.user
        let (total, rows) = try await QuizStore.bank(latest: 200, on: req.db)
        return try await req.page(
            "learning/questions", title: "题库",
            BankView(
                rows: rows.map {
                    .init(
                        id: $0.id!.uuidString, type: $0.type.label, stem: $0.stem,
                        answer: $0.type == .trueFalse ? ($0.answer == "T" ? "正确" : "错误") : $0.answer, source: $0.source)
                }, total: total, result: result, canImport: CourseActions.canPublish(user)))
    }

    func questions(req: Request) async throws -> Response { try await bank(req, result: nil) }

    /// `GET /learning/questions/template`: the .xlsx to fill in.
    func template(req: Request) async throws -> Response {
        let path = try PrivateFiles.make(
            req.application, "exports", name: "question-template-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try QuizActions.writeTemplate(to: path)
        guard let data = FileManager.default.contents(atPath: path) else { throw AppError.notFound }
        let res = Response(status: .ok, body: .init(data: data))
        res.headers.contentType = HTTPMediaType(
            type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        res.headers.replaceOrAdd(
            name: HTTPHeaders.Name.contentDisposition,
            value:
                "attachment; filename=\"question-template.xlsx\"; filename*=UTF-8''%E9%A2%98%E5%BA%93%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        )
        return res
    }

    struct UploadForm: Content { var file: File? }

    func importQuestions(req: Request) async throws -> Response {
        let user = try req.user
        guard CourseActions.canPublish(user) else { throw AppError.forbidden }
        guard let file = try? req.content.decode(UploadForm.self).file, file.data.readableBytes > 0 else {
            return req.redirect(to: "/learning/questions", flash: "请选择题库文件（.xlsx）")
        }
        let path = try PrivateFiles.make(req.application, "tmp", name: "questions-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(buffer: file.data).write(to: URL(fileURLWithPath: path))
        do {
            let result = try await QuizActions.importFile(path: path, by: user, on: req.db)
            try await req.audit(
                .create, "quiz-question", summary: "导入题库：新增\(result.added)题，退回\(result.rejected.count)行")
            return try await bank(req, result: result)
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/learning/questions", flash: errors.first?.message ?? "文件无法读取")
        }
    }

    // MARK: Quizzes

    struct QuizForm: Encodable {
        struct Option: Encodable {
            var id: String
            var type: String
            var stem: String
            var checked: Bool
        }
        var week: String
        var title: String
        var options: [Option]
        var errors: [String: String]
    }

    func newQuiz(req: Request) async throws -> Response {
        guard CourseActions.canPublish(try req.user) else { throw AppError.forbidden }
        let next = AppClock.today.adding(days: 7)
        return try await quizForm(
            req, week: QuizRules.week(of: next), title: "每周一学（\(QuizRules.week(of: next))）", chosen: [], errors: [:]
        )
    }

    private func quizForm(
        _ req: Request, week: String, title: String, chosen: Set<String>, errors: [String: String],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let (_, rows) = try await QuizStore.bank(latest: 300, on: req.db)
        return try await req.page(
            "learning/quiz-new", title: "组一期每周一学",
            QuizForm(
                week: week, title: title,
                options: rows.map {
                    .init(
                        id: $0.id!.uuidString, type: $0.type.label, stem: $0.stem,
                        checked: chosen.contains($0.id!.uuidString))
                }, errors: errors), status: status)
    }

    func createQuiz(req: Request) async throws -> Response {
        let user = try req.user
        guard CourseActions.canPublish(user) else { throw AppError.forbidden }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let chosen = form.keys.filter { $0.hasPrefix("q_") }.compactMap { UUID(uuidString: String($0.dropFirst(2))) }
        // Keep the bank's order (newest first as listed) stable: sort by the question's creation.
        let ordered = try await QuizStore.inBankOrder(chosen, on: req.db)
        do {
            let quiz = try await QuizActions.assemble(
                week: form["week"], title: form["title"], questionIDs: ordered, publisherID: user.scopeID,
                by: user.username, on: req.db)
            try await req.audit(.create, "quiz", ref: quiz.id!.uuidString, summary: "发布每周一学\(quiz.week)：\(quiz.title)")
            return req.redirect(to: "/learning", flash: "已发布\(quiz.week)的每周一学（\(ordered.count)题）")
        } catch AppError.invalid(let errors) {
            return try await quizForm(
                req, week: form["week"] ?? "", title: form["title"] ?? "", chosen: Set(chosen.map(\.uuidString)),
                errors: errors.byField, status: .unprocessableEntity)
        }
    }
}
