import Fluent
import LiudongCore
import Vapor

/// Reconciliation's inputs: the national system's quarterly export (a job per upload, a dry run, then apply) and the
/// inflow side's lists; `liudong import`.
struct ImportsFeature: Feature {
    let name = "imports"

    func routes(_ routes: FeatureRoutes) throws { try ImportPages().boot(routes) }

    var commands: [(name: String, command: any AsyncCommand)] { [("import", ImportCommand())] }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 65, permission: .actForInflowOrganization, link: { _ in ("/imports", "流入名单") }),
            NavEntry(
                order: 80, permission: .importNational,
                link: { user in
                    user.isInflowSide ? nil : ("/imports", "数据导入")
                }),
        ]
    }
}
