import Fluent
import LiudongCore

/// The home page's counts.
enum DashboardStore {
    /// Every open organization under the scope (and the scope).
    static func openOrganizations(under scope: Organization, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$path =~ scope.path).filter(\.$closedAt == nil).all()
    }

    /// Members the account sees: all, probationary, migrant workers.
    static func members(visibleTo user: CurrentUser, on db: Database) async throws -> (
        all: Int, probationary: Int, migrant: Int
    ) {
        let all = try await user.visibleMembers(Member.query(on: db)).filter(\.$rosterState == nil).count()
        let probationary = try await user.visibleMembers(Member.query(on: db)).filter(\.$rosterState == nil).filter(
            \.$category == .probationary
        )
        .count()
        let migrant = try await user.visibleMembers(Member.query(on: db)).filter(\.$rosterState == nil).filter(
            \.$isMigrantWorker == true
        ).count()
        return (all, probationary, migrant)
    }
}
