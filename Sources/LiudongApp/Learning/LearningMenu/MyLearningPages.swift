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
}
