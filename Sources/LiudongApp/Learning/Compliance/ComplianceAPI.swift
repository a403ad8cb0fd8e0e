import Fluent
import LiudongCore
import Vapor

/// `GET /api/v1/org-life/compliance`: each branch's required and held organizational life in a quarter.
struct ComplianceAPI {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.viewStatistics).get("api", "v1", "org-life", "compliance", use: compliance)
    }

    struct Items<T: Content>: Content { var items: [T] }

    /// `GET /api/v1/org-life/compliance?org=CODE&quarter=2026Q4`.
    func compliance(req: Request) async throws -> Items<ComplianceStore.Item> {
        let org = try await req.scopeOrganization()
        let q = try CompliancePages.quarter(req)
        return Items(items: try await ComplianceStore.items(under: org.path, quarter: q, on: req.db).flatMap(\.1))
    }
}
