import Crypto
import Fluent
import LiudongCore
import Vapor

/// The member's own pages: check in with an event's code, the learning menu, the weekly quiz, the vanguard-post
/// diary, confirming a red package.
struct MyLearningController {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "org-life", use: orgLife)
        my.post("my", "org-life", "check-in", use: checkIn)
        my.get("my", "courses", use: courses)
        my.get("my", "courses", ":id", use: course)
        my.post("my", "courses", ":id", "complete", use: complete)
        my.get("my", "quiz", use: quiz)
        my.post("my", "quiz", use: answer)
        my.get("my", "diary", use: diary)
        my.on(.POST, "my", "diary", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.photoLimit)), use: write)
        my.get("my", "diary", ":id", "photo", use: photo)
        my.post("my", "red-packages", ":id", "confirm", use: confirm)
    }

    /// At most 20 code attempts per member in ten minutes (a six-character code is not to be guessed).
    static func limitCodes(_ req: Request, _ me: CurrentMember) throws {
        // Per member, and per client address (one phone signed in as several members counts once).
        let limiter = req.application.rateLimiter
        if let wait = limiter.hit("orglife-code:\(me.memberID)", limit: 20, window: 600)
            ?? limiter.hit("orglife-code-client:\(req.clientAddress)", limit: 60, window: 600)
        {
            throw AppError.rateLimited(retryAfter: wait)
        }
    }

    // MARK: Organizational life

    struct Attended: Encodable {
        var on: String
        var org: String
        var kind: String
        var topic: String
        var status: String
    }

    func orgLife(req: Request) async throws -> Response {
        let me = try req.member
        struct Row: Decodable {
            var held_on: String
            var short_name: String
            var kind: String
            var topic: String
            var status: String
        }
        let rows = try await req.db.sql().raw(
            """
            SELECT e.held_on, o.short_name, e.kind, e.topic, a.status FROM org_life_attendance a
            JOIN org_life_events e ON e.id = a.event_id JOIN organizations o ON o.id = e.org_id
            WHERE a.member_id = \(bind: me.memberID) ORDER BY e.starts_at DESC LIMIT 30
            """
        ).all(decoding: Row.self)
        struct View: Encodable {
            var rows: [Attended]
            var error: String?
        }
        return try await req.myPage(
            "my/org-life", title: "组织生活签到",
            View(
                rows: rows.map {
                    Attended(
                        on: $0.held_on, org: $0.short_name, kind: OrgLifeKind(rawValue: $0.kind)?.label ?? "",
                        topic: $0.topic, status: AttendanceStatus(rawValue: $0.status)?.label ?? "")
                }, error: nil))
    }

    struct CodeForm: Content { var code: String? }

    func checkIn(req: Request) async throws -> Response {
        let me = try req.member
        try Self.limitCodes(req, me)
        let form = try req.content.decode(CodeForm.self)
        do {
            let (e, org) = try await OrgLifeService.checkIn(code: form.code, member: me, on: req.db)
            return req.redirect(
                to: "/my/org-life", flash: "签到成功：\(org.shortName) \(e.kind.label)·\(e.topic)，已记入您的组织生活记录")
        } catch AppError.invalid(let errors) {
            return req.redirect(to: "/my/org-life", flash: errors.first?.message ?? "签到码不正确")
        }
    }

    // MARK: Courses

    func courses(req: Request) async throws -> Response {
        let me = try req.member
        let done = try await CourseService.done(me.memberID, on: req.db)
        struct Row: Encodable {
            var id: String
            var title: String
            var kind: String
            var minutes: Int
            var source: String
            var done: Bool
        }
        let rows = try await CourseService.menu(for: me.memberID, on: req.db).map {
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
        let c = try await CourseService.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let cc = try await CourseService.open(c, memberID: me.memberID, on: req.db)
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
        let c = try await CourseService.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let form = try req.content.decode(LearningAPIController.CompleteBody.self)
        do {
            _ = try await CourseService.complete(c, memberID: me.memberID, reflection: form.reflection, on: req.db)
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
        guard let q = try await QuizService.current(for: me.memberID, on: req.db) else {
            return try await req.myPage(
                "my/quiz", title: "每周一学",
                QuizPage(title: nil, week: nil, questions: [], score: nil, total: nil, error: nil))
        }
        let marked = try await QuizService.marked(q, memberID: me.memberID, on: req.db)
        let byID = Dictionary(uniqueKeysWithValues: (marked?.answers ?? []).map { ($0.questionId, $0) })
        let questions = try await QuizService.questions(of: q, on: req.db).enumerated().map { i, question in
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
        guard let q = try await QuizService.current(for: me.memberID, on: req.db) else { throw AppError.notFound }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var answers: [QuizService.Submitted.Answer] = []
        for question in try await QuizService.questions(of: q, on: req.db) {
            let id = question.id!.uuidString
            var choices: [String] = []
            if let one = form["q_\(id)"] { choices.append(one) }
            for o in question.options where form["q_\(id)_\(o.key)"] != nil { choices.append(o.key) }
            answers.append(.init(questionId: id, choices: choices))
        }
        do {
            _ = try await QuizService.answer(q, .init(answers: answers), memberID: me.memberID, on: req.db)
            return req.redirect(to: "/my/quiz#result", flash: "已提交，得分和解析见下方")
        } catch AppError.invalid(let errors) {
            return try await renderQuiz(
                req, me, error: errors.map(\.message).joined(separator: "；"), status: .unprocessableEntity)
        } catch AppError.conflict(let message) {
            return req.redirect(to: "/my/quiz", flash: message)
        }
    }

    // MARK: Diary

    static let maxPhotoBytes = 5 << 20

    func diary(req: Request) async throws -> Response {
        let me = try req.member
        let entries = try await DiaryStore.latest(member: me.memberID, on: req.db)
        struct Row: Encodable {
            var id: String
            var on: String
            var text: String
            var photo: Bool
            var comment: String?
            var excellent: Bool
        }
        struct View: Encodable {
            var rows: [Row]
            var today: String
        }
        return try await req.myPage(
            "my/diary", title: "党员先锋岗工作日记",
            View(
                rows: entries.map {
                    Row(
                        id: $0.id!.uuidString, on: $0.onDay, text: $0.text, photo: $0.photoSHA256 != nil,
                        comment: $0.comment, excellent: $0.excellent)
                }, today: AppClock.today.description))
    }

    struct DiaryForm: Content {
        var on: String?
        var text: String?
        var photo: File?
    }

    /// A dated entry (today or up to 30 days back) with an optional JPEG or PNG photo of at most 5 MB, judged by
    /// its bytes.
    func write(req: Request) async throws -> Response {
        let me = try req.member
        let back = "/my/diary"
        guard let form = try? req.content.decode(DiaryForm.self) else {
            return req.redirect(to: back, flash: "未能读取表单，请重试")
        }
        let today = AppClock.today
        guard let day = Normalize.text(form.on).flatMap({ CalendarDate($0) }), day <= today,
            day >= today.adding(days: -30)
        else { return req.redirect(to: back, flash: "日期应为今天或30天内") }
        guard let text = Normalize.text(form.text), text.count <= 2000 else {
            return req.redirect(to: back, flash: "请填写日记内容（2000字以内）")
        }
        // Every check before a byte is written (issue 25 item 11): the day's entries, the photo, the member's quota.
        guard try await DiaryStore.count(member: me.memberID, day: day.description, on: req.db) < 10 else {
            return req.redirect(to: back, flash: "同一天最多10篇日记")
        }
        let e = DiaryEntry()
        e.id = UUID()
        e.memberID = me.memberID
        e.onDay = day.description
        e.text = text
        e.excellent = false
        guard let file = form.photo, file.data.readableBytes > 0 else {
            try await e.create(on: req.db)
            return req.redirect(to: back, flash: "日记已保存，党支部书记会阅读")
        }
        guard file.data.readableBytes <= Self.maxPhotoBytes else {
            return req.redirect(to: back, flash: "照片超过5MB，请压缩后再上传")
        }
        let bytes = Data(buffer: file.data)
        guard let kind = ScanKind.sniff(Array(bytes)), kind != .pdf else {
            return req.redirect(to: back, flash: "照片应为 JPG 或 PNG 图片")
        }
        let owner = UploadLedger.owner(member: me.memberID)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .memberPhoto, bytes: bytes.count, settings: req.settings, now: now, on: req.db)
        {
            return req.redirect(to: back, flash: refusal)
        }
        e.photoSHA256 = SHA256.hash(data: bytes).hex
        e.photoType = kind.rawValue
        let entry = e
        try await UploadLedger.keep(bytes, req.application, "diary", name: "\(e.id!.uuidString).\(kind.fileExtension)")
        {
            try await req.db.transaction { tx in
                try await entry.create(on: tx)
                try await UploadLedger.record(owner: owner, kind: .memberPhoto, bytes: bytes.count, now: now, on: tx)
            }
        }
        return req.redirect(to: back, flash: "日记已保存，党支部书记会阅读")
    }

    func photo(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let e = try await DiaryEntry.find(id, on: req.db),
            e.memberID == me.memberID
        else { throw AppError.notFound }
        return try Self.servePhoto(req, e)
    }

    static func servePhoto(_ req: Request, _ e: DiaryEntry) throws -> Response {
        guard let sha = e.photoSHA256, let kind = e.photoType.flatMap(ScanKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        return try PrivateFiles.serve(
            req, "diary", name: "\(e.id!.uuidString).\(kind.fileExtension)", sha256: sha, kind: kind)
    }

    // MARK: Red packages

    func confirm(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let p = try await RedPackage.find(id, on: req.db),
            p.memberID == me.memberID
        else { throw AppError.notFound }
        if p.confirmedOn == nil {
            p.confirmedOn = AppClock.today.description
            try await p.update(on: req.db)
        }
        return req.redirect(to: "/my", flash: "已确认收到红色包裹")
    }
}
