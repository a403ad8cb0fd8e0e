import Fluent
import LiudongCore
import Vapor

/// Measure 4c, study at home and away: the vanguard-post diary (党员先锋岗工作日记) read and marked by the branch,
/// study delivered home in a return season (集中返乡送学上门). (Its demo
/// is loaded with the measure's seeded demo, `OrgLifeFeature`.)
struct StudyAtHomeFeature: Feature {
    let name = "study-at-home"

    func routes(_ routes: FeatureRoutes) throws {
        try StudyAtHomePages().boot(routes)
        try MyDiaryPages().boot(routes)
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var entries: [ArchiveEntry] = []
        let (diaries, reached) = try await StudyAtHomeStore.history(of: id, on: db)
        for d in diaries {
            entries.append(
                ArchiveEntry(
                    at: d.onDay, side: "本人", kind: "先锋岗日记",
                    text: String(d.text.prefix(60)) + (d.text.count > 60 ? "…" : "") + (d.excellent ? "（优秀）" : "")
                        + (d.comment.map { " · 书记点评：\($0)" } ?? "")))
        }
        for r in reached {
            entries.append(
                ArchiveEntry(
                    at: r.onDay, side: "流出地", kind: "送学上门", text: "返乡期间送学上门：\(r.topic)"))
        }
        return entries
    }

    /// Diary entries to read. Counties and below.
    var rolledCounts: [RolledCount] {
        [
            RolledCount("diariesToRead") {
                PerOrg(counts: try await StudyAtHomeStore.diariesToRead(under: $0.path, on: $0.sql()))
            }
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let user = scope.user
        guard !user.isInflowSide, user.scopeLevel != .city, user.can(.manageLearning) else { return [] }
        return [
            WorkTally(
                kind: "diariesToRead", label: "待阅读点评的先锋岗日记", href: "/diaries",
                counts: try await scope.counts("diariesToRead", in: self).counts)
        ]
    }

    var files: [FileReference] {
        [
            FileReference(
                table: "diary_entries", sha256Column: "photo_sha256", legacyDirectory: "diary", typeColumn: "photo_type"
            )
        ]
    }
}
