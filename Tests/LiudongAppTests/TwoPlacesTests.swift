import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("两地教育培训: the inflow organization publishes courses for the members reporting to it and reads their diaries")
struct TwoPlacesTests {
    static func diary(_ app: Application, _ m: Member, on day: CalendarDate, _ text: String) async throws {
        let d = DiaryEntry()
        d.memberID = m.id!
        d.onDay = day.description
        d.text = text
        d.excellent = false
        try await d.create(on: app.db)
    }

    @Test(arguments: TestDatabase.all)
    func theInflowSidePublishesAndReads(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let left = AppClock.today.adding(days: -20)
            try await Mobile.open(app, f.memberA, leftOn: left, inflow: f.external)
            try await Mobile.open(app, f.memberB, leftOn: left)
            try await Self.diary(app, f.memberA, on: left.adding(days: -3), "离家前在村里写的日记")
            try await Self.diary(app, f.memberA, on: left.adding(days: 5), "在望京工地带头完成安全检查")
            try await Self.diary(app, f.memberB, on: left.adding(days: 5), "别处报到的党员的日记")

            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            let page = try await inflow.get("/learning/inflow")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("在望京工地带头完成安全检查") && html.contains("张建国"))
            #expect(!html.contains("离家前在村里写的日记") && !html.contains("别处报到的党员的日记"))
            #expect(html.contains("在本组织报到的流动党员 1 人"))

            // A course for the members reporting to it, whatever audience the form names.
            let published = try await inflow.post(
                "/learning/inflow/courses",
                form: [
                    "kind": "offline", "title": "望京街道流动党员安全生产课", "source": "望京街道党工委", "place": "望京街道党群服务中心",
                    "minutes": "20", "audience": "150400", "availableFrom": AppClock.today.description,
                    "availableTo": AppClock.today.adding(days: 30).description,
                ])
            #expect(published.status == .seeOther)
            let course = try #require(try await Course.query(on: app.db).filter(\.$title == "望京街道流动党员安全生产课").first())
            #expect(course.publisherOrgID == f.external.id)
            struct Items: Decodable {
                struct C: Decodable { var title: String }
                var items: [C]
            }
            let memberA = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            let memberB = try await OrgLifeTests.signedIn(app, f.memberB, idNumber: Fixture.idB, staff: "countyb")
            #expect(
                try await memberA.get("/api/v1/my/courses").content.decode(Items.self).items.map(\.title).contains(
                    "望京街道流动党员安全生产课"))
            #expect(
                !(try await memberB.get("/api/v1/my/courses").content.decode(Items.self).items.map(\.title).contains(
                    "望京街道流动党员安全生产课")))
            #expect(try await inflow.get("/learning/inflow").body.string.contains("望京街道流动党员安全生产课"))

            // Not for the home side's accounts; the inflow account still has no home-side learning page.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/learning/inflow").status != .ok)
            #expect(try await inflow.get("/learning").status != .ok)
            // Another member's diary photo is nobody's business here.
            let other = try #require(
                try await DiaryEntry.query(on: app.db).filter(\.$memberID == f.memberB.id!).first())
            #expect(try await inflow.get("/learning/inflow/diaries/\(other.id!.uuidString)/photo").status == .notFound)
        }
    }
}
