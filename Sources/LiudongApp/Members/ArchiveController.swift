import Fluent
import Foundation
import LiudongCore
import Vapor

/// 一人一档: one member's whole record from both sides as one timeline that prints as the member's 流动党员档案.
/// Each feature contributes its lines (`Feature.archive`): roster changes, self-reports and reviews, flows, the
/// national exports, the inflow side's ledgers, reconciliation outcomes. The outflow side and the inflow
/// organization they report to see the same page.
struct ArchiveController {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.viewMembers).get("members", ":id", "archive", use: show)
    }

    struct View: Encodable {
        var memberID: String
        var name: String
        var sex: String
        var idMasked: String
        var birth: String
        var ethnicity: String
        var education: String
        var category: String
        var joined: String
        var branch: String
        var phoneMasked: String
        var entries: [ArchiveEntry]
        var printedAt: String
    }

    static func time(_ d: Date?) -> String { Format.dateTime(d) }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound }
        let m = try await MemberService.find(id, for: user, on: req.db)
        let branch = try await Organization.find(m.organizationID, on: req.db)
        let entries = try await Features.archive(m, features: req.application.features, on: req.db)
        let view = View(
            memberID: id.uuidString, name: m.name, sex: m.sex.label, idMasked: m.idMasked(req.cipher),
            birth: Masking.birthMonth(m.birthDate), ethnicity: m.ethnicity, education: m.education.label,
            category: m.category.label, joined: m.joinedOn, branch: branch?.name ?? "",
            phoneMasked: (m.phonePrefix ?? "") + (m.phoneTail.map { "****" + $0 } ?? ""), entries: entries,
            printedAt: ArchiveController.time(AppClock.now))
        return try await req.page("members/archive", title: "流动党员档案", view)
    }
}
