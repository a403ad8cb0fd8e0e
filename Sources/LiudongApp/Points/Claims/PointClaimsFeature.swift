import Fluent
import LiudongCore
import Vapor

/// Measure 4d — claims and appeals (积分申报、申诉): a member claims a deed (with a photo if they like) and appeals an
/// entry; the branch secretary decides both, with reasons the member reads.
struct PointClaimsFeature: Feature {
    let name = "points-claims"

    func routes(_ routes: FeatureRoutes) throws {
        try PointClaimsPages().boot(routes)
        try PointClaimsAPI().boot(routes)
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await PointClaimsStore.decidedClaims(of: id, on: db).map { c in
            ArchiveEntry(
                at: c.onDay, side: "本人", kind: "积分申报",
                text: "申报“\(String(c.description.prefix(40)))”（\(c.itemCode)）：\(c.status.label)"
                    + (c.decisionReason.map { "，\($0)" } ?? ""))
        }
    }

    /// Claims and appeals waiting for the member's branch. Counties and below, while any county is in the pilot.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("pointClaims") {
                PerOrg(try await PointClaimsStore.waitingPerBranch(under: $0.path, on: $0.sql()).claims)
            },
            RolledCount("pointAppeals") {
                PerOrg(try await PointClaimsStore.waitingPerBranch(under: $0.path, on: $0.sql()).appeals)
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city, user.can(.reviewPoints) else { return [] }
        guard try await PointRulesStore.anyPilot(on: scope.db) else { return [] }
        let claims = try await scope.counts("pointClaims", in: self)
        let appeals = try await scope.counts("pointAppeals", in: self)
        return [
            WorkTally(kind: "pointClaims", label: "待审核的积分申报", href: "/points/claims", counts: claims.counts),
            WorkTally(kind: "pointAppeals", label: "待处理的积分申诉", href: "/points/appeals", counts: appeals.counts),
        ]
    }

    var files: [FileReference] {
        [
            FileReference(
                table: "point_claims", sha256Column: "photo_sha256", legacyDirectory: "points", typeColumn: "photo_type"
            )
        ]
    }
}
