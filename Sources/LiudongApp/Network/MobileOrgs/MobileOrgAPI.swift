import Fluent
import LiudongCore
import Vapor

/// `GET /api/v1/temporary-org-suggestions?org=CODE`.
struct MobileOrgAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.manageAgreements).get("api", "v1", "temporary-org-suggestions", use: suggestions)
    }

    struct SuggestionItem: Content {
        var countyCode: String
        var destinationCode: String
        var destinationName: String
        var members: Int
        var memberIds: [UUID]
    }
    struct Suggestions: Content { var items: [SuggestionItem] }

    /// `GET /api/v1/temporary-org-suggestions?org=CODE`.
    func suggestions(req: Request) async throws -> Suggestions {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        return Suggestions(
            items: try await MobileOrgActions.suggestions(under: org, on: req.db).map {
                SuggestionItem(
                    countyCode: $0.countyCode, destinationCode: $0.destinationCode, destinationName: $0.destinationName,
                    members: $0.members, memberIds: $0.memberIds)
            })
    }
}
