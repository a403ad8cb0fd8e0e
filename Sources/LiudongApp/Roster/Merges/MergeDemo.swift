import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's duplicates to merge: two members of 巴林左旗 registered a second time with a mistyped number (same
/// name and birth date, another branch), waiting on the county's 重复登记 page.
enum MergeDemo {
    private struct Pick: Decodable {
        var id: UUID
    }

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let county = try await OrgTree.organization(code: "150422", on: db) else { return }
        let branches = try await OrgTree.openBranches(under: county, on: db).filter { $0.kind == .regular }
        guard branches.count >= 3 else { return }
        let picks = try await db.sql().raw(
            """
            SELECT id FROM members WHERE organization_id = \(bind: branches[branches.count - 1].id!)
              AND roster_state IS NULL AND flow_status IS NULL ORDER BY name, id LIMIT 2
            """
        ).all(decoding: Pick.self)
        for (i, p) in picks.enumerated() {
            guard let m = try await Member.find(p.id, on: db), let birth = CalendarDate(m.birthDate) else { continue }
            let number = IDNumber.make(division: m.idPrefix, birth: birth, sequence: 900 + i * 2, sex: m.sex)
            let twin = Member()
            twin.name = m.name
            twin.sex = m.sex
            twin.ethnicity = m.ethnicity
            twin.birthDate = m.birthDate
            twin.idNumberEnc = try demo.cipher.seal(number)
            twin.idNumberHash = demo.cipher.hash(number)
            twin.idTail = ""
            twin.idTailHash = demo.cipher.tailHash(number)
            twin.idPrefix = String(number.prefix(6))
            twin.education = m.education
            twin.category = m.category
            twin.joinedOn = m.joinedOn
            twin.fullOn = m.fullOn
            twin.organizationID = branches[i].id!
            twin.isMigrantWorker = m.isMigrantWorker
            try await twin.create(on: db)
            try await MemberEvent.record(
                twin.requireID(), kind: .created, summary: "登记入花名册（号码录入有误的重复登记，演示）", by: "demo", on: db)
        }
    }
}
