import Foundation

public enum CourseKind: String, Codable, Sendable, CaseIterable {
    case article, video, audio, tv, wechat, offline

    public var label: String {
        switch self {
        case .article: return "文章"
        case .video: return "视频"
        case .audio: return "音频"
        case .tv: return "电视节目"
        case .wechat: return "微信公众号文章"
        case .offline: return "线下课程"
        }
    }
}

/// What a course of the learning menu asks to count as learnt.
public enum CourseRules {
    /// Courses this long or longer need a reflection.
    public static let reflectionMinutes = 30
    public static let reflectionCharacters = 50

    public static func needsReflection(minutes: Int) -> Bool { minutes >= reflectionMinutes }

    /// The organizations a course is for, as typed (codes separated by spaces, commas or 、; the publisher's own
    /// when empty), at most 100; the problem when there are more.
    public static func audienceCodes(_ raw: String?, fallback: String) -> (codes: [String], problem: RuleProblem?) {
        let codes = (Normalize.text(raw) ?? fallback).split(whereSeparator: { " ,，、;\n".contains($0) }).map(String.init)
        return (
            Array(codes.prefix(100)), codes.count > 100 ? RuleProblem("audience", "面向的党组织最多100个") : nil
        )
    }

    /// A course as published: its form, title, source, link (required for what is read or watched online), place
    /// (required offline), minutes (1 to 600), tags, and when it is on the menu (today and 30 days by default, at
    /// most three years). `audienceProblems` (checked where the tree is) come after the tags, as the form lists them.
    public static func course(
        kind: String?, title: String?, source: String?, url: String?, place: String?, minutes: String?,
        tags: String?, availableFrom: String?, availableTo: String?, audienceProblems: [RuleProblem],
        today: CalendarDate
    ) -> Result<CheckedCourse, RuleError> {
        var errors: [RuleProblem] = []
        let kind = Normalize.text(kind).flatMap(CourseKind.init(rawValue:))
        if kind == nil { errors.append(RuleProblem("kind", "请选择课程形式")) }
        let title = Normalize.text(title)
        if title.map({ $0.count > 200 }) ?? true { errors.append(RuleProblem("title", "请填写标题（200字以内）")) }
        let source = Normalize.text(source)
        if source.map({ $0.count > 100 }) ?? true { errors.append(RuleProblem("source", "请填写来源（100字以内）")) }
        let url = Normalize.text(url)
        if let url, url.count > 500 || !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            errors.append(RuleProblem("url", "链接应以 https:// 或 http:// 开头（500字以内）"))
        } else if url == nil, let kind, [.article, .video, .audio, .wechat].contains(kind) {
            errors.append(RuleProblem("url", "\(kind.label)请填写链接"))
        }
        let place = Normalize.text(place)
        if kind == .offline && place == nil { errors.append(RuleProblem("place", "线下课程请填写地点")) }
        if (place?.count ?? 0) > 200 { errors.append(RuleProblem("place", "地点请控制在200字以内")) }
        let minutes = Normalize.text(minutes).flatMap { Int(Normalize.halfWidth($0)) }
        if minutes.map({ !(1...600).contains($0) }) ?? true {
            errors.append(RuleProblem("minutes", "学时应为1至600分钟"))
        }
        let tags = Normalize.text(tags) ?? ""
        if tags.count > 100 { errors.append(RuleProblem("tags", "标签请控制在100字以内")) }
        errors += audienceProblems
        let from = Normalize.text(availableFrom).map { CalendarDate($0) } ?? today
        let to = Normalize.text(availableTo).map { CalendarDate($0) } ?? today.adding(days: 30)
        if from == nil { errors.append(RuleProblem("availableFrom", "开始日期格式如 2026-12-01")) }
        if to == nil { errors.append(RuleProblem("availableTo", "结束日期格式如 2026-12-31")) }
        if let from, let to, to < from || from.years(until: to) >= 3 {
            errors.append(RuleProblem("availableTo", "结束日期应不早于开始日期，且不超过三年"))
        }
        guard errors.isEmpty, let kind, let title, let source, let minutes, let from, let to else {
            return .failure(.invalid(errors))
        }
        return .success(
            CheckedCourse(
                kind: kind, title: title, source: source, url: url, place: place, minutes: minutes, tags: tags,
                availableFrom: from, availableTo: to))
    }
}

