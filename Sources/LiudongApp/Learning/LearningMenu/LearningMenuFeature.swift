import Fluent
import LiudongCore
import Vapor

/// Measure 4c, learning: the menu of courses (菜单式点学) chosen by the member (the weekly quiz: `QuizFeature`). (Its demo content is loaded with the measure's seeded demo, `OrgLifeFeature`.)
struct LearningMenuFeature: Feature {
    let name = "learning"

    func routes(_ routes: FeatureRoutes) throws {
        try LearningAPI().boot(routes)
        try MyLearningPages().boot(routes)
        try LearningPages().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 67, permission: .manageLearning,
                link: { u in u.isInflowSide ? nil : ("/learning", "学习教育") })
        ]
    }

    /// The learning tile: this week's quizzes, the menu, and the way to the diary.
    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        var learning: [MyTile.Line] = []
        for quiz in try await QuizActions.open(for: member.memberID, on: db) {
            let a = try await QuizStore.answer(to: quiz.requireID(), by: member.memberID, on: db)
            learning.append(
                MyTile.Line(
                    text: (quiz.title.contains("每周一学") ? quiz.title : "每周一学·\(quiz.title)")
                        + (a.map { "：已作答，得分\($0.score)/\($0.total)" } ?? "：尚未作答"),
                    actions: [
                        .init(
                            label: a == nil ? "去答题" : "看解析", path: "/my/quiz#quiz-\(quiz.id!.uuidString)",
                            primary: a == nil, link: true)
                    ]))
        }
        let menu = try await CourseActions.menu(for: member.memberID, on: db)
        let done = try await CourseActions.done(member.memberID, on: db)
        learning.append(
            MyTile.Line(
                text: "点学菜单：\(menu.count)门课程，已学\(menu.filter { done[$0.id!]?.completedOn != nil }.count)门",
                actions: [.init(label: "选课学习", path: "/my/courses", link: true)]))
        learning.append(
            MyTile.Line(
                text: "党员先锋岗工作日记", actions: [.init(label: "写日记", path: "/my/diary", link: true)]))
        return [MyTile(id: "learning", title: "学习", lines: learning)]
    }
}
