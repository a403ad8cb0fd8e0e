import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Notices (消息): each account's inbox, by the scope of its organization")
struct NoticesTests {
    static func unread(_ app: Application, _ username: String) async throws -> Int {
        try await NoticeStore.unreadCount(for: try await Fixture.user(app, username), on: app.db)
    }

    @Test(arguments: TestDatabase.all)
    func aNoticeReachesTheAccountsAboveItsOrganizationAndIsReadOncePerAccount(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Notice(org: f.branchA, kind: .report, title: "新报告：张建国外出登记", link: "/reviews").create(on: app.db)
            for (username, sees) in [
                ("secretary", 1), ("committee", 1), ("county", 1), ("city", 1), ("countyb", 0), ("secretaryb", 0),
                ("inflow", 0),
            ] {
                #expect(try await Self.unread(app, username) == sees, "\(username)")
            }
            // The count is on the navigation bar and in the worklist, as the account's own (not rolled up).
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let worklist = try await WorklistTests.items(app, "secretary").first { $0.kind == "notices" }
            #expect(worklist?.count == 1)
            #expect(try await secretary.get("/").body.string.contains("消息"))
            // Opening the inbox shows it (with its kind) and marks it read for this account only.
            let inbox = try await secretary.get("/inbox")
            #expect(inbox.status == .ok)
            #expect(inbox.body.string.contains("新报告：张建国外出登记") && inbox.body.string.contains("新报告"))
            #expect(try await Self.unread(app, "secretary") == 0)
            #expect(try await Self.unread(app, "committee") == 1)
            #expect(try await WorklistTests.items(app, "secretary").first { $0.kind == "notices" }?.count ?? 0 == 0)
            // Another county's account neither sees it nor its title.
            var other = Browser(app)
            try await other.signIn("countyb", Fixture.password)
            #expect(!(try await other.get("/inbox").body.string.contains("张建国外出登记")))
            // A notice after the read mark is unread again.
            try await Notice(org: f.committeeA, kind: .request, title: "新诉求", link: "/requests").create(on: app.db)
            #expect(try await Self.unread(app, "secretary") == 0)  // the committee's, above the branch
            #expect(try await Self.unread(app, "committee") == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theInboxPagesFiftyAtATimeAndOnlyTheFirstPageMarksRead(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            for i in 1...120 {
                try await Notice(org: f.branchA, kind: .contact, title: "通知第\(i)条", link: "/").create(on: app.db)
            }
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            // Page 2 first: read, but the mark stays (the newest were not shown).
            let second = try await secretary.get("/inbox?page=2").body.string
            #expect(second.contains("通知第70条") && !second.contains("通知第71条") && second.contains("通知第21条"))
            #expect(try await Self.unread(app, "secretary") == 120)
            let last = try await secretary.get("/inbox?page=999").body.string
            #expect(last.contains("通知第1条") && !last.contains("通知第21条"))
            let clamped = try await secretary.get("/inbox?page=-5")
            #expect(clamped.status == .ok && clamped.body.string.contains("通知第120条"))
            #expect(try await Self.unread(app, "secretary") == 0)
            #expect(try await secretary.get("/inbox?page=abc").status == .ok)
        }
    }
}
