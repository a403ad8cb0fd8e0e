import Fluent
import Foundation
import LiudongCore

/// The demo's recognition: last year's 优秀流动党员 of the demo county published (the demo member among them, on their
/// archive and phone), and this year's 流动党员先锋岗 with nominations at every stage.
enum RecognitionDemo {
    static let citations = [
        "在流入地积极参加组织生活，带领工友开展安全生产学习，连续两年无事故，主动为家乡合作社联系销路。",
        "常年在外务工，坚持按时缴纳党费、参加网上学习，春节返乡期间组织志愿服务，帮助孤寡老人。",
        "在社区防汛中连续值守三个夜班，帮助新到城市的老乡找工作、办手续，群众评价好。",
        "利用电商经验为村里农产品开网店，带动十余户增收，积极参与家乡党支部活动。",
    ]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let county = try await Account.query(on: db).filter(\.$username == "county").first(),
            let committee = try await Account.query(on: db).filter(\.$username == "committee").first(),
            let secretary = try await Account.query(on: db).filter(\.$username == "secretary").first(),
            let countyOrg = try await Organization.find(county.organizationID, on: db),
            let committeeOrg = try await Organization.find(committee.organizationID, on: db),
            let branch = try await Organization.find(secretary.organizationID, on: db)
        else { return }
        let countyUser = CurrentUser(account: county, scope: countyOrg, viaToken: false)
        let committeeUser = CurrentUser(account: committee, scope: committeeOrg, viaToken: false)
        let secretaryUser = CurrentUser(account: secretary, scope: branch, viaToken: false)
        let today = demo.today
        var people: [Member] = []
        if let id = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID,
            let me = try await Member.find(id, on: db)
        {
            people.append(me)
        }
        let away = try await DemoAway.withOpenFlows(on: db)
        for m in away where people.count < 5 {
            guard m.organizationID == branch.id, !people.contains(where: { $0.id == m.id }) else { continue }
            people.append(m)
        }
        guard !people.isEmpty else { return }
        // Last year's, published.
        let last = try await RecognitionActions.create(
            .init(name: nil, award: "excellentMobile", year: String(today.year - 1), nominateUntil: today.description),
            quotas: [countyOrg.id!: 5], org: countyOrg, as: .staff(countyUser, today: today, on: db, audited: false))
        let winner = try await RecognitionActions.nominate(
            last, member: people[0], citation: citations[0],
            as: .staff(secretaryUser, today: today, on: db, audited: false))
        try await RecognitionActions.decide(
            winner, approve: true, reason: nil, gate: WriteGate(),
            as: .staff(committeeUser, today: today, on: db, audited: false))
        try await RecognitionActions.decide(
            winner, approve: true, reason: nil, gate: WriteGate(),
            as: .staff(countyUser, today: today, on: db, audited: false))
        _ = try await RecognitionActions.publish(
            last, as: .staff(countyUser, today: today.adding(days: -300), on: db, audited: false))
        last.nominateUntil = today.adding(days: -320).description
        last.publishedOn = today.adding(days: -300).description
        try await last.update(on: db)
        // This year's: nominated, approved by the committee, approved by the county, and one not approved.
        let now = try await RecognitionActions.create(
            .init(
                name: nil, award: "vanguardPost", year: String(today.year),
                nominateUntil: today.adding(days: 20).description),
            quotas: [countyOrg.id!: 2], org: countyOrg, as: .staff(countyUser, today: today, on: db, audited: false))
        // Candidates of the committee's branches (the secretary's first), so that every stage shows at any demo size.
        var candidates = Array(people.dropFirst())
        let committeeBranches = Set(
            try await Organization.query(on: db).all().filter { $0.path.hasPrefix(committeeOrg.path) }.compactMap(\.id))
        for m in away where candidates.count < 4 {
            guard m.organizationID != branch.id, committeeBranches.contains(m.organizationID),
                !candidates.contains(where: { $0.id == m.id })
            else { continue }
            candidates.append(m)
        }
        for (i, m) in candidates.enumerated() {
            let n = try await RecognitionActions.nominate(
                now, member: m, citation: citations[(i + 1) % citations.count],
                as: .staff(secretaryUser, today: today, on: db, audited: false))
            if m.organizationID != branch.id {
                n.nominatedBy = DemoAuthor.username
                try await n.update(on: db)
            }
            switch i % 4 {
            case 1:
                try await RecognitionActions.decide(
                    n, approve: true, reason: nil, gate: WriteGate(),
                    as: .staff(committeeUser, today: today, on: db, audited: false))
            case 2:
                try await RecognitionActions.decide(
                    n, approve: true, reason: nil, gate: WriteGate(),
                    as: .staff(committeeUser, today: today, on: db, audited: false))
                try await RecognitionActions.decide(
                    n, approve: true, reason: nil, gate: WriteGate(),
                    as: .staff(countyUser, today: today, on: db, audited: false))
            case 3:
                try await RecognitionActions.decide(
                    n, approve: false, reason: "本年度参加组织生活次数偏少", gate: WriteGate(),
                    as: .staff(committeeUser, today: today, on: db, audited: false))
            default: break
            }
        }
    }
}
