import Fluent
import Foundation
import LiudongCore

/// The demo's inflow organization handled by proxy: of the organizations without an account that members report to,
/// the one with the most of them had its list for this quarter submitted by the demo county on its behalf.
enum ProxyDemo {
    static func load(_ demo: DemoContext) async throws {
        guard let root = try await OrganizationService.root(on: demo.db) else { return }
        let q = Quarter(containing: demo.today)
        guard
            let top = try await ProxyStore.candidates(under: root.path, quarter: q, on: demo.db)
                .filter({ $0.by_username == nil }).max(by: { $0.members < $1.members }),
            let org = try await Organization.find(top.id, on: demo.db)
        else { return }
        _ = try await InflowLedgerService.confirm(
            org: org, quarter: q, username: "county（代为上传）", cipher: demo.cipher, gate: WriteGate(), on: demo.db)
    }
}
