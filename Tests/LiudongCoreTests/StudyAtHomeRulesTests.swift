import Foundation
import Testing

@testable import LiudongCore

@Suite("Study at home and away (日记、送学上门): the rules without a database")
struct StudyAtHomeRulesTests {
    static let today = CalendarDate("2026-12-06")!

    @Test func aDiaryEntryIsDatedWithinThirtyDaysTenADay() {
        func entry(_ day: String, _ text: String? = "今天帮工友修好了电路", count: Int = 0) -> RuleError? {
            StudyAtHomeRules.diary(on: day, text: text, entriesThatDay: count, today: Self.today).error
        }
        #expect(entry("2026-12-06") == nil && entry("2026-11-06") == nil)
        #expect(entry("2026-11-05") == .field("on", "日期应为今天或30天内"))
        #expect(entry("2026-12-07") == .field("on", "日期应为今天或30天内"))
        #expect(entry("2026-12-06", "  ") == .field("text", "请填写日记内容（2000字以内）"))
        #expect(entry("2026-12-06", String(repeating: "字", count: 2001)) != nil)
        #expect(entry("2026-12-06", count: 9) == nil)
        #expect(entry("2026-12-06", count: 10) == .conflict("同一天最多10篇日记"))
        #expect(StudyAtHomeRules.comment(String(repeating: "评", count: 501)).error != nil)
        #expect(StudyAtHomeRules.comment("  ") == .success(nil))
    }

    @Test func seasonsSessionsAndPackages() {
        #expect(StudyAtHomeRules.season(name: "春节返乡", startsOn: "2027-01-20", endsOn: "2027-05-20").error == nil)
        #expect(StudyAtHomeRules.season(name: "春节返乡", startsOn: "2027-01-20", endsOn: "2027-05-21").error != nil)
        #expect(StudyAtHomeRules.season(name: "春节返乡", startsOn: "2027-02-20", endsOn: "2027-01-20").error != nil)
        let inSeason = StudyAtHomeRules.session(
            on: "2027-02-01", place: "村委会", topic: "二十届四中全会精神", seasonStartsOn: "2027-01-20",
            seasonEndsOn: "2027-03-01")
        #expect((try? inSeason.get().place) == "村委会")
        #expect(
            StudyAtHomeRules.session(
                on: "2027-03-02", place: "村委会", topic: "x", seasonStartsOn: "2027-01-20", seasonEndsOn: "2027-03-01"
            ).error != nil)
    }

    @Test func theExpectedAreListedOnceWithWhyAndWhetherReached() {
        let a = UUID(), b = UUID()
        let list = StudyAtHomeRules.expected(
            [(a, "张建国", "2027-02-01", nil), (a, "张建国", nil, "2027-01-25"), (b, "李秀英", nil, "2027-01-28")],
            reached: [b])
        #expect(
            list == [
                ExpectedHome(member: a, name: "张建国", why: "预计2027-02-01返回", reached: false),
                ExpectedHome(member: b, name: "李秀英", why: "2027-01-28已返回", reached: true),
            ])
    }
}
