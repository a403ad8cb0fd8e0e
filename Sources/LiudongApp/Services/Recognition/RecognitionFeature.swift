import Fluent
import LiudongCore
import Vapor

/// 评优表彰 (recognition), a service mechanism: campaigns with quotas per county, nominations by branches approved by
/// the committee and the county, publication onto the members' archives and phones.
struct RecognitionFeature: Feature {
    let name = "recognition"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(26, CreateRecognition())] }

    func routes(_ routes: FeatureRoutes) throws { try RecognitionPages().boot(routes) }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 75, permission: .nominateAwards, link: { u in u.isInflowSide ? nil : ("/awards", "评优表彰") })
        ]
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        var out: [ArchiveEntry] = []
        for a in try await RecognitionStore.awards(of: id, on: db) {
            out.append(ArchiveEntry(at: a.on, side: "流出地", kind: "评优表彰", text: "获评\(a.name)：\(a.citation)"))
        }
        return out
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let honours = try await RecognitionStore.awards(of: member.memberID, on: db).map {
            MyTile.Line(text: "获评\($0.name)（\($0.on)公布）", note: $0.citation)
        }
        return honours.isEmpty ? [] : [MyTile(id: "awards", title: "荣誉", lines: honours)]
    }

    func loadDemo(_ demo: DemoContext) async throws { try await RecognitionDemo.load(demo) }
}
