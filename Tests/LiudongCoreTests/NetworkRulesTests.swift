import Foundation
import Testing

@testable import LiudongCore

@Suite("Network (织密网络): agreements and mobile organizations — the rules without a database")
struct NetworkRulesTests {
    static let today = CalendarDate("2026-06-15")!
    static let branch = AgreementSide(id: 7, regular: true, signsForUs: true, closed: false, inReach: true)
    static let inflow = AgreementSide(id: 90, regular: false, signsForUs: false, closed: false, inReach: false)

    func draft(
        outflow: AgreementSide? = branch, inflow: AgreementSide? = inflow, number: String? = "ZL-2026-01",
        taken: Bool = false, signed: String? = "2026-06-01", from: String? = "2026-06-01", to: String? = "2029-05-31",
        covers: String? = "all", list: String? = nil
    ) -> Result<AgreementDraft, RuleError> {
        AgreementRules.draft(
            outflow: outflow, outflowGiven: true, inflow: inflow, inflowGiven: true, number: number, numberTaken: taken,
            signedOn: signed, validFrom: from, validTo: to, covers: covers, listProblem: list, duties: nil,
            defaultDuties: "双方职责", outflowContact: nil, inflowContact: nil, today: Self.today)
    }

    @Test func anAgreementIsBetweenOurOrganizationAndAnotherWithinTenYears() {
        let ok = try? draft().get()
        #expect(ok?.covers == .all && ok?.duties == "双方职责" && ok?.validTo == CalendarDate("2029-05-31"))
        #expect(draft(number: " ").error == .field("number", "请填写协议编号（60字以内）"))
        #expect(draft(taken: true).error == .field("number", "协议编号“ZL-2026-01”已被使用"))
        #expect(draft(signed: "2026-06-16").error == .field("signedOn", "签订日期不能晚于今天"))
        #expect(draft(to: "2026-06-01").error == .field("validTo", "截止日期应晚于生效日期"))
        #expect(draft(to: "2036-06-15").error == .field("validTo", "协议有效期不能超过10年"))
        #expect(draft(covers: "some").error == .field("covers", "covers 应为 all（全部报到党员）或 list（名单）"))
        #expect(draft(covers: "list", list: "请列出协议覆盖的党员").error == .field("memberIds", "请列出协议覆盖的党员"))
        #expect(draft(covers: "all", list: "请列出协议覆盖的党员").error == nil)
        var same = Self.inflow
        same.id = 7
        #expect(draft(inflow: same).error == .field("inflowOrgCode", "协议双方不能是同一个党组织"))
        #expect(draft(inflow: Self.branch).error == .field("inflowOrgCode", "对方应为流入地党组织或流动党员党组织"))
        var out = Self.branch
        out.inReach = false
        #expect(draft(outflow: out).error == .field("outflowOrgCode", "本方党组织不在您的管理范围内"))
        out.inReach = true
        out.signsForUs = false
        #expect(draft(outflow: out).error == .field("outflowOrgCode", "共管协议的流出地一方应为旗县区、基层党委、党总支或党支部"))
        #expect(AgreementRules.outflowProblem(nil, given: false) == "请选择本方党组织")
        #expect(AgreementRules.outflowProblem(nil, given: true) == "本方党组织不存在")
    }

