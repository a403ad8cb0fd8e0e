import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The demo's 党小组 and small branches: in each county, the two branches with the most full members set up two groups
/// each at the start of last year (members split in two, the first of each half its leader); in 巴林左旗 and 翁牛特旗
/// a village branch of five full members (moved from the committee's biggest branch, none of them mobile) owes no
/// 支委会 — so the demo has branches of every profile, besides the mobile organizations (some with one member).
enum PartyGroupDemo {
    private struct Big: Decodable {
        var org_id: Int
        var n: Int
    }

    static func load(_ demo: DemoContext) async throws {
        try await smallBranches(demo)
        let sql = try demo.db.sql()
        let rows = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n
            FROM members m JOIN organizations o ON o.id = m.organization_id
            WHERE o.level = 'branch' AND o.kind = 'regular' AND m.category = \(bind: MemberCategory.full.rawValue)
            GROUP BY m.organization_id ORDER BY n DESC, m.organization_id
            """
        ).all(decoding: Big.self)
        let branches = try await OrgTree.byID(rows.map(\.org_id), on: demo.db)
        let counties = try await Organization.query(on: demo.db).filter(\.$level == .county).all()
        var perCounty: [Int: Int] = [:]
        let started = CalendarDate(year: demo.today.year - 1, month: 1, day: 1)!
        for r in rows where r.n >= 2 {
            guard let b = branches[r.org_id], let county = counties.first(where: { b.path.hasPrefix($0.path) }),
                perCounty[county.id!, default: 0] < 2
            else { continue }
            perCounty[county.id!, default: 0] += 1
            let people = try await PartyGroupStore.people(of: b, on: demo.db)
                .filter { $0.category == MemberCategory.full.rawValue }
            let half = people.count / 2
            for (i, part) in [people[..<half], people[half...]].enumerated() where !part.isEmpty {
                let g = PartyGroup()
                g.orgID = b.id!
                g.name = i == 0 ? "第一党小组" : "第二党小组"
                g.leaderID = part.first?.id
                g.createdOn = started.description
                g.createdBy = DemoAuthor.username
                try await PartyGroupStore.save(g, members: part.map(\.id), on: demo.db)
            }
        }
    }

    /// A branch of five full members under the first committee of each of two counties.
    static func smallBranches(_ demo: DemoContext) async throws {
        let sql = try demo.db.sql()
        for county in ["150422", "150426"] {
            guard
                let committee = try await Organization.query(on: demo.db).filter(\.$code == county + "01")
                    .filter(\.$level == .committee).first(),
                try await Organization.query(on: demo.db).filter(\.$code == committee.code + "90").count() == 0
            else { continue }
            let biggest = try await sql.raw(
                """
                SELECT m.organization_id AS org_id, COUNT(*) AS n FROM members m JOIN organizations o ON o.id = m.organization_id
                WHERE o.parent_id = \(bind: committee.id!) AND o.level = 'branch'
                GROUP BY m.organization_id ORDER BY n DESC, m.organization_id LIMIT 1
                """
            ).first(decoding: OrgCount.self)
            guard let from = biggest?.org_id else { continue }
            let village = Organization()
            village.code = committee.code + "90"
            village.name = "中共\(committee.shortName)巴彦嘎查支部委员会"
            village.shortName = "\(committee.shortName)巴彦嘎查党支部"
            village.level = .branch
            village.kind = .regular
            village.divisionCode = committee.divisionCode
            village.secretary = "书记（兼）"
            village.phone = committee.phone
            village.parentID = committee.id
            village.path = "/"
            village.sortOrder = 90
            try await village.create(on: demo.db)
            village.path = committee.path + "\(village.id!)/"
            try await village.update(on: demo.db)
            let moved = try await Member.query(on: demo.db).filter(\.$organizationID == from)
                .filter(\.$flowStatus == nil).filter(\.$category == .full).sort(\.$joinedOn).limit(5).all()
            for m in moved {
                m.organizationID = village.id!
                try await m.update(on: demo.db)
            }
        }
    }
}