/// A course of the learning menu as published, checked.
public struct CheckedCourse: Equatable, Sendable {
    public var kind: CourseKind
    public var title: String
    public var source: String
    public var url: String?
    public var place: String?
    public var minutes: Int
    public var tags: String
    public var availableFrom: CalendarDate
    public var availableTo: CalendarDate
}

public enum QuestionType: String, Codable, Sendable, CaseIterable {
    case single, multiple, trueFalse

    public var label: String {
        switch self {
        case .single: return "单选题"
        case .multiple: return "多选题"
        case .trueFalse: return "判断题"
        }
    }
}

public struct QuestionOption: Codable, Sendable, Equatable {
    public var key: String
    public var text: String

    public init(key: String, text: String) {
        self.key = key
        self.text = text
    }
}

extension QuestionOption {
    /// The two options of a true/false question.
    public static let trueFalse = [QuestionOption(key: "T", text: "正确"), QuestionOption(key: "F", text: "错误")]
}

/// The weekly quiz (每周一学) over plain facts: ISO weeks in Beijing time, reading a bank row, marking an answer.
public enum QuizRules {
    /// The header of a bank file: the first row naming 题型 and 题干 (a title row above it is skipped) — each column's
    /// field, or nil when the row is not the header.
    public static func header(_ cells: [String]) -> [Int: String]? {
        var found: [Int: String] = [:]
        for (i, c) in cells.enumerated() {
            let name = c.trimmingCharacters(in: .whitespaces)
            if let key = headers[name] {
                found[i] = key
            } else if let k = optionKeys.first(where: { name == "选项" + $0 }) {
                found[i] = "option" + k
            }
        }
        return Set(found.values).isSuperset(of: ["type", "stem"]) ? found : nil
    }

    /// Whether a header names every column a question needs.
    public static func complete(_ header: [Int: String]) -> Bool {
        Set(header.values).isSuperset(of: ["type", "stem", "answer", "source", "explanation"])
    }

    /// A row's cells by field (each cell kept to 2000 characters).
    public static func fields(_ cells: [String], header: [Int: String]) -> [String: String] {
        var row: [String: String] = [:]
        for (i, c) in cells.enumerated() {
            if let key = header[i] { row[key] = String(c.prefix(2000)) }
        }
        return row
    }

    /// The rows of a bank file sorted into questions to add and rows refused with the reason: unreadable, already in
    /// the bank, or a repeat of an earlier row; and a note when the file had more rows than are read.
    public static func screen(_ rows: [(Int, [String: String])], existing: Set<String>, tooMany: Bool, maxRows: Int)
        -> (accepted: [ParsedQuestion], rejected: [Rejected])
    {
        var seen: [String: Int] = [:]
        var accepted: [ParsedQuestion] = []
        var rejected: [Rejected] = []
        for (n, row) in rows {
            switch parse(row) {
            case .failure(let r): rejected.append(Rejected(row: n, reason: r.reason))
            case .success(let q):
                if existing.contains(q.stem) {
                    rejected.append(Rejected(row: n, reason: "题库中已有相同题干的题目"))
                } else if let first = seen[q.stem] {
                    rejected.append(Rejected(row: n, reason: "与第\(first)行题干重复"))
                } else {
                    seen[q.stem] = n
                    accepted.append(q)
                }
            }
        }
        if tooMany { rejected.append(Rejected(row: 0, reason: "一次最多导入\(maxRows)题，其余行未读取")) }
        return (accepted, rejected)
    }

