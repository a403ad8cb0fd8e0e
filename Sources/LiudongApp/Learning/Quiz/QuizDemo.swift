import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's weekly quizzes: the question bank, four weeks of the city's quiz with answers (in the learning demo's
/// seeded order), and this week's quiz of 巴林左旗 beside the city's (`loadCountyQuiz`).
enum QuizDemo {
    static let column = "《中国共产党章程》第十九条、第二十条（“每周一学”专栏）"

    /// The seed's own column, written as questions: the Party's highest leading bodies, the National Congress.
    static let weekOne: [QuizRules.ParsedQuestion] = [
        q(
            .single, "党的最高领导机关是？", ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央纪律检查委员会"], "A",
            "党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。"),
        q(.single, "党的全国代表大会每几年举行一次？", ["三年", "四年", "五年", "十年"], "C", "党的全国代表大会每五年举行一次。"),
        q(.single, "党的全国代表大会由谁召集？", ["中央政治局", "中央委员会", "中央书记处", "中央纪律检查委员会"], "B", "党的全国代表大会由中央委员会召集。"),
        q(
            .trueFalse, "中央委员会认为有必要，或者有三分之一以上的省一级组织提出要求，全国代表大会可以提前举行。", [], "T",
            "党章规定：中央委员会认为有必要，或者有三分之一以上的省一级组织提出要求，全国代表大会可以提前举行。"),
        q(.trueFalse, "如遇工作繁忙，党的全国代表大会可以延期举行。", [], "F", "如无非常情况，党的全国代表大会不得延期举行。"),
        q(
            .multiple, "下列属于党的全国代表大会职权的有？",
            ["听取和审查中央委员会的报告", "审查中央纪律检查委员会的报告", "讨论并决定党的重大问题", "修改党的章程", "选举中央委员会和中央纪律检查委员会", "任免国务院组成人员"],
            "ABCDE", "全国代表大会的职权是：听取和审查中央委员会的报告；审查中央纪律检查委员会的报告；讨论并决定党的重大问题；修改党的章程；选举中央委员会；选举中央纪律检查委员会。"),
    ]

    static let laterWeeks: [[QuizRules.ParsedQuestion]] = [
        [
            q(
                .single, "党章规定党员必须履行几项义务？", ["六项", "八项", "十项", "十二项"], "B", "党章第三条规定了党员必须履行的八项义务。",
                source: "《中国共产党章程》第三条"),
            q(.single, "预备党员的预备期为多长时间？", ["半年", "一年", "两年", "三年"], "B", "预备党员的预备期为一年。", source: "《中国共产党章程》第七条"),
            q(
                .trueFalse, "党员没有正当理由，连续六个月不参加党的组织生活，就被认为是自行脱党。", [], "T",
                "党章第九条：党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。", source: "《中国共产党章程》第九条"),
        ],
        [
            q(
                .single, "有正式党员几人以上的单位，都应当成立党的基层组织？", ["三人", "五人", "七人", "十人"], "A", "凡是有正式党员三人以上的，都应当成立党的基层组织。",
                source: "《中国共产党章程》第三十条"),
            q(
                .multiple, "下列属于党的纪律处分的有？", ["警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍", "罚款"], "ABCDE",
                "党的纪律处分有五种：警告、严重警告、撤销党内职务、留党察看、开除党籍。", source: "《中国共产党章程》第四十二条"),
            q(.single, "留党察看最长不超过多长时间？", ["一年", "两年", "三年", "五年"], "B", "留党察看最长不超过两年。", source: "《中国共产党章程》第四十二条"),
        ],
        [
            q(
                .multiple, "民主集中制的“四个服从”包括？",
                ["党员个人服从党的组织", "少数服从多数", "下级组织服从上级组织", "全党各个组织和全体党员服从党的全国代表大会和中央委员会", "上级组织服从下级组织"], "ABCD",
                "党员个人服从党的组织，少数服从多数，下级组织服从上级组织，全党各个组织和全体党员服从党的全国代表大会和中央委员会。", source: "《中国共产党章程》第十条"),
            q(
                .trueFalse, "流动党员外出期间，组织关系可以同时隶属两个党支部。", [], "F",
                "流动党员组织关系一方隶属，可以参加多重组织生活：在流入地、流动党员党组织参加的活动，记入原党支部的记录。", source: "赤峰“12345”流动党员管理服务工作法"),
            q(
                .single, "党的基层委员会每届任期是？", ["两年", "三年至五年", "五年", "十年"], "B", "党的基层委员会每届任期三年至五年。", source: "《中国共产党章程》第三十条"
            ),
        ],
    ]

    static func q(
        _ type: QuestionType, _ stem: String, _ options: [String], _ answer: String, _ explanation: String,
        source: String = column
    ) -> QuizRules.ParsedQuestion {
        QuizRules.ParsedQuestion(
            type: type, stem: stem,
            options: type == .trueFalse
                ? QuestionOption.trueFalse
                : options.enumerated().map { QuestionOption(key: QuizRules.optionKeys[$0.offset], text: $0.element) },
            answer: answer, source: source, explanation: explanation)
    }

    static func quizzes(
        _ demo: DemoContext, city: Organization, members: [UUID], demoMember: UUID?, rng: inout SeededRandom
    ) async throws {
        let db = demo.db
        let sql = try db.sql()
        let user = DemoAuthor.username
        let thisMonday = QuizRules.monday(of: QuizRules.week(of: demo.today)) ?? demo.today
        for (i, week) in ([weekOne] + laterWeeks).enumerated() {
            var ids: [UUID] = []
            for p in week {
                ids.append(try await QuizActions.save(p, publisherID: city.id!, by: user, on: db).id!)
            }
            let monday = thisMonday.adding(days: -7 * (3 - i))
            let quiz = try await QuizActions.assemble(
                week: QuizRules.week(of: monday), title: i == 0 ? "每周一学：党的最高领导机关和全国代表大会" : "每周一学·学党章（\(i + 1)）",
                questionIDs: ids, publisherID: city.id!, by: user, on: db)
            let questions = try await QuizActions.questions(of: quiz, on: db)
            var rows = Rows(
                table: "quiz_answers",
                columns: ["id", "quiz_id", "member_id", "score", "total", "choices", "answered_at"])
            var takers = Set<UUID>()
            for _ in 0..<(members.count / (i == 3 ? 40 : 15)) { takers.insert(rng.pick(members)) }
            takers.remove(demoMember ?? UUID())
            for m in takers.sorted(by: { $0.uuidString < $1.uuidString }) {
                var score = 0
                var chosen: [[String]] = []
                for q in questions {
                    let right = rng.chance(0.82)
                    let keys =
                        right
                        ? q.answer.map(String.init) : [q.options.map(\.key).first { !q.answer.contains($0) } ?? "A"]
                    if right { score += 1 }
                    chosen.append([q.id!.uuidString] + keys)
                }
                rows.add([
                    SQLBind(UUID()), SQLBind(quiz.id!), SQLBind(m), SQLBind(score), SQLBind(questions.count),
                    SQLBind(String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self)),
                    SQLBind(min(monday.adding(days: rng.int(0...4)), demo.today).startDate),
                ])
                try await rows.flushIfFull(sql)
            }
            try await rows.flush(sql)
        }
    }

    /// 巴林左旗's own questions for this week, beside the city's quiz.
    static let countyWeek: [QuizRules.ParsedQuestion] = [
        q(
            .trueFalse, "党员外出务工经商三个月以上的，应当向所在党支部报告去向和联系方式。", [], "T",
            "外出前向党支部报告，党支部据此登记流动党员信息、发放流动党员活动证。", source: "巴林左旗委组织部“每周一学”"),
        q(
            .single, "流动党员到达流入地后，应当主动向谁报到？", ["流入地党组织", "流入地派出所", "用工单位人事部门", "老家村委会"], "A",
            "流动党员应持活动证主动向流入地党组织报到，参加其组织生活。", source: "巴林左旗委组织部“每周一学”"),
        q(
            .multiple, "流动党员可以通过哪些方式参加学习？", ["网络点学", "电视节目", "微信公众号", "返乡送学上门"], "ABCD",
            "菜单式点学、电视、微信和送学上门都是流动党员的学习方式。", source: "巴林左旗委组织部“每周一学”"),
    ]

    /// This week's quiz of 巴林左旗, so its members see two quizzes for the week (the city's and the county's).
    static func loadCountyQuiz(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let county = try await OrgTree.organization(code: "150422", on: db) else { return }
        var ids: [UUID] = []
        for p in countyWeek {
            ids.append(try await QuizActions.save(p, publisherID: county.id!, by: DemoAuthor.username, on: db).id!)
        }
        _ = try await QuizActions.assemble(
            week: QuizRules.week(of: demo.today), title: "每周一学·巴林左旗：外出报告与报到", questionIDs: ids,
            publisherID: county.id!, by: DemoAuthor.username, on: db)
    }
}
