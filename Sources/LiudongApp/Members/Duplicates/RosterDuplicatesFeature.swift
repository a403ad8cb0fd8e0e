import Fluent
import LiudongCore
import Vapor

/// Roster duplicates (登记重复): a number registered below the county that is already on the roster elsewhere, for
/// the organization department to settle (`/members/duplicates`). The table is the roster's migration 0032.
struct RosterDuplicatesFeature: Feature {
    let name = "roster-duplicates"

    func routes(_ routes: FeatureRoutes) throws { try RosterDuplicatePages().boot(routes) }

    /// Registrations below the county of numbers registered elsewhere, for the organization department to settle.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("rosterDuplicates") {
                PerOrg(counts: try await RosterDuplicates.openCounts(under: $0.path, on: $0.sql()))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        guard scope.user.can(.editOrganizations) else { return [] }
        let counts = try await scope.counts("rosterDuplicates", in: self).counts
        return [WorkTally(kind: "rosterDuplicates", label: "登记重复待核对", href: "/members/duplicates", counts: counts)]
    }
}
