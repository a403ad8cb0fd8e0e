import Fluent
import LiudongCore
import Vapor

/// Measure 4d — talks with long-term low scorers (约谈提醒): members below the county's quarterly line two quarters
/// running are listed for their branch secretary, whose recorded talk goes into the member's archive.
struct PointTalksFeature: Feature {
    let name = "points-talks"

    func routes(_ routes: FeatureRoutes) throws { try PointTalksPages().boot(routes) }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await PointTalksStore.talks(of: id, on: db).map {
            ArchiveEntry(
                at: $0.talkedOn, side: "流出地", kind: "约谈提醒",
                text:
                    "党支部书记\($0.way.label)（因\($0.quarters.replacingOccurrences(of: ",", with: "、"))积分偏低）：\($0.summary)；商定：\($0.steps)"
            )
        }
    }

    /// Low scorers to talk with, per branch. Counties and below, while any county is in the pilot.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("pointsTalk") {
                PerOrg(counts: try await PointTalksStore.counts(under: $0.path, today: $0.today, on: $0.db))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city, user.can(.reviewPoints) else { return [] }
        guard try await PointRulesStore.anyPilot(on: scope.db) else { return [] }
        return [
            WorkTally(
                kind: "pointsTalk", label: "连续两个季度积分偏低、待约谈提醒的党员", href: "/points/talks",
                counts: try await scope.counts("pointsTalk", in: self).counts)
        ]
    }
}
