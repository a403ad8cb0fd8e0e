import Fluent
import LiudongCore
import Vapor

/// The roster's whole life, part three — 全国系统待录入 (双向登记): every change made here that must also be entered
/// into the national system, until staff tick it or the next national import shows it; over 30 days on the worklist.
struct NationalTodoFeature: Feature {
    let name = "national-todo"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(45, CreateNationalTodos())] }

    func routes(_ routes: FeatureRoutes) throws {
        try NationalTodoPages().boot(routes)
        try NationalTodoAPI().boot(routes)
    }

    func loadDemo(_ demo: DemoContext) async throws { try await NationalTodoDemo.load(demo) }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.can(.editRoster) else { return [] }
        let (open, overdue) = try await NationalTodoStore.counts(
            under: user.scopePath, today: scope.today, on: scope.sql())
        return [
            WorkTally(
                kind: "nationalTodo", label: "全国系统待录入（超过30天为逾期）", href: "/national-todo", counts: open,
                overdue: overdue)
        ]
    }
}
