import Fluent
import LiudongCore
import Vapor

/// Measure 4c — 返乡预报: members home for the holidays say when and where (on `/my`, or the branch for them), so
/// the branch expects them for study delivered home without closing their flow; the county reads each season's reach
/// (reached ÷ home) per branch. The sessions themselves are `StudyAtHome/`.
struct HomeVisitsFeature: Feature {
    let name = "home-visits"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(37, AddHomeVisits())] }

    func routes(_ routes: FeatureRoutes) throws { try HomeVisitPages().boot(routes) }

    func loadDemo(_ demo: DemoContext) async throws { try await HomeVisitDemo.load(demo) }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        guard let m = try await Member.find(member.memberID, on: db),
            m.flowStatus.flatMap(FlowState.init(rawValue:))?.isOpen == true
        else { return [] }
        let today = AppClock.today
        let next = try await HomeVisitStore.visits(of: member.memberID, on: db)
            .first { ($0.toOn) >= today.description }
        return [
            MyTile(
                id: "home-visits", title: "返乡预报",
                lines: [
                    MyTile.Line(
                        text: next.map { "已告诉党支部：\($0.fromOn)至\($0.toOn)在\($0.place)" } ?? "回家过节吗？告诉党支部何时回、住在哪里",
                        note: "不必办理返回登记，流动关系照常；党支部据此安排送学上门",
                        actions: [
                            .init(
                                label: next == nil ? "填写返乡预报" : "查看或修改", path: "/my/home-visits", primary: true,
                                link: true)
                        ])
                ])
        ]
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await HomeVisitStore.visits(of: id, on: db).map {
            ArchiveEntry(
                at: $0.fromOn, side: "流出地", kind: "返乡预报", text: "\($0.fromOn)至\($0.toOn)在\($0.place)（\($0.reportedBy)）")
        }
    }
}
