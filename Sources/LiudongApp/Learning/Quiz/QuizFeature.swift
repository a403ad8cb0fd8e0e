import Fluent
import LiudongCore
import Vapor

/// Measure 4c, the weekly quiz (每周一学): the question bank, a quiz per week from each level that publishes one (the
/// city, a county, a committee), and the member answering every quiz of the week at their levels. (The city's quizzes
/// in the demo are loaded with the measure's seeded demo, `OrgLifeFeature`; a county's beside it here.)
struct QuizFeature: Feature {
    let name = "quiz"

    func routes(_ routes: FeatureRoutes) throws {
        try QuizPages().boot(routes)
        try MyQuizPages().boot(routes)
        try QuizAPI().boot(routes)
    }

    func loadDemo(_ demo: DemoContext) async throws { try await QuizDemo.loadCountyQuiz(demo) }
}
