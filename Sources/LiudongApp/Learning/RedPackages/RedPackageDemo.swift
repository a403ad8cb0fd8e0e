import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's red packages: 巴林左旗's campaign of the quarter to every mobile member of the county — most mailed and
/// received (some with a reflection), some 未收到 (one in the demo secretary's branch), some not answered (a few past
/// 30 days), a few not mailed yet, and the demo member's mailed six days ago waiting for an answer — and sixty
/// packages mailed by themselves earlier in the year.
enum RedPackageDemo {
    static let contents = ["《中国共产党章程》", "《习近平新时代中国特色社会主义思想学习纲要》", "党员学习笔记本", "党徽", "家乡发展简报", "流动党员联系卡"]
    static let reflections = [
        "认真学习了党章，对照检查自己在外务工期间参加组织生活的情况，今后每月按时参加流入地党组织的活动。",
        "家乡发展简报让我看到了村里的新变化，准备把在外学到的种植技术带回去。",
        "收到包裹很感动，组织没有忘记我们在外的党员，一定在岗位上当好先锋。",
    ]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        let today = demo.today
        var rng = SeededRandom(seed: demo.seed ^ 0x8ED_9AC)
        guard let county = try await OrgTree.organization(code: "150422", on: db) else { return }
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        let secretaryBranch = try await Account.query(on: db).filter(\.$username == "secretary").first()?
            .organizationID
        let a = Acting.system(DemoAuthor.username, today: today, on: db, audited: false)
        let campaign = try await RedPackageActions.createCampaign(
            name: "\(today.year)年第\((today.month - 1) / 3 + 1)季度红色包裹",
            contents: Array(contents.prefix(4)).joined(separator: "\n"),
            budget: "30000", org: county, as: a)
        _ = try await RedPackageActions.addRecipients(to: campaign, under: county, destination: nil, as: a)
        let packages = try await RedPackage.query(on: db).filter(\.$campaignID == campaign.id).sort(\.$seq).all()
        var secretaryNotReceived = false
        for p in packages {
            let mine = p.memberID == demoMember
            if !mine, rng.chance(0.06) { continue }  // not mailed yet
            let sent = mine ? today.adding(days: -6) : today.adding(days: -rng.int(8...50))
            let (courier, prefix) = rng.pick([("中国邮政EMS", "EM"), ("顺丰速运", "SF"), ("中通快递", "ZT")])
            p.sentOn = sent.description
            p.courier = courier
            p.trackingNo = prefix + String(format: "%010d", 2_000_000 + (p.seq ?? 0) * 7919)
            let roll = rng.int(1...100)
            if mine {
                try await p.update(on: db)
                continue
            }
            if (!secretaryNotReceived && p.branchID == secretaryBranch) || roll <= 7 {
                secretaryNotReceived = secretaryNotReceived || p.branchID == secretaryBranch
                let reason = p.branchID == secretaryBranch ? .wrongAddress : rng.pick(NotReceivedReason.allCases)
                p.answer = .notReceived
                p.reason = reason
                p.reasonNote = reason == .other ? "快递显示已签收，但本人未收到" : nil
                p.answeredOn = min(sent.adding(days: rng.int(5...15)), today).description
            } else if roll <= 80 {
                let on = min(sent.adding(days: rng.int(3...10)), today).description
                p.answer = .received
                p.confirmedOn = on
                p.answeredOn = on
                p.reflection = rng.chance(0.4) ? rng.pick(reflections) : nil
            }
            try await p.update(on: db)
        }
        // Packages mailed by themselves earlier in the year, nearly all received.
        let mobile = packages.filter { $0.memberID != demoMember }
        guard !mobile.isEmpty else { return }
        for i in 0..<60 {
            let r = rng.pick(mobile)
            let p = RedPackage()
            p.memberID = r.memberID
            p.branchID = r.branchID
            p.contents = Array(contents.shuffled(using: &rng).prefix(rng.int(2...4))).joined(separator: "\n")
            let sent = today.adding(days: -rng.int(60...200))
            p.sentOn = sent.description
            p.courier = "中国邮政EMS"
            p.trackingNo = "EM" + String(format: "%010d", 1_000_000 + i * 7919)
            if rng.chance(0.9) {
                p.confirmedOn = sent.adding(days: rng.int(3...10)).description
                p.answer = .received
                p.answeredOn = p.confirmedOn
            }
            p.createdBy = DemoAuthor.username
            try await p.create(on: db)
        }
    }
}
