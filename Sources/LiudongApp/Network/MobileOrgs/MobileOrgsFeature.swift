import Fluent
import LiudongCore
import Vapor

/// Measure 4a — mobile party organizations (流动党员党组织): their founding records, the members taking part,
/// dissolution, and the suggestion to found a temporary one where three or more uncovered members of a county work
/// in one place.
struct MobileOrgsFeature: Feature {
    let name = "mobile-orgs"

    func routes(_ routes: FeatureRoutes) throws {
        try MobileOrgPages().boot(routes)
        try MobileOrgAPI().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 65, permission: .viewAgreements,
                link: { u in u.isInflowSide ? nil : ("/mobile-orgs", "流动党员党组织") })
        ]
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        let memberships = try await MobileOrgStore.memberships(of: id, on: db)
        let orgs = try await OrgTree.byID(memberships.map(\.orgID), on: db)
        return memberships.map { m in
            ArchiveEntry(
                at: m.joinedOn, side: "流入地", kind: "流动党员党组织",
                text: "参加\(orgs[m.orgID]?.name ?? "流动党员党组织")组织生活"
                    + (m.leftOn.map { "，\($0)退出：\(m.leftReason ?? "")" } ?? ""))
        }
    }

    /// Each county's number of temporary-organization suggestions (a figure of the county's whole subtree).
    var rolledCounts: [RolledCount] {
        [
            RolledCount(subtreeFigure: "temporaryOrgSuggestions") {
                let all = try await MobileOrgActions.suggestions(under: $0.path, on: $0.db, today: $0.today)
                return Dictionary(all.map { ($0.countyID, 1) }, uniquingKeysWith: +)
            }
        ]
    }

    /// A county's temporary-organization suggestions.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.can(.manageAgreements), user.scopeLevel == .county,
            user.can(.editOrganizations)
        else { return [] }
        let n = try await scope.figure("temporaryOrgSuggestions", in: self)
        return [
            WorkTally(
                kind: "temporaryOrgSuggestions", label: "建议成立临时党支部", href: "/temporary-orgs/suggestions",
                counts: [user.scopeID: n])
        ]
    }

    /// Temporary organizations close themselves once the end day of their founding record has passed (every
    /// membership ends); thirty days before, their county is told once.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let (told, closed) = try await MobileOrgActions.expire(today: today, app: app)
        var lines: [String] = []
        if told > 0 { lines.append("临时党组织即将到期，已提醒\(told)个") }
        if closed > 0 { lines.append("临时党组织到期自动撤销\(closed)个") }
        return lines
    }
}
