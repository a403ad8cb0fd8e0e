import Fluent
import LiudongCore
import Vapor

/// Measure 4b 结对帮带 — pairings: cadres of both sides paired with mobile members (one per side, a cap per cadre),
/// by hand, by list or from a spreadsheet; ended by hand or when the flow closes. Contacts are `Pairing/Contacts`.
struct PairingsFeature: Feature {
    let name = "pairing"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(16, CreatePairings()), NumberedMigration(17, IndexPairingsByCadreAccount()),
            NumberedMigration(56, IndexSetCadreAccounts()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws { try PairingPages().boot(routes) }

    var navigation: [NavEntry] {
        [NavEntry(order: 62, permission: .managePairings, link: { _ in ("/pairings", "结对帮带") })]
    }

    var openAPI: String? { PairingOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await PairingStore.all(of: id, on: db).map { p in
            ArchiveEntry(
                at: p.startedOn, side: p.side.label, kind: "结对",
                text: "\(p.cadreName)（\(p.cadrePost)）结对" + (p.endedOn.map { "，\($0)解除：\(p.endReason ?? "")" } ?? ""))
        }
    }

    /// Pairings whose flow closed or whose member moved branch end.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let ended = try await PairingActions.endStale(on: app.db, today: today)
        return ended > 0 ? ["自动解除结对\(ended)个（流动结束或组织关系转出）"] : []
    }

    /// The measure's demo, one seeded sequence (pairings, contacts, answers, a hearing).
    func loadDemo(_ demo: DemoContext) async throws { try await PairingDemo.load(demo) }
}
