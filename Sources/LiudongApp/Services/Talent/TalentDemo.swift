import Fluent
import Foundation
import LiudongCore

/// The demo's talent register (mobile members of the secretary's branch, the demo member among them), the demo
/// county's opportunities (jobs, a policy, reserve-cadre posts) and returning-entrepreneur projects — the seed's story
/// of a mobile member who came home and built two bases producing ¥1 billion a year is one of them.
enum TalentDemo {
    static let profiles: [(Industry, String, String?, String?, Bool, Bool)] = [
        (.construction, "电工、焊工", "低压电工证", nil, true, false),
        (.farming, "养殖、农机维修", nil, "合伙经营肉牛养殖场", true, true),
        (.trade, "电商运营、直播带货", nil, "网店一家", true, false),
        (.manufacturing, "数控机床、质检", "高级工", nil, false, false),
        (.transport, "驾驶、物流调度", "A2驾驶证", nil, true, false),
        (.catering, "厨师", "中式烹调师二级", "快餐店一家", false, true),
    ]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let secretaryAccount = try await Account.query(on: db).filter(\.$username == "secretary").first(),
            let countyAccount = try await Account.query(on: db).filter(\.$username == "county").first(),
            let branch = try await Organization.find(secretaryAccount.organizationID, on: db),
            let county = try await Organization.find(countyAccount.organizationID, on: db)
        else { return }
        let countyUser = CurrentUser(account: countyAccount, scope: county, viaToken: false)
        let today = demo.today
        let open = FlowState.allCases.filter(\.isOpen)
        var people: [Member] = []
        if let id = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID,
            let me = try await Member.find(id, on: db)
        {
            people.append(me)
        }
        for m in try await DemoAway.withOpenFlows(on: db) where people.count < 6 {
            guard m.organizationID == branch.id, !people.contains(where: { $0.id == m.id }) else { continue }
            people.append(m)
        }
        for (i, m) in people.enumerated() {
            let (industry, skills, title, business, back, invest) = profiles[i % profiles.count]
            _ = try await TalentActions.save(
                .init(
                    industry: industry.rawValue, skills: skills, title: title, business: business,
                    willingReturn: back ? "1" : nil, willingInvest: invest ? "1" : nil), member: m,
                as: .member("demo", today: today, on: db, audited: false))
        }
        let until = today.adding(days: 90).description
        let opportunities: [(OpportunityKind, String, String, Industry?, String, String)] = [
            (.job, "招聘维修电工3名", "\(county.shortName)经济开发区某农产品加工厂", .construction, "电工", "持证上岗，月薪5000至7000元，包食宿。"),
            (.job, "招聘电商运营2名", "\(county.shortName)特色农产品电商中心", .trade, "电商运营、直播带货", "负责网店运营和直播，底薪加提成。"),
            (.policy, "返乡创业担保贷款和厂房租金减免", "\(county.shortName)人社局", nil, "", "返乡创业可申请最高30万元创业担保贷款，财政贴息；园区标准化厂房前两年租金减免。"),
            (.reserveCadre, "村“两委”后备力量岗位", "\(county.shortName)委组织部", nil, "", "面向愿意返乡的流动党员，培养期一年，期满可参加村“两委”换届。"),
        ]
        for (kind, title, unit, industry, skills, details) in opportunities {
            _ = try await TalentActions.publish(
                .init(
                    kind: kind.rawValue, title: title, unit: unit, industry: industry?.rawValue, skills: skills,
                    details: details, contact: "0476-7000000", validUntil: until), org: county,
                as: .staff(countyUser, today: today, on: db, audited: false))
        }
        let projects: [(String, Industry, Int, Int, Int, Int, String)] = [
            ("赤峰某农牧产品加工有限公司（两个生产基地）", .farming, 60_000, 100_000, 1_200, -900, "协调建设用地，落实创业担保贷款和技改补贴，组织部门“人才回引”专员全程联系"),
            ("返乡电商服务站", .trade, 80, 600, 15, -300, "免费提供办公场地，电商培训两期"),
            ("肉牛养殖合作社", .farming, 500, 1_200, 30, -500, "协调草场流转，养殖贷款贴息"),
        ]
        for (i, (name, industry, investment, output, jobs, days, support)) in projects.enumerated() {
            let member = i < people.count ? people[i == 0 ? min(1, people.count - 1) : i] : nil
            _ = try await TalentActions.record(
                .init(
                    enterprise: name, industry: industry.rawValue, investment: String(investment),
                    annualOutput: String(output), jobsCreated: String(jobs),
                    startedOn: today.adding(days: days).description, support: support),
                county: county, member: member, as: .staff(countyUser, today: today, on: db, audited: false))
        }
    }
}
