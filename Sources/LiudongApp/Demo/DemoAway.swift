import Fluent
import LiudongCore

/// People the demo's features pick for their stories, found in one query each (a lookup per open flow of the whole
/// demo was thousands of round trips: minutes on PostgreSQL).
enum DemoAway {
    /// Members with an open flow, in the order of their ids (as the flows sorted by member id gave them).
    static func withOpenFlows(on db: Database) async throws -> [Member] {
        try await Member.query(on: db).join(Flow.self, on: \Member.$id == \Flow.$memberID)
            .filter(Flow.self, \.$status ~~ FlowState.allCases.filter(\.isOpen)).sort(Flow.self, \.$memberID).all()
    }
}
