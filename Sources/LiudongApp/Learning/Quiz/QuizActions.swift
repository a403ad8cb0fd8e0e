import Fluent
import LiudongCore
import SQLKit
import Vapor

/// 每周一学: the question bank, its .xlsx import with a reason per rejected row, the week's quiz, one answer each.
enum QuizActions {
    static let importLimits: ReadLimits = {
        var l = ReadLimits()
        l.entryBytes = 64 << 20
        l.totalBytes = 128 << 20
        l.sharedStrings = 200_000
        l.sharedStringBytes = 32 << 20
        return l
    }()
    static let maxRows = 5000

    struct ImportResult: Encodable, Sendable {
        var added: Int
        var rejected: [QuizRules.Rejected]
    }

    /// Imports a bank file (.xlsx, or CSV) by its header row; duplicates of the bank or of earlier rows are refused.
    static func importFile(path: String, by user: CurrentUser, on db: Database) async throws -> ImportResult {
        struct Parsed: Sendable {
            var header: [Int: String] = [:]
            var rows: [Row] = []
            var tooMany = false
        }
        struct Row: Sendable {
            var n: Int
            var fields: [String: String]
        }
        let parsed: Parsed
        do {
            parsed = try await OffLoop.run("quiz-import") {
                var p = Parsed()
                try TableReader.rows(path: path, limits: importLimits) { n, cells in
                    if p.header.isEmpty {
                        p.header = QuizRules.header(cells.map(\.text)) ?? [:]
                        return
                    }
                    guard p.rows.count < maxRows else {
                        p.tooMany = true
                        return
                    }
                    p.rows.append(Row(n: n, fields: QuizRules.fields(cells.map(\.text), header: p.header)))
                }
                return p
            }
        } catch {
            throw AppError.invalid([FieldError("file", "文件无法读取：请上传 .xlsx（或 CSV）格式的题库文件")])
        }
        let (header, tooMany) = (parsed.header, parsed.tooMany)
        let rows = parsed.rows.map { ($0.n, $0.fields) }
        guard QuizRules.complete(header) else {
            throw AppError.invalid([FieldError("file", "未找到表头：应有题型、题干、选项A…选项F、答案、出处、解析各列（可下载模板）")])
        }
        let existing = Set(try await QuizQuestion.query(on: db).all(\.$stem))
        let (accepted, rejected) = QuizRules.screen(rows, existing: existing, tooMany: tooMany, maxRows: maxRows)
        var result = ImportResult(added: 0, rejected: rejected)
        let chosen = accepted
        try await db.transaction { tx in
            for q in chosen { try await save(q, by: user, on: tx) }
        }
        result.added = accepted.count
        return result
    }

    @discardableResult
    static func save(_ q: QuizRules.ParsedQuestion, by user: CurrentUser, publisher: Int? = nil, on db: Database)
        async throws -> QuizQuestion
    {
        try await save(q, publisherID: publisher ?? user.scopeID, by: user.username, on: db)
    }

    /// A question into the bank, as published by an organization.
    static func save(_ q: QuizRules.ParsedQuestion, publisherID: Int, by username: String, on db: Database)
        async throws -> QuizQuestion
    {
        let m = QuizQuestion()
        m.type = q.type
        m.stem = q.stem
        m.optionsJSON = String(decoding: try JSONEncoder().encode(q.options), as: UTF8.self)
        m.answer = q.answer
        m.source = q.source
        m.explanation = q.explanation
        m.publisherOrgID = publisherID
        m.createdBy = username
        try await m.create(on: db)
        return m
    }

