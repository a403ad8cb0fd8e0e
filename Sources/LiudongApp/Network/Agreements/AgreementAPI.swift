import Fluent
import LiudongCore
import Vapor

/// `/api/v1/agreements`, `/api/v1/coverage`.
struct AgreementAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.manageAgreements).post("api", "v1", "agreements", use: create)
        r.signedIn(.viewAgreements).get("api", "v1", "agreements", use: list)
        r.signedIn(.viewStatistics).get("api", "v1", "coverage", use: coverage)
    }

    struct Created: Content {
        var id: UUID
        var status: String
    }

    /// `POST /api/v1/agreements` → 201 `{"id","status"}`; 422 per field.
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(AgreementActions.Input.self)
        let a = try await AgreementActions.create(input, via: "（API）", as: try req.acting)
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
        let agreements = try await AgreementStore.list(for: org, on: req.db)
        let codes = try await OrgTree.byID(
            Set(agreements.flatMap { [$0.outflowOrgID, $0.inflowOrgID] }), on: req.db
        ).mapValues(\.code)
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
        var uncoveredByDestination: [CoverageStore.Destination]
    }

    /// `GET /api/v1/coverage?org=CODE`.
    func coverage(req: Request) async throws -> CoverageResponse {
        let user = try req.user
        let org = try await req.scopeOrganization()
        guard !user.isInflowSide else { throw AppError.forbidden }
        let (c, _) = try await CoverageStore.rolledUp(for: org, on: req.db)
        return CoverageResponse(
            org: org.code, mobileMembers: c.mobile, covered: c.covered, rate: c.rate,
            byWay: .init(mobileOrg: c.byMobileOrg, agreement: c.byAgreement),
            uncoveredByDestination: try await CoverageStore.uncoveredByDestination(under: org, on: req.db))
    }
}
