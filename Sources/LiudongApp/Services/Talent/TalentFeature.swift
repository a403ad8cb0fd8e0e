import Fluent
import LiudongCore
import Vapor

/// 人才回引 (talent), a service mechanism: the register of members' trades and skills, the home county's jobs and
/// start-up policies matched to them, and return projects.
struct TalentFeature: Feature {
    let name = "talent"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(25, CreateTalent())] }

    func routes(_ routes: FeatureRoutes) throws {
        try TalentPages().boot(routes)
        try MyTalentPages().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 74, permission: .keepTalentRegister,
                link: { u in u.isInflowSide ? nil : ("/talent", "人才回引") })
        ]
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let talent = try await TalentProfile.find(member.memberID, on: db)
        var matched = 0
        if talent != nil, let m = try await Member.find(member.memberID, on: db) {
            matched = try await TalentActions.matches(for: m, today: AppClock.today, on: db).count
        }
        return [
            MyTile(
                id: "talent", title: "就业创业",
                lines: [
                    MyTile.Line(
                        text: talent == nil
                            ? "填写行业和技能，家乡的岗位和创业扶持政策会推荐给您" : "为您推荐家乡的岗位和政策\(matched)条",
                        actions: [
                            .init(label: talent == nil ? "填写" : "查看", path: "/my/talent", primary: true, link: true)
                        ])
                ])
        ]
    }

    func loadDemo(_ demo: DemoContext) async throws { try await TalentDemo.load(demo) }
}
