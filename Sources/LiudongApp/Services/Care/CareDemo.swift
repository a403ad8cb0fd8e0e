import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The demo's hardship register and a Spring Festival campaign half done: members of the demo county in difficulty
/// (verified, some due for review) with help given, and the county's campaign with every other target visited.
enum CareDemo {
    static let situations: [(HardshipKind, Int, String)] = [
        (.illness, 3, "本人患尿毒症，每周透析三次，家中无固定收入。"),
        (.disability, 2, "因工致残，右腿截肢，在外务工收入不稳定。"),
        (.lowIncome, 1, "家中两位老人常年患病，子女上学，收入偏低。"),
        (.disaster, 2, "今年夏天洪水冲毁住房，暂住亲戚家。"),
        (.family, 2, "配偶去世，独自抚养两个孩子。"),
    ]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let secretaryAccount = try await Account.query(on: db).filter(\.$username == "secretary").first(),
            let countyAccount = try await Account.query(on: db).filter(\.$username == "county").first(),
            let branch = try await Organization.find(secretaryAccount.organizationID, on: db),
            let county = try await Organization.find(countyAccount.organizationID, on: db)
        else { return }
        let secretary = CurrentUser(account: secretaryAccount, scope: branch, viaToken: false)
        let countyUser = CurrentUser(account: countyAccount, scope: county, viaToken: false)
        let today = demo.today
        // Hardship: a few members of the secretary's branch and of the county's other branches.
        let members = try await Member.query(on: db).filter(\.$organizationID == branch.id!).sort(\.$name)
            .sort(\.$id).limit(12).all()
        for (i, m) in members.enumerated() where i % 3 == 1 {
            let (kind, level, text) = situations[(i / 3) % situations.count]
            // Some verified over a year ago: due for review.
            let verified = today.adding(days: i % 2 == 0 ? -400 : -60 - i * 7)
            let r = try await CareActions.register(
                .init(
                    kind: kind.rawValue, level: String(level), description: text, verifiedBy: "村党支部书记",
                    verifiedOn: verified.description), member: m,
                as: .staff(secretary, today: today, on: db, audited: false))
            _ = try await CareActions.help(
                .init(
                    givenOn: verified.adding(days: 20).description, form: "money", amount: "\(500 * level)",
                    givenBy: "\(county.shortName)委组织部", source: "党内关怀资金"), record: r, member: m,
                as: .staff(secretary, today: today, on: db, audited: false))
            if level >= 2 {
                _ = try await CareActions.help(
                    .init(
                        givenOn: verified.adding(days: 45).description, form: "goods", amount: "300", goods: "米、面、油各一份",
                        givenBy: branch.shortName, source: "乡镇民政救助"), record: r, member: m,
                    as: .staff(secretary, today: today, on: db, audited: false))
            }
        }
        // The county's Spring Festival campaign, begun ten days ago: every other target visited.
        let c = try await CareActions.createCampaign(
            .init(
                name: "\(today.year + (today.month >= 11 ? 1 : 0))年春节走访慰问", festival: "springFestival",
                startsOn: today.adding(days: -10).description, endsOn: today.adding(days: 80).description,
                hardship: "1", aged70: nil, party50: "1", longAway: "1"), org: county,
            as: .staff(countyUser, today: today, on: db, audited: false))
        let targets = try await CareStore.targets(c, under: county.path, on: db)
        var rows = PointRows(
            "care_visits",
            [
                "id", "campaign_id", "member_id", "org_id", "visited_on", "way", "visitor", "gifts", "situation",
                "recorded_by",
            ], on: db)
        for (i, t) in targets.enumerated() where i % 2 == 0 {
            guard let id = UUID(uuidString: t.memberID) else { continue }
            let way = (i % 3 == 0 ? CareVisitWay.call : .visit).rawValue
            try await rows.add([
                .uuid(UUID()), .uuid(c.id!), .uuid(id), .int(t.orgID),
                .text(today.adding(days: -(i % 9)).description), .text(way), .text("\(t.branch)书记"),
                .text(way == "call" ? "电话问候" : "米面油一份、慰问金300元"), .text("身体尚好，家中一切平安，感谢组织关心。"),
                .text(DemoAuthor.username),
            ])
        }
        try await rows.flush()
    }
}
