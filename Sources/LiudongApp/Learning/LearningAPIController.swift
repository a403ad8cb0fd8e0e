import Fluent
import LiudongCore
import Vapor

/// The organizational-life API for staff and the learning API for members (`/api/v1/my/…`).
struct LearningAPIController {
    func boot(_ r: FeatureRoutes) throws {
        let rec = r.signedIn(.recordOrgLife)
        rec.post("api", "v1", "org-life", use: create)
        rec.put("api", "v1", "org-life", ":id", "attendance", use: attendance)
        r.signedIn(.viewStatistics).get("api", "v1", "org-life", "compliance", use: compliance)
        r.member.get("api", "v1", "my", "courses", use: courses)
        r.member.post("api", "v1", "my", "courses", ":id", "complete", use: complete)
        r.member.get("api", "v1", "my", "quiz", use: quiz)
        r.member.post("api", "v1", "my", "quiz", "answers", use: answers)
        r.member.post("api", "v1", "my", "org-life", "check-in", use: checkIn)
    }

    struct Created: Content {
        var id: UUID
        var checkInCode: String
    }

    /// `POST /api/v1/org-life` → 201 `{"id","checkInCode"}`.
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(OrgLifeService.Input.self)
        let e = try await OrgLifeService.create(input, by: try req.user, on: req.db)
        try await req.audit(
            .create, "org-life", ref: e.id!.uuidString, summary: "记录组织生活（API）：\(e.kind.label)·\(e.topic)")
        let res = Response(status: .created)
        try res.content.encode(Created(id: e.id!, checkInCode: e.checkInCode), as: .json)
        return res
    }

    struct AttendanceBody: Content { var items: [OrgLifeService.AttendanceItem]? }
    struct Recorded: Content {
        var recorded: Int
        var quorum: OrgLifeService.Quorum
    }

    /// `PUT /api/v1/org-life/{id}/attendance` `{"items":[…]}` → the count recorded and the quorum.
    func attendance(req: Request) async throws -> Recorded {
        let user = try req.user
        let (e, org) = try await OrgLifeService.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let body = try req.content.decode(AttendanceBody.self)
        guard let items = body.items else { throw AppError.invalid([FieldError("items", "请提供出席情况 items")]) }
        let n = try await OrgLifeService.setAttendance(items, event: e, org: org, by: user, on: req.db)
        try await req.audit(.update, "org-life", ref: e.id!.uuidString, summary: "登记出席情况\(n)人（API）")
        return Recorded(recorded: n, quorum: try await OrgLifeService.quorum(e, org: org, on: req.db))
    }

    struct Items<T: Content>: Content { var items: [T] }

    /// `GET /api/v1/org-life/compliance?org=CODE&quarter=2026Q4`.
    func compliance(req: Request) async throws -> Items<OrgLifeCompliance.Item> {
        let org = try await req.scopeOrganization()
        let q = try ComplianceController.quarter(req)
        return Items(items: try await OrgLifeCompliance.items(under: org.path, quarter: q, on: req.db).flatMap(\.1))
    }

    // MARK: Member

    func courses(req: Request) async throws -> Items<CourseService.MyCourse> {
        let me = try req.member
        let done = try await CourseService.done(me.memberID, on: req.db)
        return Items(
            items: try await CourseService.menu(for: me.memberID, on: req.db).map {
                CourseService.MyCourse(
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
        let c = try await CourseService.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let body = (try? req.content.decode(CompleteBody.self)) ?? CompleteBody()
        let cc = try await CourseService.complete(c, memberID: me.memberID, reflection: body.reflection, on: req.db)
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
        guard let q = try await QuizService.current(for: me.memberID, on: req.db) else { throw AppError.notFound }
        let answered =
            try await QuizAnswer.query(on: req.db).filter(\.$quizID == q.id!).filter(\.$memberID == me.memberID)
            .count() > 0
        return QuizView(
            id: q.id!, week: q.week, title: q.title, answered: answered,
            questions: try await QuizService.questions(of: q, on: req.db).map {
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
        guard let q = try await QuizService.current(for: me.memberID, on: req.db) else { throw AppError.notFound }
        let body = try req.content.decode(QuizService.Submitted.self)
        let m = try await QuizService.answer(q, body, memberID: me.memberID, on: req.db)
        return MarkedOut(
            score: m.score, total: m.total,
            answers: m.answers.map {
                .init(questionId: $0.questionId, correct: $0.correct, explanation: $0.explanation)
            })
    }

    struct CheckInBody: Content { var code: String? }
    struct CheckedIn: Content {
        var eventId: UUID
        var org: String
        var kind: String
        var topic: String
    }

    /// `POST /api/v1/my/org-life/check-in` `{"code"}` → 201 (422 for an unknown or closed code).
    func checkIn(req: Request) async throws -> Response {
        let me = try req.member
        try MyLearningController.limitCodes(req, me)
        let body = try req.content.decode(CheckInBody.self)
        let (e, org) = try await OrgLifeService.checkIn(code: body.code, member: me, on: req.db)
        let res = Response(status: .created)
        try res.content.encode(
            CheckedIn(eventId: e.id!, org: org.name, kind: e.kind.rawValue, topic: e.topic), as: .json)
        return res
    }
}