    @Test func aListHoldsOnlyMembersOfOurSide() {
        #expect(AgreementRules.listProblem(raw: [], distinct: 0, found: nil) == "请列出协议覆盖的党员")
        #expect(
            AgreementRules.listProblem(raw: Array(repeating: "x", count: 2001), distinct: 1, found: nil)
                == "名单一次最多2000人")
        #expect(AgreementRules.listProblem(raw: ["a", "b", "c"], distinct: 3, found: 2) == "名单中有1人不存在或不属于本方党组织")
        #expect(AgreementRules.listProblem(raw: ["a", "a"], distinct: 1, found: 1) == "名单中有1人不存在或不属于本方党组织")
        #expect(AgreementRules.listProblem(raw: ["a", "b"], distinct: 2, found: 2) == nil)
        #expect(AgreementRules.listProblem(raw: ["a", "b"], distinct: 2, found: nil) == nil)
    }

    @Test func theStatusComesFromTheDates() {
        func status(_ signed: String?, _ from: String, _ to: String, ended: String? = nil) -> AgreementStatus {
            AgreementStatus.of(signedOn: signed, validFrom: from, validTo: to, terminatedOn: ended, today: Self.today)
        }
        #expect(status(nil, "2026-01-01", "2027-01-01") == .draft)
        #expect(status("2026-06-01", "2026-07-01", "2027-01-01") == .pending)
        #expect(status("2026-01-01", "2026-01-01", "2027-01-01") == .active)
        #expect(status("2026-01-01", "2026-01-01", "2026-07-15") == .expiring)
        #expect(status("2025-01-01", "2025-01-01", "2026-06-14") == .expired)
        #expect(status("2026-01-01", "2026-01-01", "2027-01-01", ended: "2026-06-15") == .terminated)
        #expect(AgreementStatus.expiring.inForce && !AgreementStatus.pending.inForce)
        #expect(AgreementRules.terminate(terminatedOn: nil, reason: " ").error == .field("reason", "请填写终止原因（500字以内）"))
        #expect(AgreementRules.terminate(terminatedOn: "2026-01-01", reason: "撤销").error == .conflict("该协议已终止"))
        #expect(AgreementRules.confirm(confirmed: true).error == .conflict("该协议已确认"))
    }

    @Test func onlyARealAgreementCountsAndATemporaryOrganizationEnds() {
        #expect(AgreementRules.countsTowardCoverage(.active, confirmed: true, scanned: false))
        #expect(AgreementRules.countsTowardCoverage(.expiring, confirmed: false, scanned: true))
        #expect(!AgreementRules.countsTowardCoverage(.active, confirmed: false, scanned: false))
        #expect(!AgreementRules.countsTowardCoverage(.expired, confirmed: true, scanned: true))
        #expect(!AgreementRules.countsTowardCoverage(.pending, confirmed: true, scanned: true))
        let end = "2026-07-15"
        #expect(MobileOrgRules.expiry(endsOn: end, today: CalendarDate("2026-06-14")!) == .running)
        #expect(
            MobileOrgRules.expiry(endsOn: end, today: CalendarDate("2026-06-15")!)
                == .endingSoon(on: CalendarDate(end)!))
        #expect(MobileOrgRules.expiry(endsOn: end, today: CalendarDate(end)!) == .endingSoon(on: CalendarDate(end)!))
        #expect(
            MobileOrgRules.expiry(endsOn: end, today: CalendarDate("2026-07-16")!) == .ended(on: CalendarDate(end)!))
        #expect(MobileOrgRules.expiry(endsOn: nil, today: Self.today) == .running)
    }

    @Test func aFoundingRecordNeedsWhatItsBasisAsks() {
        func record(
            basis: MobileBasis, participants: String? = nil, ends: String? = nil, approved: String = "2026-06-01"
        )
            -> Result<MobileOrgRecordDraft, RuleError>
        {
            MobileOrgRules.record(
                approvedBy: "中共某旗委组织部", documentNo: "组字〔2026〕1号", approvedOn: approved, address: "北京市朝阳区",
                contacts: "书记 张三", participants: participants, endsOn: ends, basis: basis, today: Self.today)
        }
        #expect((try? record(basis: .chamber, ends: "2027-01-01").get())?.endsOn == nil)
        #expect(record(basis: .joint).error == .field("participants", "联合党组织请填写参加联建的单位或企业，每行一个"))
        #expect(record(basis: .temporary).error == .field("endsOn", "临时党组织请填写预计终止日期，格式如 2027-06-30"))
        #expect(record(basis: .temporary, ends: "2026-05-01").error == .field("endsOn", "临时党组织的终止日期应晚于批准日期"))
        #expect((try? record(basis: .temporary, ends: "2027-06-30").get())?.endsOn == "2027-06-30")
        #expect(record(basis: .office, approved: "2026-06-16").error == .field("approvedOn", "批准日期不能晚于今天"))
        #expect(MobileOrgRules.joinRefusal(name: "张三", flowOpen: false, inAnother: true) == "张三：没有进行中的流动")
        #expect(MobileOrgRules.joinRefusal(name: "张三", flowOpen: true, inAnother: true) == "张三：已参加其他流动党员党组织")
        #expect(MobileOrgRules.dissolve(closed: true, reason: "任务完成").error == .conflict("该组织已撤销"))
    }

    @Test func threeUncoveredMembersAtOnePlaceWithNoOrganizationThereMakeASuggestion() {
        let ids = (0..<4).map { _ in UUID() }
        let county = (index: 0, path: "/1/2/")
        let other = (index: 1, path: "/1/3/")
        let at = { (i: Int, path: String, dest: String?) in UncoveredMember(id: ids[i], path: path, destination: dest) }
        let three = [
            at(0, "/1/2/9/", "110105"), at(1, "/1/2/8/", "110105"), at(2, "/1/2/8/", "110105"),
            at(3, "/1/3/7/", "110105"),
        ]
        let groups = MobileOrgRules.suggestions(three, counties: [county, other], mobile: [])
        #expect(groups == [MobileOrgRules.Group(county: 0, destination: "110105", members: Array(ids.prefix(3)))])
        // An open organization of the county there, or of the city above it, serves them.
        let ours = MobileOrgPlace(path: "/1/2/50/", pathIDs: [1, 2, 50], division: "110105")
        let city = MobileOrgPlace(path: "/1/51/", pathIDs: [1, 51], division: "110105")
        let elsewhere = MobileOrgPlace(path: "/1/2/52/", pathIDs: [1, 2, 52], division: "120101")
        #expect(MobileOrgRules.suggestions(three, counties: [county, other], mobile: [ours]).isEmpty)
        #expect(MobileOrgRules.suggestions(three, counties: [county, other], mobile: [city]).isEmpty)
        #expect(MobileOrgRules.suggestions(three, counties: [county, other], mobile: [elsewhere]).count == 1)
        #expect(MobileOrgRules.suggestions(Array(three.prefix(2)), counties: [county], mobile: []).isEmpty)
        #expect(MobileOrgRules.suggestions([at(0, "/1/2/9/", nil)], counties: [county], mobile: []).isEmpty)
    }
}
