import Fluent
import LiudongCore
import SQLKit
import Vapor

/// `/learning`: the menu a level publishes, learning statistics per organization, the question bank with its
/// .xlsx import, and the weekly quizzes with their participation.
struct LearningPages {
    func boot(_ r: FeatureRoutes) throws {
        let m = r.signedIn(.manageLearning)
        m.get("learning", use: index)
        let publish = r.signedIn(.publishLearning)
        publish.post("learning", "courses", use: createCourse)
        m.get("learning", "questions", use: questions)
        m.get("learning", "questions", "template", use: template)
        publish.on(
            .POST, "learning", "questions", "import",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.scanLimit)), use: importQuestions)
        publish.get("learning", "quizzes", "new", use: newQuiz)
        publish.post("learning", "quizzes", use: createQuiz)
    }

    struct StatRow: Encodable {
        var code: String
        var name: String
        var members: Int
        var learners: Int
        var completions: Int
        var quizMembers: Int
        var quizAverage: String
    }

    /// Per child organization this year: members, members who learnt a course, courses learnt, members who took
    /// the weekly quiz and their average score. Only completions count, never time.
    static func stats(for org: Organization, year: Int, on db: Database) async throws -> [StatRow] {
        let sql = try db.sql()
        let from = "\(year)-01-01"
        let to = "\(year)-12-31"
        struct Row: Decodable {
            var org_id: Int
            var members: Int
            var learners: Int?
            var completions: Int?
            var quiz_members: Int?
            var quiz_score: Double?
        }
        let rows = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS members,
              SUM(CASE WHEN c.n > 0 THEN 1 ELSE 0 END) AS learners, CAST(SUM(c.n) AS INTEGER) AS completions,
              SUM(CASE WHEN q.n > 0 THEN 1 ELSE 0 END) AS quiz_members, CAST(SUM(q.pct) AS DOUBLE PRECISION) AS quiz_score
            FROM organizations o JOIN members m ON m.organization_id = o.id
            LEFT JOIN (SELECT member_id, COUNT(*) AS n FROM course_completions
                       WHERE completed_on >= \(bind: from) AND completed_on <= \(bind: to) GROUP BY member_id) c
              ON c.member_id = m.id
            LEFT JOIN (SELECT a.member_id, COUNT(*) AS n, AVG(100.0 * a.score / a.total) AS pct FROM quiz_answers a
                       JOIN quizzes z ON z.id = a.quiz_id
                       WHERE z.opens_on >= \(bind: from) AND z.opens_on <= \(bind: to) AND a.total > 0
                       GROUP BY a.member_id) q
              ON q.member_id = m.id
            WHERE \(PathPrefix("o.path", org.path))
            GROUP BY m.organization_id
            """
        ).all(decoding: Row.self)
        let children = try await Organization.query(on: db).filter(\.$parentID == org.id!).filter(\.$closedAt == nil)
            .filter(\.$kind == .regular).sort(\.$sortOrder).sort(\.$code).all()
        let groups = org.level == .branch || children.isEmpty ? [org] : children
        var paths: [Int: String] = [:]
        let ids = rows.map(\.org_id)
        for chunk in ids.chunked(500) {
            for o in try await Organization.query(on: db).filter(\.$id ~~ Array(chunk)).all() { paths[o.id!] = o.path }
        }
        return groups.map { g in
            let mine = rows.filter { paths[$0.org_id]?.hasPrefix(g.path) == true }
            let quizMembers = mine.reduce(0) { $0 + ($1.quiz_members ?? 0) }
            let score = mine.reduce(0.0) { $0 + ($1.quiz_score ?? 0) }
            return StatRow(
                code: g.code, name: g.shortName, members: mine.reduce(0) { $0 + $1.members },
                learners: mine.reduce(0) { $0 + ($1.learners ?? 0) },
                completions: mine.reduce(0) { $0 + ($1.completions ?? 0) }, quizMembers: quizMembers,
                quizAverage: quizMembers > 0 ? String(format: "%.1f", score / Double(quizMembers)) : "—")
        }
    }

    struct CourseRow: Encodable {
        var title: String
        var kind: String
        var minutes: Int
        var publisher: String
        var available: String
        var done: Int
    }
    struct QuizRow: Encodable {
        var week: String
        var title: String
        var publisher: String
        var questions: Int
        var answered: Int
        var average: String
    }

    func index(req: Request) async throws -> Response {
        try await render(req, form: CourseActions.Input(kind: "article", minutes: "15"), errors: [:])
    }

    private func render(
        _ req: Request, form: CourseActions.Input, errors: [String: String], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        let sql = try req.db.sql()
        let ancestors = org.pathIDs
        struct C: Decodable {
            var title: String
            var kind: String
            var minutes: Int
            var short_name: String
            var available_from: String
            var available_to: String
            var done: Int
        }
        let courses = try await sql.raw(
            """
            SELECT c.title, c.kind, c.minutes, o.short_name, c.available_from, c.available_to,
              (SELECT COUNT(*) FROM course_completions cc WHERE cc.course_id = c.id AND cc.completed_on IS NOT NULL) AS done
            FROM courses c JOIN organizations o ON o.id = c.publisher_org_id
            WHERE c.publisher_org_id IN \(SQLBind.group(ancestors)) OR \(PathPrefix("o.path", org.path))
            ORDER BY c.available_from DESC, c.title LIMIT 60
            """
        ).all(decoding: C.self)
        struct Q: Decodable {
            var week: String
            var title: String
            var short_name: String
            var questions: Int
            var answered: Int
            var average: Double?
        }
        let quizzes = try await sql.raw(
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
            WHERE z.publisher_org_id IN \(SQLBind.group(ancestors)) OR \(PathPrefix("o.path", org.path))
            ORDER BY z.week DESC LIMIT 12
            """
        ).all(decoding: Q.self)
        struct View: Encodable {
            var code: String
            var name: String
            var year: Int
            var stats: [StatRow]
            var courses: [CourseRow]
            var quizzes: [QuizRow]
            var canPublish: Bool
            var form: CourseActions.Input
            var kinds: [SelectOption]
            var errors: [String: String]
        }
        let year = AppClock.today.year
        return try await req.page(
            "learning/index", title: "学习教育",
            View(
                code: org.code, name: org.name, year: year,
                stats: try await Self.stats(for: org, year: year, on: req.db),
                courses: courses.map {
                    CourseRow(
                        title: $0.title, kind: CourseKind(rawValue: $0.kind)?.label ?? $0.kind, minutes: $0.minutes,
                        publisher: $0.short_name, available: "\($0.available_from) 至 \($0.available_to)", done: $0.done)
                },
                quizzes: quizzes.map {
                    QuizRow(
                        week: $0.week, title: $0.title, publisher: $0.short_name, questions: $0.questions,
                        answered: $0.answered, average: $0.average.map { String(format: "%.1f", $0) } ?? "—")
                }, canPublish: CourseActions.canPublish(user) && org.id == user.scopeID, form: form,
                kinds: CourseKind.allCases.map {
                    SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.kind)
                }, errors: errors), status: status)
    }

    func createCourse(req: Request) async throws -> Response {
        let input = try req.content.decode(CourseActions.Input.self)
        do {
            let c = try await CourseActions.create(input, by: try req.user, on: req.db)
            try await req.audit(.create, "course", ref: c.id!.uuidString, summary: "发布学习课程：\(c.title)")
            return req.redirect(to: "/learning", flash: "已发布：\(c.title)")
        } catch AppError.invalid(let errors) {
            return try await render(req, form: input, errors: errors.byField, status: .unprocessableEntity)
        }
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
        let total = try await QuizQuestion.query(on: req.db).count()
        let rows = try await QuizQuestion.query(on: req.db).sort(\.$createdAt, .descending).range(0..<200).all()
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
        let rows = try await QuizQuestion.query(on: req.db).sort(\.$createdAt, .descending).range(0..<300).all()
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
        let ordered = try await QuizQuestion.query(on: req.db).filter(\.$id ~~ chosen).sort(\.$createdAt).all()
            .compactMap(\.id)
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
