import Foundation
import Testing

@testable import LiudongCore

@Suite("Pairing (结对帮带): pairings, contacts, hearings — the rules without a database")
struct PairingRulesTests {
    static let today = CalendarDate("2026-05-20")!
    static let ok = PairingFacts(
        memberFound: true, flowOpen: true, inflowOrgID: 90,
        org: (id: 7, inScope: true, regular: true, aboveMember: true),
        accountFits: nil, load: 0, existingCadre: nil)

    func pair(side: String = "outflow", phone: String = "13912345678", facts: PairingFacts = ok, cap: Int = 5)
        -> RuleError?
    {
        PairingRules.pairing(side: side, name: "王支书", post: "支部书记", phone: phone, facts: facts, cap: cap).error
    }

    @Test func aCadreIsPairedFromTheRightSideUpToTheCap() {
        #expect(pair() == nil)
        #expect(pair(side: "both") == .field("side", "side 应为 outflow（流出地）或 inflow（流入地）"))
        #expect(pair(phone: "") == .field("cadre.phone", "请填写结对人电话"))
        var f = Self.ok
        f.flowOpen = false
        #expect(pair(facts: f) == .field("memberId", "该党员没有进行中的流动，无需结对"))
        f = Self.ok
        f.memberFound = false
        #expect(pair(facts: f) == .field("memberId", "该党员不存在或不在您的管理范围内"))
        f = Self.ok
        f.org?.aboveMember = false
        #expect(pair(facts: f) == .field("cadre.orgCode", "流出地结对人应来自党员所在党支部或其上级党组织"))
        #expect(pair(side: "inflow", facts: f) == .field("cadre.orgCode", "流入地结对人应来自党员报到的流入地党组织"))
        f.org?.id = 90
        #expect(pair(side: "inflow", facts: f) == nil)
        f.inflowOrgID = nil
        #expect(pair(side: "inflow", facts: f) == .field("side", "该党员尚未到流入地党组织报到，暂不能安排流入地结对人"))
        f = Self.ok
        f.org = nil
        #expect(pair(facts: f) == .field("cadre.orgCode", "请填写结对人所在党组织代码"))
        f = Self.ok
        f.accountFits = false
        #expect(pair(facts: f) == .field("cadre.account", "没有该账号，或该账号不属于结对人所在党组织"))
        f = Self.ok
        f.load = 5
        #expect(pair(facts: f) == .field("cadre.phone", "该结对人已结对5名党员，达到每人5名的上限"))
        f = Self.ok
        f.existingCadre = "李书记"
        #expect(pair(facts: f) == .field("side", "该党员已有流出地结对人（李书记），请先解除"))
        // The cap is judged only when everything else is right.
        f.load = 9
        f.memberFound = false
        #expect(pair(facts: f) == .field("memberId", "该党员不存在或不在您的管理范围内"))
        #expect(PairingRules.end(endedOn: nil, reason: "流动结束").error == nil)
        #expect(PairingRules.end(endedOn: "2026-01-01", reason: "流动结束").error == .conflict("该结对已于2026-01-01解除"))
        #expect(PairingRules.end(endedOn: nil, reason: nil).error == .field("reason", "请填写解除结对的原因（200字以内）"))
        #expect(PairingRules.staleReason(flowClosed: true) == "流动已结束")
    }

    @Test func aContactIsBetweenTheFlowsStartAndTodayAndAnsweredOnce() {
        func contact(
            _ date: String?, method: String? = "phone", summary: String = "了解到在京务工顺利，思想稳定", next: String? = nil,
            ended: String? = nil
        )
            -> RuleError?
        {
            ContactRules.contact(
                pairingEndedOn: ended, method: method, date: date, summary: summary, needs: nil, nextOn: next,
                flowBegan: CalendarDate("2026-03-01"), today: Self.today
            ).error
        }
        #expect(contact("2026-05-20") == nil)
        #expect(contact("2026-05-21") == .field("date", "联系日期不能晚于今天"))
        #expect(contact("2026-02-28") == .field("date", "联系日期不能早于外出日期（2026-03-01）"))
        #expect(
            contact("2026-05-01", method: "letter") == .field("method", "联系方式应为电话随访（phone）、视频约访（video）或上门走访（visit）"))
        #expect(contact("2026-05-01", summary: "挺好") == .field("summary", "请写明联系情况（工作、生活、思想），至少10个字"))
        #expect(contact("2026-05-01", next: "2026-05-01") == .field("nextOn", "下次联系日期应晚于本次"))
        #expect(contact("2026-05-01", ended: "2026-04-01") == .field("pairingId", "该结对已于2026-04-01解除，不能再记录联系"))
        #expect(ContactRules.answer(existing: .confirmed, note: nil).error == .conflict("这次联系已回复过（本人已确认）"))
        #expect(
            (try? ContactRules.answer(existing: nil, note: String(repeating: "好", count: 600)).get())??.count == 500)
    }

    @Test func aHalfYearsReportIsHeardOnceWithItsConclusions() {
        let half = HalfYear("2026H1")!
        #expect(half.previous.description == "2025H2" && half.lastDay == CalendarDate("2026-06-30"))
        #expect(HalfYear("2026H3") == nil && HalfYear(" 2026h2 ")?.chinese == "2026年下半年")
        func hear(_ day: String?, held: Bool = false) -> [String] {
            ContactRules.hearing(
                half: half, heldOn: day, chair: "张书记", attendees: "党委委员5人", conclusions: "联系面达到百分之九十以上，继续保持",
                followUp: nil, alreadyHeld: held, today: CalendarDate("2026-07-10")!
            ).problems
        }
        #expect(hear("2026-07-05").isEmpty)
        #expect(hear("2026-07-11") == ["日期不能晚于今天"])
        #expect(hear("2025-12-31") == ["日期不能早于该半年开始"])
        #expect(hear(nil) == ["请填写听取汇报的日期"])
        #expect(hear("2026-07-05", held: true) == ["2026年上半年的汇报已记录"])
    }
}
