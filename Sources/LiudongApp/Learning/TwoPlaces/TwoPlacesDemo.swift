import Fluent
import LiudongCore
import Vapor

enum TwoPlacesDemo {
    /// The demo inflow organization's course for the members reporting to it.
    static func load(_ demo: DemoContext) async throws {
        guard let account = try await Account.query(on: demo.db).filter(\.$username == "inflow").first(),
            let org = try await Organization.find(account.organizationID, on: demo.db)
        else { return }
        let user = CurrentUser(account: account, scope: org, viaToken: false)
        _ = try await CourseActions.create(
            .init(
                kind: "offline", title: "望京街道流动党员安全生产与法律知识课", source: "望京街道党工委", place: "望京街道党群服务中心",
                minutes: "40", availableFrom: demo.today.adding(days: -10).description,
                availableTo: demo.today.adding(days: 50).description), by: user, on: demo.db, today: demo.today)
    }
}
