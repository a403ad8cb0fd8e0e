import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("每周一学 at every level: the city's, the county's and the committee's quiz of the week, each answered once")
struct QuizLevelsTests {
    struct Listed: Decodable {
        var id: UUID
        var title: String
        var publisher: String
        var answered: Bool
    }
    struct Items: Decodable { var items: [Listed] }
    struct Quiz: Decodable {
        struct Q: Decodable { var id: UUID }
        var id: UUID
        var answered: Bool
        var questions: [Q]
    }

    @Test(arguments: TestDatabase.all)
    func theMemberSeesEveryQuizOfTheWeekAtTheirLevels(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let week = QuizRules.week(of: AppClock.today)
            let q = try await QuizActions.save(QuizDemo.weekOne[3], publisherID: f.city.id!, by: "city", on: app.db)
            // Published in the order committee, city, county; next week's city quiz is not this week's.
            var ids: [String: UUID] = [:]
            for (name, org, w) in [
                ("委", f.committeeA, week), ("市", f.city, week), ("旗", f.countyA, week), ("红山", f.countyB, week),
                ("下周", f.city, QuizRules.week(of: AppClock.today.adding(days: 7))),
            ] {
                ids[name] = try await QuizActions.assemble(
                    week: w, title: "每周一学·\(name)", questionIDs: [q.id!], publisherID: org.id!, by: "t", on: app.db
                ).id
            }
            let member = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            let listed = try await member.get("/api/v1/my/quizzes").content.decode(Items.self).items
            #expect(listed.map(\.title) == ["每周一学·市", "每周一学·旗", "每周一学·委"])
            #expect(listed.map(\.publisher) == ["赤峰市", "巴林左旗", "林东镇党委"] && listed.allSatisfy { !$0.answered })

            // The single-quiz API keeps its shape: the first not yet answered, in level order.
            let answer = #"{"answers":[{"questionId":"\#(q.id!.uuidString)","choices":["T"]}]}"#
            #expect(try await member.get("/api/v1/my/quiz").content.decode(Quiz.self).id == ids["市"])
            #expect(try await member.post("/api/v1/my/quiz/answers", json: answer).status == .ok)
            #expect(try await member.get("/api/v1/my/quiz").content.decode(Quiz.self).id == ids["旗"])
            // One named by id: the committee's; another county's is not the member's (404).
            let named =
                #"{"quizId":"\#(ids["委"]!.uuidString)","answers":[{"questionId":"\#(q.id!.uuidString)","choices":["F"]}]}"#
            #expect(try await member.post("/api/v1/my/quiz/answers", json: named).status == .ok)
            let foreign =
                #"{"quizId":"\#(ids["红山"]!.uuidString)","answers":[{"questionId":"\#(q.id!.uuidString)","choices":["T"]}]}"#
            #expect(try await member.post("/api/v1/my/quiz/answers", json: foreign).status == .notFound)
            #expect(try await member.post("/api/v1/my/quiz/answers", json: named).status == .conflict)

            // On the phone: three cards, the county's still a form; answering it by the page.
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            let page = try await phone.get("/my/quiz").body.string
            #expect(page.components(separatedBy: "<section class=\"card\" id=\"quiz-").count == 4)
            #expect(page.components(separatedBy: "<form method=\"post\" action=\"/my/quiz\"").count == 2)
            #expect(page.contains("1 期待作答"))
            let posted = try await phone.post(
                "/my/quiz", form: ["quiz": ids["旗"]!.uuidString, "q_\(q.id!.uuidString)": "T"])
            #expect(posted.status == .seeOther)
            #expect(try await QuizAnswer.query(on: app.db).filter(\.$memberID == f.memberA.id!).count() == 3)
            let home = try await phone.get("/my").body.string
            #expect(home.contains("每周一学·旗：已作答") && home.contains("每周一学·市：已作答"))

            // A member of the other county sees the city's and their county's only.
            let other = try await OrgLifeTests.signedIn(app, f.memberB, idNumber: Fixture.idB, staff: "countyb")
            let theirs = try await other.get("/api/v1/my/quizzes").content.decode(Items.self).items
            #expect(theirs.map(\.title) == ["每周一学·市", "每周一学·红山"])
        }
    }
}
