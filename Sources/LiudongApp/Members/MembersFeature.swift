import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The roster (花名册): members, their pages and reveals, the member API, and the archive page (一人一档).
struct MembersFeature: Feature {
    let name = "members"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(2, CreateMembers()), NumberedMigration(14, ProtectIDTails(cipher: app.cipher)),
            NumberedMigration(32, CreateRosterDuplicates()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try MemberController().boot(routes)
        try APIController().boot(routes)
        try ArchiveController().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 30, permission: .viewMembers,
                link: { user in
                    ("/members", user.isInflowSide ? "报到党员" : "党员花名册")
                })
        ]
    }

    /// Roster changes and every other event recorded against the member.
    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard member.id != nil else { return [] }
        return try await MemberService.timeline(member, on: db).map { event in
            ArchiveEntry(
                at: Format.dateTime(event.at), side: "流出地",
                kind: Self.archiveKind(MemberEventKind(rawValue: event.kind)),
                text: event.summary + (event.accountUsername.map { "（\($0)）" } ?? ""))
        }
    }

    /// The archive's kind for a timeline line: 对账, 组织关系转接 and 党员减少 by their name, the rest 花名册.
    static func archiveKind(_ kind: MemberEventKind?) -> String {
        switch kind {
        case .reconciliation: return "对账"
        case .transfer, .exit: return kind?.label ?? "花名册"
        default: return "花名册"
        }
    }

    var openAPI: String? { MembersOpenAPI.part }
}
