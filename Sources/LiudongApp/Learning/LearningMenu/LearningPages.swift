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
        let rows = try await LearningStore.statRows(under: org.path, year: year, on: db.sql())
        let children = try await OrgTree.openChildren(of: org, on: db)
        let groups = org.level == .branch || children.isEmpty ? [org] : children
        let paths = try await OrgTree.paths(of: rows.map(\.orgID), on: db)
        return groups.map { g in
            let mine = rows.filter { paths[$0.orgID]?.hasPrefix(g.path) == true }
            let quizMembers = mine.reduce(0) { $0 + ($1.quizMembers ?? 0) }
            let score = mine.reduce(0.0) { $0 + ($1.quizScore ?? 0) }
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
        let courses = try await LearningStore.courses(visibleFrom: org, on: sql)
        let quizzes = try await QuizStore.quizzes(visibleFrom: org, on: sql)
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
                        publisher: $0.shortName, available: "\($0.availableFrom) 至 \($0.availableTo)", done: $0.done)
                },
                quizzes: quizzes.map {
                    QuizRow(
                        week: $0.week, title: $0.title, publisher: $0.shortName, questions: $0.questions,
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
}
