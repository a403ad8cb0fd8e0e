import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4c, what organizational life each branch owes: the required frequencies per kind (monthly, quarterly,
/// yearly; the city's settings), each branch's held against required in a quarter, and the six-month alert for
/// members who took part in none anywhere.
struct ComplianceFeature: Feature {
    let name = "org-life-compliance"

    func routes(_ routes: FeatureRoutes) throws {
        try CompliancePages().boot(routes)
        try ComplianceAPI().boot(routes)
    }

    /// Branches behind schedule last quarter and members silent for six months. Counties and below (the city reads
    /// the same on its pages).
    /// A city's or province's compliance page for the current quarter, counted by the roll-up.
    var rolledFigures: [RolledFigure] {
        [
            RolledFigure("orgLifeCompliance") { org, db in
                try await CompliancePages.view(for: org, quarter: Quarter(containing: AppClock.today), on: db)
            }
        ]
    }

    var rolledCounts: [RolledCount] {
        [
            RolledCount("orgLifeBehind") {
                PerOrg(counts: try await ComplianceStore.behind(under: $0.path, today: $0.today, on: $0.db))
            },
            RolledCount("sixMonthNoOrgLife") {
                PerOrg(counts: try await ComplianceStore.sixMonthCounts(under: $0.path, today: $0.today, on: $0.sql()))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city else { return [] }
        var tallies: [WorkTally] = []
        if user.can(.recordOrgLife) {
            tallies.append(
                WorkTally(
                    kind: "orgLifeBehind", label: "上季度组织生活未达频次要求的党支部",
                    href:
                        "/org-life/compliance?quarter=\(Quarter(containing: scope.today).previous?.description ?? "")",
                    counts: try await scope.counts("orgLifeBehind", in: self).counts)
            )
            tallies.append(
                WorkTally(
                    kind: "sixMonthNoOrgLife", label: "连续6个月未参加组织生活的党员（提醒）", href: "/org-life/alerts",
                    counts: try await scope.counts("sixMonthNoOrgLife", in: self).counts))
        }
        return tallies
    }
}
