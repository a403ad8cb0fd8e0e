import Vapor

/// The three-level registry: the organization tree, external (inflow-side) organizations.
struct OrganizationsFeature: Feature {
    let name = "organizations"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(1, CreateOrganizations())] }

    func routes(_ routes: FeatureRoutes) throws { try OrganizationController().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 20, permission: .viewOrganizations,
                link: { user in
                    user.isInflowSide ? ("/orgs/\(user.scopeCode)", "本组织") : ("/orgs", "组织架构")
                })
        ]
    }
}
