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

    var rolledCounts: [RolledCount] {
        [
            RolledCount("nationalTodo") {
                let (open, overdue) = try await NationalTodoStore.counts(under: $0.path, today: $0.today, on: $0.sql())
                return PerOrg(counts: open, late: overdue)
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.can(.editRoster) else { return [] }
        let todo = try await scope.counts("nationalTodo", in: self)
        let (open, overdue) = (todo.counts, todo.late)
        return [
            WorkTally(
                kind: "nationalTodo", label: "全国系统待录入（超过30天为逾期）", href: "/national-todo", counts: open,
                overdue: overdue)
        ]
    }
}
