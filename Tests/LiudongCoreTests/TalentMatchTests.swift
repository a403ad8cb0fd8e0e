import Testing

@testable import LiudongCore

@Suite("Talent matching (人才回引)")
struct TalentMatchTests {
    @Test func tagsAreSplitTrimmedAndFolded() {
        #expect(TalentMatch.tags("电工、焊工, Excel；  驾驶/电工") == ["电工", "焊工", "excel", "驾驶"])
        #expect(TalentMatch.tags("").isEmpty)
        #expect(TalentMatch.tags(String(repeating: "长", count: 30)).isEmpty)
        #expect(TalentMatch.tags((1...40).map { "t\($0)" }.joined(separator: ",")).count == 20)
    }

    @Test func scoresByIndustryAndSharedSkills() {
        let electrician: Set<String> = ["电工", "焊工"]
        // A job: industry 2, each shared skill 1; nothing shared, no match.
        #expect(
            TalentMatch.score(
                kind: .job, industry: .construction, skills: ["电工"], memberIndustry: .construction,
                memberSkills: electrician, willingReturn: false, willingInvest: false) == 3)
        #expect(
            TalentMatch.score(
                kind: .job, industry: .trade, skills: ["直播"], memberIndustry: .construction, memberSkills: electrician,
                willingReturn: true, willingInvest: true) == 0)
        // "Other" as an industry matches nobody by industry.
        #expect(
            TalentMatch.score(
                kind: .job, industry: .other, skills: [], memberIndustry: .other, memberSkills: [], willingReturn: true,
                willingInvest: false) == 0)
        // Reserve-cadre posts only for members willing to return; open to all of them when nothing is named.
        #expect(
            TalentMatch.score(
                kind: .reserveCadre, industry: nil, skills: [], memberIndustry: .farming, memberSkills: [],
                willingReturn: false, willingInvest: true) == 0)
        #expect(
            TalentMatch.score(
                kind: .reserveCadre, industry: nil, skills: [], memberIndustry: .farming, memberSkills: [],
                willingReturn: true, willingInvest: false) == 1)
        // A policy for those willing to return or to invest.
        #expect(
            TalentMatch.score(
                kind: .policy, industry: nil, skills: [], memberIndustry: nil, memberSkills: [], willingReturn: false,
                willingInvest: true) == 1)
        #expect(
            TalentMatch.score(
                kind: .policy, industry: .farming, skills: [], memberIndustry: .farming, memberSkills: [],
                willingReturn: false, willingInvest: false) == 0)
    }
}
