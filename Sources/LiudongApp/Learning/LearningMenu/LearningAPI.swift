import Fluent
import LiudongCore
import Vapor

/// The learning API for members (`/api/v1/my/…`): the learning menu (the weekly quiz: `QuizAPI`).
struct LearningAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("api", "v1", "my", "courses", use: courses)
        r.member.post("api", "v1", "my", "courses", ":id", "complete", use: complete)
    }

    struct Items<T: Content>: Content { var items: [T] }

    func courses(req: Request) async throws -> Items<CourseActions.MyCourse> {
        let me = try req.member
        let done = try await CourseActions.done(me.memberID, on: req.db)
        return Items(
            items: try await CourseActions.menu(for: me.memberID, on: req.db).map {
                CourseActions.MyCourse(
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
        let c = try await CourseActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: me.memberID, on: req.db)
        let body = (try? req.content.decode(CompleteBody.self)) ?? CompleteBody()
        let cc = try await CourseActions.complete(c, memberID: me.memberID, reflection: body.reflection, on: req.db)
        let res = Response(status: .created)
        try res.content.encode(Completed(id: c.id!, done: true, completedOn: cc.completedOn ?? ""), as: .json)
        return res
    }
}
