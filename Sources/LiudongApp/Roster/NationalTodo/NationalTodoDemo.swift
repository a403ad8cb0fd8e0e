import Fluent
import LiudongCore
import Vapor

/// The demo's to-do list: the lines the demo's transfers and exits wrote, about half of them ticked by the county,
/// and three left open for 40 days (overdue).
enum NationalTodoDemo {
    static func load(_ demo: DemoContext) async throws {
        let lines = try await NationalTodo.query(on: demo.db).sort(\.$createdAt).sort(\.$id).all()
        for (i, t) in lines.enumerated() {
            if i % 2 == 0 {
                t.doneOn = demo.today.description
                t.doneBy = "county"
            } else if i % 7 == 1 {
                t.since = demo.today.adding(days: -40).description
            }
            try await t.update(on: demo.db)
        }
    }
}
