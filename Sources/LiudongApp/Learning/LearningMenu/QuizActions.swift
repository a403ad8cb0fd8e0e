import Fluent
import LiudongCore
import SQLKit
import Vapor

/// 每周一学: the question bank, its .xlsx import with a reason per rejected row, the week's quiz, one answer each.
enum QuizActions {
    // MARK: Weeks

    static var isoCalendar: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = CalendarDate.shanghai
        return c
    }

    /// `2026-W49` for the week holding `day`.
    static func week(of day: CalendarDate) -> String {
        let c = isoCalendar
        let parts = c.dateComponents([.yearForWeekOfYear, .weekOfYear], from: day.startDate)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? day.year, parts.weekOfYear ?? 1)
    }

    /// The Monday of a week written `2026-W49`, or nil.
    static func monday(of week: String) -> CalendarDate? {
        let parts = week.split(separator: "-")
        guard week.count == 8, parts.count == 2, parts[1].hasPrefix("W"), let y = Int(parts[0]),
            let w = Int(parts[1].dropFirst()), (2000...2100).contains(y), (1...53).contains(w)
        else { return nil }
        var dc = DateComponents()
        dc.yearForWeekOfYear = y
        dc.weekOfYear = w
        dc.weekday = 2
        guard let d = isoCalendar.date(from: dc) else { return nil }
        let day = CalendarDate(date: d)
        return Self.week(of: day) == week ? day : nil
    }

    // MARK: Import

    struct Rejected: Encodable, Sendable, Error {
        var row: Int
        var reason: String
    }

    struct ParsedQuestion: Sendable {
        var type: QuestionType
        var stem: String
        var options: [QuestionOption]
        var answer: String
        var source: String
        var explanation: String
    }

    static let headers: [String: String] = [
        "题型": "type", "题干": "stem", "题目": "stem", "答案": "answer", "正确答案": "answer", "出处": "source",
        "来源": "source", "解析": "explanation", "答案解析": "explanation",
    ]
    static let optionKeys = ["A", "B", "C", "D", "E", "F"]

    /// Reads one row (cells by column name); the reason in Chinese when it cannot be a question.
    static func parse(_ row: [String: String]) -> Result<ParsedQuestion, Rejected> {
        func fail(_ s: String) -> Result<ParsedQuestion, Rejected> { .failure(Rejected(row: 0, reason: s)) }
        let typeText = (row["type"] ?? "").replacingOccurrences(of: "题", with: "")
        let type: QuestionType
        switch typeText {
        case "单选", "single": type = .single
        case "多选", "multiple": type = .multiple
        case "判断", "trueFalse", "truefalse": type = .trueFalse
        default: return fail("题型应为单选、多选或判断")
        }
        guard let stem = Normalize.text(row["stem"]), stem.count <= 500 else { return fail("题干为空或超过500字") }
        guard let source = Normalize.text(row["source"]), source.count <= 200 else { return fail("请填写出处（200字以内）") }
        guard let explanation = Normalize.text(row["explanation"]), explanation.count <= 1000 else {
            return fail("请填写解析（1000字以内），答题后党员会看到")
        }
        let rawAnswer = Normalize.halfWidth(Normalize.text(row["answer"]) ?? "").uppercased()
        if type == .trueFalse {
            let yes = ["T", "正确", "对", "√", "是", "TRUE"]
            let no = ["F", "错误", "错", "×", "否", "FALSE"]
            guard yes.contains(rawAnswer) || no.contains(rawAnswer) else { return fail("判断题答案应为“正确”或“错误”") }
            return .success(
                ParsedQuestion(
                    type: type, stem: stem, options: QuizQuestion.trueFalseOptions,
                    answer: yes.contains(rawAnswer) ? "T" : "F", source: source, explanation: explanation))
        }
        var options: [QuestionOption] = []
        for key in optionKeys {
            guard let text = Normalize.text(row["option" + key]) else { break }
            guard text.count <= 200 else { return fail("选项\(key)超过200字") }
            options.append(QuestionOption(key: key, text: text))
        }
        let later = optionKeys.dropFirst(options.count).contains { Normalize.text(row["option" + $0]) != nil }
        if later { return fail("选项应从A起连续填写，中间不能空缺") }
        guard options.count >= 2 else { return fail("至少需要两个选项（选项A、选项B）") }
        let letters = Set(rawAnswer.filter { !" ,，、".contains($0) }.map(String.init))
        guard !letters.isEmpty, letters.allSatisfy({ l in options.contains { $0.key == l } }) else {
            return fail("答案应为已填写选项的字母，如 A 或 AC")
        }
        if type == .single && letters.count != 1 { return fail("单选题只能有一个正确答案") }
        if type == .multiple && letters.count < 2 { return fail("多选题应有两个或以上正确答案") }
        return .success(
            ParsedQuestion(
                type: type, stem: stem, options: options, answer: letters.sorted().joined(), source: source,
                explanation: explanation))
    }

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
        var rejected: [Rejected]
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
                        // The header is the first row naming 题型 and 题干 (a title row above it is skipped).
                        var found: [Int: String] = [:]
                        for (i, c) in cells.enumerated() {
                            let name = c.text.trimmingCharacters(in: .whitespaces)
                            if let key = headers[name] {
                                found[i] = key
                            } else if let k = optionKeys.first(where: { name == "选项" + $0 }) {
                                found[i] = "option" + k
                            }
                        }
                        if Set(found.values).isSuperset(of: ["type", "stem"]) { p.header = found }
                        return
                    }
                    guard p.rows.count < maxRows else {
                        p.tooMany = true
                        return
                    }
                    var row: [String: String] = [:]
                    for (i, c) in cells.enumerated() {
                        if let key = p.header[i] { row[key] = String(c.text.prefix(2000)) }
                    }
                    p.rows.append(Row(n: n, fields: row))
                }
                return p
            }
        } catch {
            throw AppError.invalid([FieldError("file", "文件无法读取：请上传 .xlsx（或 CSV）格式的题库文件")])
        }
        let (header, tooMany) = (parsed.header, parsed.tooMany)
        let rows = parsed.rows.map { ($0.n, $0.fields) }
        guard Set(header.values).isSuperset(of: ["type", "stem", "answer", "source", "explanation"]) else {
            throw AppError.invalid([FieldError("file", "未找到表头：应有题型、题干、选项A…选项F、答案、出处、解析各列（可下载模板）")])
        }
        let existing = Set(try await QuizQuestion.query(on: db).all(\.$stem))
        var seen: [String: Int] = [:]
        var result = ImportResult(added: 0, rejected: [])
        var accepted: [ParsedQuestion] = []
        for (n, row) in rows {
            switch parse(row) {
            case .failure(let r): result.rejected.append(Rejected(row: n, reason: r.reason))
            case .success(let q):
                if existing.contains(q.stem) {
                    result.rejected.append(Rejected(row: n, reason: "题库中已有相同题干的题目"))
                } else if let first = seen[q.stem] {
                    result.rejected.append(Rejected(row: n, reason: "与第\(first)行题干重复"))
                } else {
                    seen[q.stem] = n
                    accepted.append(q)
                }
            }
        }
        if tooMany { result.rejected.append(Rejected(row: 0, reason: "一次最多导入\(maxRows)题，其余行未读取")) }
        let chosen = accepted
        try await db.transaction { tx in
            for q in chosen { try await save(q, by: user, on: tx) }
        }
        result.added = accepted.count
        return result
    }

    @discardableResult
    static func save(_ q: ParsedQuestion, by user: CurrentUser, publisher: Int? = nil, on db: Database) async throws
        -> QuizQuestion
    {
        let m = QuizQuestion()
        m.type = q.type
        m.stem = q.stem
        m.optionsJSON = String(decoding: try JSONEncoder().encode(q.options), as: UTF8.self)
        m.answer = q.answer
        m.source = q.source
        m.explanation = q.explanation
        m.publisherOrgID = publisher ?? user.scopeID
        m.createdBy = user.username
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
        let monday = monday(of: w)
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

    /// This week's quiz for the member: published by the branch or an organization above it, open today.
    static func current(for memberID: UUID, on db: Database, today: CalendarDate = AppClock.today) async throws -> Quiz?
    {
        let (_, _, ids) = try await CourseActions.ancestors(of: memberID, on: db)
        let day = today.description
        return try await Quiz.query(on: db).filter(\.$publisherOrgID ~~ ids).filter(\.$opensOn <= day)
            .filter(\.$closesOn >= day).sort(\.$opensOn, .descending).sort(\.$createdAt).first()
    }

    struct Submitted: Content, Sendable {
        struct Answer: Content, Sendable {
            var questionId: String?
            var choices: [String]?
        }
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
            throw AppError.conflict("本周的题目您已作答，每人只能作答一次")
        }
        let questions = try await questions(of: quiz, on: db)
        var given: [UUID: Set<String>] = [:]
        for a in (submitted.answers ?? []).prefix(200) {
            guard let id = Normalize.text(a.questionId).flatMap({ UUID(uuidString: $0) }) else { continue }
            given[id] = Set((a.choices ?? []).prefix(10).map { Normalize.halfWidth($0).uppercased() })
        }
        var errors: [FieldError] = []
        for (i, q) in questions.enumerated() {
            let keys = Set(q.options.map(\.key))
            guard let g = given[q.id!], !g.isEmpty else {
                errors.append(FieldError("answers[\(i)]", "第\(i + 1)题未作答"))
                continue
            }
            if !g.isSubset(of: keys) || (q.type != .multiple && g.count != 1) {
                errors.append(FieldError("answers[\(i)]", "第\(i + 1)题的选项无效"))
            }
        }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let marked = questions.map { q in
            let g = given[q.id!] ?? []
            return Marked.Answer(
                questionId: q.id!, correct: g.sorted().joined() == q.answer, explanation: q.explanation,
                answer: q.answer.map(String.init), chosen: g.sorted())
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
            throw AppError.conflict("本周的题目您已作答，每人只能作答一次")
        }
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
