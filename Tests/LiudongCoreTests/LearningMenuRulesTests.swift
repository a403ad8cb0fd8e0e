import Foundation
import Testing

@testable import LiudongCore

@Suite("Learning menu and weekly quiz (点学、每周一学): the rules without a database")
struct LearningMenuRulesTests {
    @Test func isoWeeksInBeijingTime() throws {
        #expect(QuizRules.week(of: CalendarDate("2026-12-06")!) == "2026-W49")
        #expect(QuizRules.week(of: CalendarDate("2027-01-01")!) == "2026-W53")
        #expect(QuizRules.week(of: CalendarDate("2027-01-04")!) == "2027-W01")
        #expect(QuizRules.monday(of: "2026-W49")?.description == "2026-11-30")
        #expect(QuizRules.monday(of: "2026-W53")?.description == "2026-12-28")
        #expect(QuizRules.monday(of: "2027-W53") == nil)
        #expect(QuizRules.monday(of: "2026-49") == nil && QuizRules.monday(of: "1999-W01") == nil)
        #expect(CourseRules.needsReflection(minutes: 30) && !CourseRules.needsReflection(minutes: 29))
    }

    @Test func aBankRowIsReadOrRefusedWithItsReason() throws {
        func row(_ type: String, answer: String, options: [String] = ["甲", "乙", "丙"]) -> [String: String] {
            var r = ["type": type, "stem": "题干", "answer": answer, "source": "党章", "explanation": "解析"]
            for (i, o) in options.enumerated() { r["option" + QuizRules.optionKeys[i]] = o }
            return r
        }
        let multiple = try QuizRules.parse(row("多选题", answer: "c, a")).get()
        #expect(multiple.type == .multiple && multiple.answer == "AC" && multiple.options.count == 3)
        let tf = try QuizRules.parse(row("判断", answer: "对", options: [])).get()
        #expect(tf.answer == "T" && tf.options == QuestionOption.trueFalse)
        func reason(_ r: [String: String]) -> String? {
            if case .failure(let e) = QuizRules.parse(r) { return e.reason }
            return nil
        }
        #expect(reason(row("填空", answer: "A")) == "题型应为单选、多选或判断")
        #expect(reason(row("单选", answer: "AB")) == "单选题只能有一个正确答案")
        #expect(reason(row("多选", answer: "A")) == "多选题应有两个或以上正确答案")
        #expect(reason(row("单选", answer: "D")) == "答案应为已填写选项的字母，如 A 或 AC")
        #expect(reason(row("单选", answer: "A", options: ["甲"])) == "至少需要两个选项（选项A、选项B）")
        var gap = row("单选", answer: "A", options: ["甲", "乙"])
        gap["optionD"] = "丁"
        #expect(reason(gap) == "选项应从A起连续填写，中间不能空缺")
        #expect(reason(row("判断", answer: "也许", options: [])) == "判断题答案应为“正确”或“错误”")
    }

    @Test func aBankFileIsReadByItsHeaderAndScreenedForRepeats() throws {
        #expect(QuizRules.header(["2026年第一批题库"]) == nil)
        let header = try #require(QuizRules.header(["题型", "题干", "选项A", "选项B", "答案", "出处", "解析", "备注"]))
        #expect(header[0] == "type" && header[2] == "optionA" && header[7] == nil && QuizRules.complete(header))
        #expect(!QuizRules.complete(try #require(QuizRules.header(["题型", "题干"]))))
        func row(_ stem: String) -> [String] { ["单选", stem, "对", "错", "A", "党章", "解析"] }
        let rows = [row("题一"), row("题二"), row("题一"), row("旧题"), ["单选", "", "对", "错", "A", "党章", "解析"]]
            .enumerated().map { ($0.offset + 2, QuizRules.fields($0.element, header: header)) }
        let (accepted, rejected) = QuizRules.screen(rows, existing: ["旧题"], tooMany: true, maxRows: 5000)
        #expect(accepted.map(\.stem) == ["题一", "题二"])
        #expect(rejected.map(\.row) == [4, 5, 6, 0])
        #expect(rejected[0].reason == "与第2行题干重复" && rejected[1].reason == "题库中已有相同题干的题目")
        #expect(rejected[3].reason == "一次最多导入5000题，其余行未读取")
        #expect(QuizRules.fields([String(repeating: "长", count: 3000)], header: [0: "stem"])["stem"]?.count == 2000)
    }

