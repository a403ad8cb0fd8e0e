import Fluent
import LiudongCore
import Vapor

/// Measure 4a 织密网络、建强组织 — co-management agreements (共管协议) between our organizations and inflow-side or
/// mobile organizations, and the coverage rate (流动党员党组织覆盖率) they and the mobile organizations
/// (`Network/MobileOrgs`) make.
struct AgreementsFeature: Feature {
    let name = "network"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(18, CreateAgreements()), NumberedMigration(59, IndexAgreementRenewals())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try AgreementPages().boot(routes)
        try AgreementAPI().boot(routes)
    }

    var navigation: [NavEntry] {
        [NavEntry(order: 64, permission: .viewAgreements, link: { _ in ("/agreements", "共管协议") })]
    }

    var openAPI: String? { NetworkOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        var entries: [ArchiveEntry] = []
        for a in try await AgreementStore.ofMember(member, on: db) {
            let inflow = try await OrgTree.byID([a.inflowOrgID], on: db)[a.inflowOrgID]
            entries.append(
                ArchiveEntry(
                    at: a.validFrom, side: "双方", kind: "共管协议",
                    text:
                        "纳入共管协议\(a.number)（与\(inflow?.shortName ?? "")，\(a.validFrom)至\(a.validTo)，\(a.status(on: AppClock.today).label)）"
                ))
        }
        return entries
    }

    /// Agreements awaiting the other side's confirmation; agreements ending within 30 days; inflow organizations with
    /// ten or more of our members and no agreement.
    var rolledCounts: [RolledCount] {
        [
            // The coverage rate on the home page and the statistics page (流动党员党组织覆盖率).
            RolledCount(kinds: ["coverageMobile", "coverageByMobileOrg", "coverageByAgreement"]) {
                let branches = try await CoverageStore.perBranch(under: $0.path, on: $0.sql(), today: $0.today)
                return [
                    "coverageMobile": PerOrg(counts: branches.mapValues(\.mobile)),
                    "coverageByMobileOrg": PerOrg(counts: branches.mapValues(\.byMobileOrg)),
                    "coverageByAgreement": PerOrg(counts: branches.mapValues(\.byAgreement)),
                ]
            },
            RolledCount("agreementsExpiring") {
                PerOrg(try await AgreementStore.expiring(under: $0.path, today: $0.today, on: $0.sql()))
            },
            // Per organization: the inflow organizations where ten or more of its subtree's members report with no
            // agreement covering them (not a sum of its children's: a figure of the whole subtree).
            RolledCount(subtreeFigure: "inflowWithoutAgreement") {
                let pairs = try await AgreementStore.uncoveredPerBranchAndInflow(
                    under: $0.path, today: $0.today, on: $0.sql())
                return SubtreeSums.keysReaching(
                    pairs.map { (SubtreeSums.ids(onPath: $0.path), $0.inflow_id, $0.n) },
                    threshold: AgreementStore.inflowThreshold)
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        if user.isInflowSide {
            let n = try await AgreementStore.toConfirm(by: user.scopeID, on: scope.db)
            return [
                WorkTally(
                    kind: "agreementsToConfirm", label: "共管协议待本方确认", href: "/agreements", counts: [user.scopeID: n])
            ]
        }
        guard user.can(.manageAgreements) else { return [] }
        let expiring = try await scope.counts("agreementsExpiring", in: self)
        var tallies = [
            WorkTally(
                kind: "agreementsExpiring", label: "30天内到期的共管协议", href: "/agreements", counts: expiring.counts)
        ]
        // Counties and below sign agreements; the city reads the same on its statistics page (a scan of every mobile
        // member of the city on each home page would cost more than it tells).
        if user.scopeLevel != .city {
            let unsigned = try await scope.figure("inflowWithoutAgreement", in: self)
            tallies.append(
                WorkTally(
                    kind: "inflowWithoutAgreement", label: "在同一流入地党组织报到10人以上但未签共管协议",
                    href: "/stats/\(user.scopeCode)#coverage", counts: [user.scopeID: unsigned]))
        }
        return tallies
    }

    /// Signed scans (a replaced scan is kept while another agreement refers to the same content).
    var files: [FileReference] {
        [
            FileReference(
                table: "agreements", sha256Column: "scan_sha256", legacyDirectory: "agreements", typeColumn: "scan_type"
            )
        ]
    }

    /// The measure's demo, one seeded sequence (mobile organizations, their members, agreements, suggestions).
    func loadDemo(_ demo: DemoContext) async throws { try await NetworkDemo.load(demo) }
}
