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
}