    @Test func anAnswerIsMarkedWhenEveryQuestionHasValidChoices() throws {
        let q1 = UUID(), q2 = UUID(), q3 = UUID()
        let questions = [
            QuizRules.Question(id: q1, type: .single, keys: ["A", "B", "C"], answer: "B"),
            QuizRules.Question(id: q2, type: .multiple, keys: ["A", "B", "C"], answer: "AC"),
            QuizRules.Question(id: q3, type: .trueFalse, keys: ["T", "F"], answer: "T"),
        ]
        let given = QuizRules.given([
            (q1.uuidString, ["ｂ"]), (q2.uuidString, ["C", "A"]), (q3.uuidString, ["F"]), ("not-an-id", ["A"]),
        ])
        let marked = try QuizRules.mark(questions, given: given).get()
        #expect(marked.map(\.correct) == [true, true, false] && marked[1].chosen == ["A", "C"])
        let missing = QuizRules.mark(questions, given: QuizRules.given([(q1.uuidString, ["A", "B"])]))
        #expect(
            missing.error
                == .invalid([
                    RuleProblem("answers[0]", "第1题的选项无效"), RuleProblem("answers[1]", "第2题未作答"),
                    RuleProblem("answers[2]", "第3题未作答"),
                ]))
        let many = (0..<300).map { _ in (Optional(q1.uuidString), Optional(Array(repeating: "A", count: 50))) }
        #expect(QuizRules.given(many)[q1] == ["A"])
    }

    @Test func aCourseIsCheckedWithItsAudienceProblemsInPlace() throws {
        let today = try #require(CalendarDate("2026-12-06"))
        func course(
            kind: String = "video", url: String? = "https://v.example/1", minutes: String = "40",
            to: String? = nil, audience: [RuleProblem] = []
        ) -> Result<CheckedCourse, RuleError> {
            CourseRules.course(
                kind: kind, title: "党课", source: "学习强国", url: url, place: nil, minutes: minutes, tags: nil,
                availableFrom: nil, availableTo: to, audienceProblems: audience, today: today)
        }
        let ok = try course().get()
        #expect(ok.availableFrom == today && ok.availableTo == today.adding(days: 30) && ok.minutes == 40)
        #expect((try? course(minutes: "４５").get().minutes) == 45)
        #expect(course(url: nil).error == .field("url", "视频请填写链接"))
        #expect(course(kind: "offline", url: nil).error == .field("place", "线下课程请填写地点"))
        #expect(course(minutes: "601").error == .field("minutes", "学时应为1至600分钟"))
        #expect(course(to: "2029-12-06").error == .field("availableTo", "结束日期应不早于开始日期，且不超过三年"))
        let both = course(minutes: "0", to: "2026-01-01", audience: [RuleProblem("audience", "x")])
        guard case .invalid(let problems)? = both.error else {
            Issue.record("accepted")
            return
        }
        #expect(problems.map(\.field) == ["minutes", "audience", "availableTo"])
        let (codes, problem) = CourseRules.audienceCodes("150422，15040201、 X1", fallback: "150400")
        #expect(codes == ["150422", "15040201", "X1"] && problem == nil)
        #expect(CourseRules.audienceCodes(nil, fallback: "150400").codes == ["150400"])
        let many = (1...101).map(String.init).joined(separator: " ")
        #expect(CourseRules.audienceCodes(many, fallback: "").codes.count == 100)
        #expect(CourseRules.audienceCodes(many, fallback: "").problem == RuleProblem("audience", "面向的党组织最多100个"))
    }
}

extension LearningMenuRulesTests {
    @Test func quizzesGoInTheOrderOfTheirPublishersLevel() {
        // Levels from the city down: city 1, county 2, committee 3.
        let quizzes = [("委", 3), ("市", 1), ("外", 9), ("旗", 2), ("市2", 1)]
        #expect(QuizRules.byLevel(quizzes, levels: [1, 2, 3]) == ["市", "市2", "旗", "委", "外"])
        #expect(QuizRules.byLevel([(String, Int)](), levels: [1]).isEmpty)
    }
}
