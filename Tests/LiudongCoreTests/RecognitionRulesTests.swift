import Testing

@testable import LiudongCore

@Suite("Recognition (评优表彰): the rules without a database")
struct RecognitionRulesTests {
    static let today = CalendarDate("2026-12-01")!
    static let citation = "在流入地积极参加组织生活，带领工友开展安全生产学习，连续两年无事故。"

    @Test func aCampaignIsThisYearsOrLastYearsWithQuotas() {
        func campaign(year: String = "2026", until: String = "2026-12-20", quotas: [Int] = [2, 0]) -> Result<
            CheckedAwardCampaign, RuleError
        > {
            RecognitionRules.campaign(
                award: "vanguardPost", year: year, nominateUntil: until, name: nil, quotas: quotas, today: Self.today)
        }
        #expect((try? campaign().get().name) == "2026年度流动党员先锋岗评选")
        #expect(campaign(year: "2025").error == nil)
        #expect(campaign(year: "2024").error == .field("year", "评选年度应为今年或去年"))
        #expect(campaign(until: "2026-11-30").error == .field("nominateUntil", "推荐截止日期不能早于今天"))
        #expect(campaign(quotas: [0, 0]).error == .field("quota", "各旗县区名额应为0至500，合计至少1名"))
        #expect(campaign(quotas: [501]).error != nil)
        // Hostile figures: no overflow adding them up.
        #expect(campaign(quotas: [Int.max, Int.max]).error != nil)
        #expect(campaign(quotas: [Int.min, 1]).error != nil)
    }

    @Test func nominationTakesItsChecksInOrder() {
        func nominate(
            _ status: AwardCampaignStatus = .open, until: String = "2026-12-01", citation: String? = Self.citation,
            mobile: Bool = true, quota: Bool = true, again: Bool = false
        ) -> RuleError? {
            RecognitionRules.nominate(
                status, until: until, today: Self.today, citation: citation, memberName: "张建国", isMobile: mobile,
                countyHasQuota: quota, alreadyNominated: again
            ).error
        }
        #expect(nominate() == nil)
        #expect(nominate(until: "2026-11-30") == .conflict("推荐已截止"))
        #expect(nominate(.published) == .conflict("推荐已截止"))
        #expect(nominate(citation: "太短了") == .field("citation", "请写明推荐理由（主要事迹，20至1000字）"))
        #expect(nominate(mobile: false) == .conflict("张建国目前不是流动党员"))
        #expect(nominate(quota: false) == .conflict("本旗县区没有这项表彰的名额"))
        #expect(nominate(again: true) == .conflict("张建国已经被推荐过"))
    }

    @Test func theApprovalChainGoesBranchCommitteeCounty() throws {
        let table: [(NominationStatus, AwardDecider, AwardDecision?)] = [
            (.nominated, .committee, .committeeApprove), (.nominated, .county, nil), (.nominated, .other, nil),
            (.committeeApproved, .county, .countyApprove), (.committeeApproved, .committee, nil),
            (.countyApproved, .county, nil), (.rejected, .committee, nil),
        ]
        for (status, by, expected) in table {
            let got = try? RecognitionRules.decide(status, campaign: .open, approve: true, reason: nil, by: by).get()
            #expect(got == expected, "\(status) by \(by)")
            #expect(RecognitionRules.canApprove(status, campaign: .open, by: by) == (expected != nil))
            #expect(!RecognitionRules.canApprove(status, campaign: .published, by: by))
        }
        #expect(
            RecognitionRules.decide(.nominated, campaign: .open, approve: true, reason: nil, by: .county).error
                == .conflict("请先由基层党委审核"))
        #expect(
            RecognitionRules.decide(.nominated, campaign: .published, approve: true, reason: nil, by: .committee).error
                == .conflict("这项表彰已经公布"))
        // Rejections: a reason; the county may take back its own approval, nobody else may.
        #expect(
            try RecognitionRules.decide(.nominated, campaign: .open, approve: false, reason: " 事迹不足 ", by: .committee)
                .get() == .reject(reason: "事迹不足"))
        #expect(
            RecognitionRules.decide(.nominated, campaign: .open, approve: false, reason: nil, by: .committee).error
                == .field("reason", "请写明不通过的理由"))
        #expect(
            RecognitionRules.decide(.countyApproved, campaign: .open, approve: false, reason: "重新考虑", by: .county)
                .error == nil)
        #expect(
            RecognitionRules.decide(.countyApproved, campaign: .open, approve: false, reason: "重新考虑", by: .committee)
                .error == .conflict("这项推荐已经处理"))
        #expect(AwardDecider(level: .generalBranch) == .committee && AwardDecider(level: .city) == .county)
        #expect(AwardDecider(level: nil) == .other)
    }

    @Test func publicationOnceWithSomeoneApproved() {
        #expect(RecognitionRules.publish(.open, approved: 2).error == nil)
        #expect(RecognitionRules.publish(.open, approved: 0).error == .conflict("还没有旗县区审定的人选"))
        #expect(RecognitionRules.publish(.published, approved: 2).error == .conflict("已经公布过"))
        #expect(RecognitionRules.nominating(.open, until: "2026-12-01", today: Self.today))
        #expect(!RecognitionRules.nominating(.open, until: "2026-11-30", today: Self.today))
    }
}