    public static var isoCalendar: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = CalendarDate.shanghai
        return c
    }

    /// Quizzes in the order of their publisher's level (`levels`: the member's organizations from the city down), the
    /// order given kept within a level; a publisher not among the levels goes last.
    public static func byLevel<T>(_ items: [(T, Int)], levels: [Int]) -> [T] {
        let rank = Dictionary(levels.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return items.enumerated().sorted {
            let a = rank[$0.element.1] ?? Int.max
            let b = rank[$1.element.1] ?? Int.max
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element.0)
    }

    /// `2026-W49` for the week holding `day`.
    public static func week(of day: CalendarDate) -> String {
        let c = isoCalendar
        let parts = c.dateComponents([.yearForWeekOfYear, .weekOfYear], from: day.startDate)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? day.year, parts.weekOfYear ?? 1)
    }

    /// The Monday of a week written `2026-W49`, or nil.
    public static func monday(of week: String) -> CalendarDate? {
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

    /// A row of an import that cannot be a question, with the reason in Chinese.
    public struct Rejected: Encodable, Equatable, Sendable, Error {
        public var row: Int
        public var reason: String

        public init(row: Int, reason: String) {
            self.row = row
            self.reason = reason
        }
    }

    /// A question as read from a row (or written by the demo).
    public struct ParsedQuestion: Equatable, Sendable {
        public var type: QuestionType
        public var stem: String
        public var options: [QuestionOption]
        public var answer: String
        public var source: String
        public var explanation: String

        public init(
            type: QuestionType, stem: String, options: [QuestionOption], answer: String, source: String,
            explanation: String
        ) {
            self.type = type
            self.stem = stem
            self.options = options
            self.answer = answer
            self.source = source
            self.explanation = explanation
        }
    }

    public static let headers: [String: String] = [
        "题型": "type", "题干": "stem", "题目": "stem", "答案": "answer", "正确答案": "answer", "出处": "source",
        "来源": "source", "解析": "explanation", "答案解析": "explanation",
    ]
    public static let optionKeys = ["A", "B", "C", "D", "E", "F"]

    /// Reads one row (cells by column name); the reason in Chinese when it cannot be a question.
    public static func parse(_ row: [String: String]) -> Result<ParsedQuestion, Rejected> {
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
                    type: type, stem: stem, options: QuestionOption.trueFalse,
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

    /// One question as marking sees it.
    public struct Question: Sendable {
        public var id: UUID
        public var type: QuestionType
        public var keys: Set<String>
        public var answer: String

        public init(id: UUID, type: QuestionType, keys: Set<String>, answer: String) {
            self.id = id
            self.type = type
            self.keys = keys
            self.answer = answer
        }
    }

    /// One answered question, marked.
    public struct MarkedAnswer: Equatable, Sendable {
        public var question: UUID
        public var correct: Bool
        public var chosen: [String]
    }

    /// The choices submitted per question: the first 200 answers, 10 choices each, half-width upper case.
    public static func given(_ answers: [(questionId: String?, choices: [String]?)]) -> [UUID: Set<String>] {
        var given: [UUID: Set<String>] = [:]
        for a in answers.prefix(200) {
            guard let id = Normalize.text(a.questionId).flatMap({ UUID(uuidString: $0) }) else { continue }
            given[id] = Set((a.choices ?? []).prefix(10).map { Normalize.halfWidth($0).uppercased() })
        }
        return given
    }

    /// Marks an answer: every question answered with choices among its options (one for a single-choice or
    /// true/false question), each correct when the sorted choices are its answer.
    public static func mark(_ questions: [Question], given: [UUID: Set<String>]) -> Result<[MarkedAnswer], RuleError> {
        var errors: [RuleProblem] = []
        for (i, q) in questions.enumerated() {
            guard let g = given[q.id], !g.isEmpty else {
                errors.append(RuleProblem("answers[\(i)]", "第\(i + 1)题未作答"))
                continue
            }
            if !g.isSubset(of: q.keys) || (q.type != .multiple && g.count != 1) {
                errors.append(RuleProblem("answers[\(i)]", "第\(i + 1)题的选项无效"))
            }
        }
        guard errors.isEmpty else { return .failure(.invalid(errors)) }
        return .success(
            questions.map { q in
                let g = (given[q.id] ?? []).sorted()
                return MarkedAnswer(question: q.id, correct: g.joined() == q.answer, chosen: g)
            })
    }
}
