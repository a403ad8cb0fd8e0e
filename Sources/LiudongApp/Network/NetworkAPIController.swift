import Fluent
import LiudongCore
import Vapor

/// `/api/v1/agreements`, `/api/v1/coverage`, `/api/v1/temporary-org-suggestions`.
struct NetworkAPIController {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.manageAgreements).post("api", "v1", "agreements", use: create)
        r.signedIn(.viewAgreements).get("api", "v1", "agreements", use: list)
        r.signedIn(.viewStatistics).get("api", "v1", "coverage", use: coverage)
        r.signedIn(.manageAgreements).get("api", "v1", "temporary-org-suggestions", use: suggestions)
    }

    struct Created: Content {
        var id: UUID
        var status: String
    }

    /// `POST /api/v1/agreements` → 201 `{"id","status"}`; 422 per field.
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(AgreementService.Input.self)
        let a = try await AgreementService.create(input, by: try req.user, on: req.db)
        try await req.audit(.create, "agreement", ref: a.id!.uuidString, summary: "签订共管协议\(a.number)（API）")
        let res = Response(status: .created)
        try res.content.encode(Created(id: a.id!, status: a.status(on: AppClock.today).rawValue), as: .json)
        return res
    }

    struct Item: Content {
        var id: UUID
        var number: String
        var outflowOrgCode: String
        var inflowOrgCode: String
        var validFrom: String
        var validTo: String
        var status: String
    }
    struct Items: Content { var items: [Item] }

    /// `GET /api/v1/agreements?org=CODE`: agreements of the organization, of those under it and above it, and those
    /// it is the other side of.
    func list(req: Request) async throws -> Items {
        let org = try await req.scopeOrganization()
        let agreements = try await AgreementController.list(for: org, on: req.db)
        let ids = Set(agreements.flatMap { [$0.outflowOrgID, $0.inflowOrgID] })
        let codes = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: req.db).filter(\.$id ~~ Array(ids)).all().map {
                ($0.id!, $0.code)
            })
        let today = AppClock.today
        return Items(
            items: agreements.map {
                Item(
                    id: $0.id!, number: $0.number, outflowOrgCode: codes[$0.outflowOrgID] ?? "",
                    inflowOrgCode: codes[$0.inflowOrgID] ?? "", validFrom: $0.validFrom, validTo: $0.validTo,
                    status: $0.status(on: today).rawValue)
            })
    }

    struct CoverageResponse: Content {
        struct ByWay: Content {
            var mobileOrg: Int
            var agreement: Int
        }
        var org: String
        var mobileMembers: Int
        var covered: Int
        var rate: Double
        var byWay: ByWay
        var uncoveredByDestination: [Coverage.Destination]
    }

    /// `GET /api/v1/coverage?org=CODE`.
    func coverage(req: Request) async throws -> CoverageResponse {
        let user = try req.user
        let org = try await req.scopeOrganization()
        guard !user.isInflowSide else { throw AppError.forbidden }
        let (c, _) = try await Coverage.rolledUp(for: org, on: req.db)
        return CoverageResponse(
            org: org.code, mobileMembers: c.mobile, covered: c.covered, rate: c.rate,
            byWay: .init(mobileOrg: c.byMobileOrg, agreement: c.byAgreement),
            uncoveredByDestination: try await Coverage.uncoveredByDestination(under: org, on: req.db))
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
            items: try await MobileOrgService.suggestions(under: org, on: req.db).map {
                SuggestionItem(
                    countyCode: $0.countyCode, destinationCode: $0.destinationCode, destinationName: $0.destinationName,
                    members: $0.members, memberIds: $0.memberIds)
            })
    }
}
