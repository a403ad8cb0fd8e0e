import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4a 织密网络、建强组织: mobile party organizations with their founding records and participants,
/// co-management agreements, the coverage rate, and suggestions to found temporary organizations.
struct NetworkFeature: Feature {
    let name = "network"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(18, CreateAgreements())] }

    func routes(_ routes: FeatureRoutes) throws {
        try AgreementController().boot(routes)
        try MobileOrgController().boot(routes)
        try NetworkAPIController().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 64, permission: .viewAgreements, link: { _ in ("/agreements", "共管协议") }),
            NavEntry(
                order: 65, permission: .viewAgreements,
                link: { u in u.isInflowSide ? nil : ("/mobile-orgs", "流动党员党组织") }),
        ]
    }

    var openAPI: String? { NetworkOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var entries: [ArchiveEntry] = []
        for m in try await MobileOrgMembership.query(on: db).filter(\.$memberID == id).all() {
            let org = try await Organization.find(m.orgID, on: db)
            entries.append(
                ArchiveEntry(
                    at: m.joinedOn, side: "流入地", kind: "流动党员党组织",
                    text: "参加\(org?.name ?? "流动党员党组织")组织生活" + (m.leftOn.map { "，\($0)退出：\(m.leftReason ?? "")" } ?? ""))
            )
        }
        if let flow = try await Flow.query(on: db).filter(\.$memberID == id).filter(
            \.$status ~~ [.away, .arrived, .lost]
        )
        .first(), let inflowID = flow.inflowOrgID,
            let home = try await Organization.find(member.organizationID, on: db)
        {
            let ancestors = home.pathIDs
            let agreements = try await Agreement.query(on: db).filter(\.$inflowOrgID == inflowID)
                .filter(\.$outflowOrgID ~~ ancestors).all()
            for a in agreements {
                if a.covers == .list, !(try await AgreementService.listed(a, on: db).contains(id)) { continue }
                let inflow = try await Organization.find(a.inflowOrgID, on: db)
                entries.append(
                    ArchiveEntry(
                        at: a.validFrom, side: "双方", kind: "共管协议",
                        text:
                            "纳入共管协议\(a.number)（与\(inflow?.shortName ?? "")，\(a.validFrom)至\(a.validTo)，\(a.status(on: AppClock.today).label)）"
                    ))
            }
        }
        return entries
    }

    /// Agreements ending within 30 days; inflow organizations with ten or more of our members and no agreement;
    /// agreements awaiting the other side's confirmation; a county's temporary-organization suggestions.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        var tallies: [WorkTally] = []
        let day = scope.today.description
        let soon = scope.today.adding(days: AgreementStatus.expiringDays).description
        let sql = try scope.sql()
        if user.isInflowSide {
            let n = try await Agreement.query(on: scope.db).filter(\.$inflowOrgID == user.scopeID)
                .filter(\.$confirmedAt == nil).filter(\.$terminatedOn == nil).filter(\.$signedOn != nil).count()
            tallies.append(
                WorkTally(
                    kind: "agreementsToConfirm", label: "共管协议待本方确认", href: "/agreements", counts: [user.scopeID: n]))
            return tallies
        }
        guard user.can(.manageAgreements) else { return tallies }
        let expiring = try await sql.raw(
            """
            SELECT a.outflow_org_id AS org_id, COUNT(*) AS n FROM agreements a JOIN organizations o ON o.id = a.outflow_org_id
            WHERE \(PathPrefix("o.path", user.scopePath)) AND a.signed_on IS NOT NULL AND a.terminated_on IS NULL
              AND a.valid_from <= \(bind: day) AND a.valid_to >= \(bind: day) AND a.valid_to <= \(bind: soon)
              AND NOT EXISTS (SELECT 1 FROM agreements r WHERE r.previous_id = a.id)
            GROUP BY a.outflow_org_id
            """
        ).all(decoding: OrgCount.self)
        tallies.append(
            WorkTally(
                kind: "agreementsExpiring", label: "30天内到期的共管协议", href: "/agreements",
                counts: expiring.counts))
        // Counties and below sign agreements; the city reads the same on its statistics page (a scan of every mobile
        // member of the city on each home page would cost more than it tells).
        if user.scopeLevel != .city {
            let unsigned = try await NetworkWork.inflowWithoutAgreement(
                under: user.scopePath, today: scope.today, on: sql)
            tallies.append(
                WorkTally(
                    kind: "inflowWithoutAgreement", label: "在同一流入地党组织报到10人以上但未签共管协议",
                    href: "/stats/\(user.scopeCode)#coverage", counts: [user.scopeID: unsigned.count]))
        }
        if user.scopeLevel == .county, user.can(.editOrganizations),
            let county = try await Organization.find(user.scopeID, on: scope.db)
        {
            let n = try await MobileOrgService.suggestions(under: county, on: scope.db, today: scope.today).count
            tallies.append(
                WorkTally(
                    kind: "temporaryOrgSuggestions", label: "建议成立临时党支部", href: "/temporary-orgs/suggestions",
                    counts: [user.scopeID: n]))
        }
        return tallies
    }

    /// Scans no agreement refers to (a write that failed halfway, a replaced scan) go after a day.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        try await UploadLedger.sweepOrphans(app, "agreements", table: "agreements", typeColumn: "scan_type")
    }

    func loadDemo(_ demo: DemoContext) async throws { try await NetworkDemo.load(demo) }
}

enum NetworkWork {
    struct Row: Decodable {
        var id: Int
        var code: String
        var short_name: String
        var n: Int
    }

    /// External inflow organizations where ten or more members under `path` report with no agreement covering them.
    static func inflowWithoutAgreement(
        under path: String, today: CalendarDate, threshold: Int = 10, on sql: SQLDatabase
    ) async throws -> [Row] {
        let open = SQLBind.group(LedgerService.openStates)
        let day = today.description
        return try await sql.raw(
            """
            SELECT i.id, i.code, i.short_name, COUNT(*) AS n
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f CROSS JOIN organizations i
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND i.id = f.inflow_org_id AND i.kind = 'external'
              AND NOT \(Coverage.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day))
            GROUP BY i.id, i.code, i.short_name HAVING COUNT(*) >= \(bind: threshold) ORDER BY n DESC
            """
        ).all(decoding: Row.self)
    }
}
