import Fluent
import LiudongCore
import Vapor

/// The roster's whole life, part four — 失联党员: the search log of each case, the member's own signs of life ending
/// it, and after the period with enough tries a proposal for the committee (never a decision).
struct LostContactFeature: Feature {
    let name = "lost-contact"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(46, CreateLostSearches())] }

    func routes(_ routes: FeatureRoutes) throws { try LostContactPages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await LostContactDemo.load(demo) }

    /// Lost for the county's period with at least three tries: for a committee or above to decide.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("lostContactProposal") {
                PerOrg(
                    counts: try await LostContactStore.proposals(
                        under: $0.path, cutoff: LostContactRules.proposalCutoff(today: $0.today),
                        minimum: LostContactRules.minimumTries, on: $0.sql()))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .branch, user.can(.decideFlows) else { return [] }
        let counts = try await scope.counts("lostContactProposal", in: self).counts
        return [
            WorkTally(
                kind: "lostContactProposal", label: "失联满6个月且已查找3次以上：请党委研究（停止党籍或继续查找）",
                href: "/lost-contact", counts: counts)
        ]
    }
}