    static let templateHeader = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "出处", "解析"]

    /// The import template: a title, the header and one example of each type.
    static func writeTemplate(to path: String) throws {
        let book = try LedgerXLSXWriter(path: path)
        try book.writeTable(
            sheet: "题库", title: "每周一学题库导入模板（每行一题；判断题答案填“正确”或“错误”）", header: templateHeader,
            rows: [
                ["单选", "党的全国代表大会每几年举行一次？", "三年", "四年", "五年", "十年", "", "", "C", "《中国共产党章程》第十九条", "党的全国代表大会每五年举行一次。"],
                [
                    "多选", "下列属于党的纪律处分的有？", "警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍", "罚款", "ABCDE", "《中国共产党章程》第四十二条",
                    "党的纪律处分有五种。",
                ],
                ["判断", "预备党员的预备期为一年。", "", "", "", "", "", "", "正确", "《中国共产党章程》第七条", "预备党员的预备期为一年。"],
            ], widths: [8, 40, 16, 16, 16, 16, 16, 16, 8, 24, 40])
        try book.close()
    }

    // MARK: Quizzes

    /// Assembles a week's quiz from the bank (the given questions, in order).
    static func assemble(
        week: String?, title: String?, questionIDs: [UUID], publisherID: Int, by username: String, on db: Database
    ) async throws -> Quiz {
        var errors: [FieldError] = []
        let w = Normalize.text(week) ?? ""
        let monday = QuizRules.monday(of: w)
        if monday == nil { errors.append(FieldError("week", "周次格式如 2026-W49")) }
        let t = Normalize.text(title)
        if t == nil || t!.count > 100 { errors.append(FieldError("title", "请填写标题（100字以内）")) }
        let ids = Array(NSOrderedSet(array: questionIDs).compactMap { $0 as? UUID })
        if ids.isEmpty || ids.count > 50 { errors.append(FieldError("questions", "请选择1至50道题目")) }
        let found = try await QuizQuestion.query(on: db).filter(\.$id ~~ ids).count()
        if found != ids.count { errors.append(FieldError("questions", "有题目不在题库中")) }
        if monday != nil,
            try await Quiz.query(on: db).filter(\.$publisherOrgID == publisherID).filter(\.$week == w).count() > 0
        {
            errors.append(FieldError("week", "本级\(w)的每周一学已发布"))
        }
        guard errors.isEmpty, let monday, let t else { throw AppError.invalid(errors) }
        let quiz = Quiz()
        quiz.publisherOrgID = publisherID
        quiz.week = w
        quiz.title = t
        quiz.opensOn = monday.description
        quiz.closesOn = monday.adding(days: 6).description
        quiz.createdBy = username
        try await db.transaction { tx in
            try await quiz.create(on: tx)
            for (i, q) in ids.enumerated() {
                try await tx.sql().insert(into: "quiz_items").columns("quiz_id", "question_id", "position")
                    .values(SQLBind(quiz.id!), SQLBind(q), SQLBind(i + 1)).run()
            }
        }
        return quiz
    }

    static func questions(of quiz: Quiz, on db: Database) async throws -> [QuizQuestion] {
        let ids = try await db.sql().raw(
            "SELECT question_id FROM quiz_items WHERE quiz_id = \(bind: quiz.id!) ORDER BY position"
        ).all().map { try $0.decode(column: "question_id", as: UUID.self) }
        let qs = Dictionary(
            uniqueKeysWithValues: try await QuizQuestion.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        return ids.compactMap { qs[$0] }
    }

    /// Every quiz open today for the member: published by the branch or an organization above it (the city, the
    /// county, the committee — each level may publish its own for the week), the highest level first.
    static func open(for memberID: UUID, on db: Database, today: CalendarDate = AppClock.today) async throws -> [Quiz] {
        let (_, _, ids) = try await CourseActions.ancestors(of: memberID, on: db)
        let day = today.description
        let found = try await Quiz.query(on: db).filter(\.$publisherOrgID ~~ ids).filter(\.$opensOn <= day)
            .filter(\.$closesOn >= day).sort(\.$opensOn, .descending).sort(\.$createdAt).all()
        return QuizRules.byLevel(found.map { ($0, $0.publisherOrgID) }, levels: ids)
    }

    /// The quiz the single-quiz API means by "this week's": the first open one the member has not answered, else the
    /// first open one; or the one named by `id` when it is open for the member.
    static func current(for memberID: UUID, id: UUID? = nil, on db: Database, today: CalendarDate = AppClock.today)
        async throws -> Quiz?
    {
        let all = try await open(for: memberID, on: db, today: today)
        if let id { return all.first { $0.id == id } }
        let answered = try await QuizStore.answered(Set(all.compactMap(\.id)), by: memberID, on: db)
        return all.first { !answered.contains($0.id!) } ?? all.first
    }

    struct Submitted: Content, Sendable {
        struct Answer: Content, Sendable {
            var questionId: String?
            var choices: [String]?
        }
        /// The quiz answered (else the first open one not yet answered).
        var quizId: String?
        var answers: [Answer]?
    }

    struct Marked: Content, Sendable {
        struct Answer: Content, Sendable {
            var questionId: UUID
            var correct: Bool
            var explanation: String
            var answer: [String]
            var chosen: [String]
        }
        var score: Int
        var total: Int
        var answers: [Answer]
    }

    /// Marks a member's only answer to the quiz (409 for a second one; 422 when a question is unanswered or a
    /// choice is not among its options).
    static func answer(_ quiz: Quiz, _ submitted: Submitted, memberID: UUID, on db: Database) async throws -> Marked {
        if try await QuizAnswer.query(on: db).filter(\.$quizID == quiz.id!).filter(\.$memberID == memberID).count() > 0
        {
            throw AppError.conflict("这一期的题目您已作答，每人只能作答一次")
        }
        let questions = try await questions(of: quiz, on: db)
        let given = QuizRules.given((submitted.answers ?? []).map { ($0.questionId, $0.choices) })
        let byID = Dictionary(uniqueKeysWithValues: questions.map { ($0.id!, $0) })
        let marked = try QuizRules.mark(
            questions.map {
                QuizRules.Question(id: $0.id!, type: $0.type, keys: Set($0.options.map(\.key)), answer: $0.answer)
            },
            given: given
        ).orThrow().map { m in
            Marked.Answer(
                questionId: m.question, correct: m.correct, explanation: byID[m.question]?.explanation ?? "",
                answer: (byID[m.question]?.answer ?? "").map(String.init), chosen: m.chosen)
        }
        let result = Marked(score: marked.filter(\.correct).count, total: questions.count, answers: marked)
        let a = QuizAnswer()
        a.quizID = quiz.id!
        a.memberID = memberID
        a.score = result.score
        a.total = result.total
        a.choices = String(
            decoding: try JSONEncoder().encode(marked.map { [$0.questionId.uuidString] + $0.chosen }), as: UTF8.self)
        a.answeredAt = AppClock.now
        do {
            try await a.create(on: db)
        } catch {
            // Two submissions at once: the unique (quiz, member) keeps one.
            throw AppError.conflict("这一期的题目您已作答，每人只能作答一次")
        }
        try await LostContactActions.signOfLife(memberID, what: "每周一学答题", on: db)
        return result
    }

    /// A member's marked answer, re-read for the page after submission.
    static func marked(_ quiz: Quiz, memberID: UUID, on db: Database) async throws -> Marked? {
        guard
            let a = try await QuizAnswer.query(on: db).filter(\.$quizID == quiz.id!).filter(\.$memberID == memberID)
                .first()
        else { return nil }
        let chosen = (try? JSONDecoder().decode([[String]].self, from: Data(a.choices.utf8))) ?? []
        var byID: [String: [String]] = [:]
        for c in chosen where !c.isEmpty { byID[c[0]] = Array(c.dropFirst()) }
        let marked = try await questions(of: quiz, on: db).map { q in
            let g = byID[q.id!.uuidString] ?? []
            return Marked.Answer(
                questionId: q.id!, correct: g.joined() == q.answer, explanation: q.explanation,
                answer: q.answer.map(String.init), chosen: g)
        }
        return Marked(score: a.score, total: a.total, answers: marked)
    }
}
