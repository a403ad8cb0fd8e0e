import Fluent
import LiudongCore
import Vapor

/// Measure 4c — 党小组 and each branch's requirement profile: a branch (or mobile party organization) sets up its
/// groups here; what it owes of organizational life follows from its full members and groups on the quarter's first
/// day (`OrgLifeProfile`; the compliance counts and the worklist read it through `PartyGroupStore.profiles`).
struct PartyGroupsFeature: Feature {
    let name = "party-groups"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(35, CreatePartyGroups())] }

    func routes(_ routes: FeatureRoutes) throws { try PartyGroupPages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await PartyGroupDemo.load(demo) }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await PartyGroupStore.groups(of: id, on: db).map {
            ArchiveEntry(
                at: $0.createdOn, side: "流出地", kind: "党小组",
                text: "编入\($0.name)" + ($0.closedOn.map { "（\($0)撤销）" } ?? ""))
        }
    }
}
