import Testing

@testable import LiudongCore

@Suite("Talent return (人才回引): the rules without a database")
struct TalentRulesTests {
    static let today = CalendarDate("2026-12-01")!

    @Test func theRegisterKeepsSkillsAsSortedTags() {
        let ok = TalentRules.profile(industry: "construction", skills: "电工，焊工 电工", title: nil, business: nil, note: nil)
        #expect((try? ok.get().skills) == TalentMatch.tags("电工，焊工 电工").sorted().joined(separator: "、"))
        #expect((try? ok.get().industry) == .construction)
        #expect(TalentRules.profile(industry: "", skills: nil, title: nil, business: nil, note: nil).error == nil)
        let bad = TalentRules.profile(
            industry: "mining", skills: String(repeating: "技", count: 201), title: String(repeating: "职", count: 61),
            business: nil, note: String(repeating: "注", count: 501))
        guard case .invalid(let problems)? = bad.error else {
            Issue.record("accepted a bad entry")
            return
        }
        #expect(problems.map(\.field) == ["industry", "skills", "title", "note"])
    }

    @Test func anOpportunityIsValidForAtMostAYear() {
        func publish(until: String, kind: String = "job") -> Result<CheckedOpportunity, RuleError> {
            TalentRules.opportunity(
                kind: kind, title: "招聘维修电工3名", unit: "农产品加工厂", industry: nil, skills: "电工",
                details: "持证上岗，包食宿。", contact: "0476-7000000", validUntil: until, today: Self.today)
        }
        #expect(publish(until: "2026-12-01").error == nil)
        #expect(publish(until: "2027-12-02").error == nil)
        #expect(publish(until: "2027-12-03").error == .field("validUntil", "有效期应在今天到一年之内"))
        #expect(publish(until: "2026-11-30").error != nil)
        #expect(publish(until: "2026-12-20", kind: "lottery").error == .field("kind", "请选择类别"))
    }

    @Test func aProjectsFiguresAreBounded() {
        func project(investment: String, started: String = "2026-06-01") -> RuleError? {
            TalentRules.project(
                enterprise: "返乡电商服务站", industry: "trade", investment: investment, annualOutput: "600",
                jobsCreated: "15",
                startedOn: started, support: nil, today: Self.today
            ).error
        }
        #expect(project(investment: "80") == nil)
        #expect(project(investment: "10000001") == .field("investment", "投资额（万元）应为0至10000000的整数"))
        #expect(project(investment: "-1") != nil)
        #expect(project(investment: "9223372036854775808") != nil)
        #expect(project(investment: "80", started: "2026-12-02") != nil)
    }

    @Test func whyAnOpportunityIsRecommended() {
        #expect(
            TalentRules.why(
                memberIndustry: .construction, memberSkills: ["电工", "焊工"], willingReturn: false,
                opportunityIndustry: "construction", opportunitySkills: ["电工"])
                == "同属\(Industry.construction.label)；技能：电工")
        #expect(
            TalentRules.why(
                memberIndustry: nil, memberSkills: [], willingReturn: true, opportunityIndustry: nil,
                opportunitySkills: []) == "您愿意返乡发展")
        #expect(
            TalentRules.why(
                memberIndustry: nil, memberSkills: [], willingReturn: false, opportunityIndustry: nil,
                opportunitySkills: []) == "您愿意回乡投资")
    }

    @Test func totalsPerCountyDoNotOverflow() {
        let t = TalentRules.totals([(1, 80, 600, 15), (1, 500, 1_200, 30), (2, 60_000, 100_000, 1_200)])
        #expect(t[1] == ProjectTotal(county: 1, projects: 2, investment: 580, output: 1_800, jobs: 45))
        #expect(t[2]?.projects == 1)
        let huge = TalentRules.totals([(1, Int.max, Int.max, Int.max), (1, Int.max, 1, 1)])
        #expect(huge[1]?.investment == Int.max && huge[1]?.projects == 2)
    }
}
