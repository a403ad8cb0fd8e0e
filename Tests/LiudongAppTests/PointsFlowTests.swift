import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Claims and appeals, publication and its public form, talks with low scorers, scope and the pages.
@Suite("Points: claims, publication, talks (积分申报、评比、约谈)")
struct PointsFlowTests {
    struct Ledger: Decodable {
        struct Entry: Decodable {
            struct Source: Decodable {
                var kind: String
                var id: String
            }
            var id: String
            var on: String
            var item: String
            var points: Int
            var capped: Bool
            var source: Source
            var status: String
        }
        var member: String
        var year: Int
        var total: Int
        var entries: [Entry]
    }

    @Test(arguments: TestDatabase.all)
    func claimsAreDeduplicatedDecidedAndAppealed(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let a = f.memberA
            _ = try await Mobile.open(app, a, leftOn: PointsTests.before, inflow: f.external)
            _ = try await Mobile.open(app, f.memberB, leftOn: PointsTests.before)
            let today = AppClock.today
            // Yesterday's year (last year on 1 January): the claims are for yesterday; rules for this year too, so a
            // claim whose date is refused is judged against this year's items on any day.
            let year = today.adding(days: -1).year
            try await PointsTests.pilot(app, f.countyA, years: Array(Set([year, today.year])).sorted())
            let me = try await OrgLifeTests.signedIn(app, a, idNumber: Fixture.idA)
            let day = today.adding(days: -1).description
            let text = "帮助社区独居老人打扫卫生、更换灯泡"
            let ok = try await me.post(
                "/api/v1/my/points/claims", json: #"{"itemCode":"v02","on":"\#(day)","description":"\#(text)"}"#)
            #expect(ok.status == .created, "\(ok.body.string)")
            // The same deed again (spacing and punctuation aside) is refused.
            let again = try await me.post(
                "/api/v1/my/points/claims",
                json: #"{"itemCode":"V02","on":"\#(day)","description":"帮助 社区独居老人打扫卫生，更换灯泡。"}"#)
            #expect(again.status == .conflict)
            // With a photo; another deed with the same photo is refused.
            let png = Data(
                [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
                    + Array(repeating: 0, count: 64)
            ).base64EncodedString()
            let photo = try await me.post(
                "/api/v1/my/points/claims",
                json: #"{"itemCode":"V02","on":"\#(day)","description":"在工地组织工友学习安全生产知识","photo":"\#(png)"}"#)
            #expect(photo.status == .created, "\(photo.body.string)")
            let samePhoto = try await me.post(
                "/api/v1/my/points/claims",
                json: #"{"itemCode":"V02","on":"\#(day)","description":"另一件事：参加河堤防汛值守","photo":"\#(png)"}"#)
            #expect(samePhoto.status == .conflict)
            // The member's photo quota (shared with diary photos) is checked before the photo is written.
            app.settings.memberPhotosPerDay = 1
            func storedFiles() async throws -> Int {
                try await (app.db as! SQLDatabase).raw("SELECT count(*) AS n FROM stored_files").first()?
                    .decode(column: "n", as: Int.self) ?? -1
            }
            let filesBefore = try await storedFiles()
            let otherPhoto = Data(
                [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
                    + Array(repeating: 7, count: 64)
            ).base64EncodedString()
            let overQuota = try await me.post(
                "/api/v1/my/points/claims",
                json: #"{"itemCode":"V02","on":"\#(day)","description":"第三件事：帮邻居照看孩子一下午","photo":"\#(otherPhoto)"}"#)
            #expect(
                overQuota.status == .unprocessableEntity && Mobile.fields(overQuota)["photo"] == "今天上传的照片已达1个，请明天再传")
            #expect(try await storedFiles() == filesBefore)
            app.settings.memberPhotosPerDay = 10
            // An automatic item cannot be claimed; the text is required; a fake photo is refused.
            let auto = try await me.post(
                "/api/v1/my/points/claims", json: #"{"itemCode":"L01","on":"\#(day)","description":"我学完了很多课程内容"}"#)
            #expect(auto.status == .unprocessableEntity && Mobile.fields(auto)["itemCode"] != nil)
            let fake = Data("<svg onload=alert(1)>".utf8).base64EncodedString()
            let bad = try await me.post(
                "/api/v1/my/points/claims",
                json: #"{"itemCode":"V02","on":"2001-01-01","description":"短","photo":"\#(fake)"}"#)
            #expect(Set(Mobile.fields(bad).keys) == ["on", "description", "photo"])
            #expect(try await AuditEntry.query(on: app.db).filter(\.$objectType == "point-claim").count() == 2)

            // Another county's secretary cannot see or decide it; the member's secretary approves one, rejects one.
            let claims = try await PointClaim.query(on: app.db).sort(\.$createdAt).all()
            #expect(claims.count == 2 && claims.allSatisfy { $0.status == .pending })
            await #expect(throws: AppError.self) {
                try await PointClaimsStore.claim(
                    claims[0].id, for: try await Fixture.user(app, "secretaryb"), on: app.db)
            }
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            #expect(try await secretary.get("/points/claims").body.string.contains(text))
            _ = try await secretary.post("/points/claims/\(claims[0].id!)", form: ["decision": "approve"])
            _ = try await secretary.post("/points/claims/\(claims[1].id!)", form: ["decision": "reject"])
            #expect(try await PointClaim.find(claims[1].id, on: app.db)?.status == .pending)
            _ = try await secretary.post(
                "/points/claims/\(claims[1].id!)", form: ["decision": "reject", "reason": "请补充活动组织方的证明"])
            #expect(try await PointClaim.find(claims[1].id, on: app.db)?.status == .rejected)

            let staff = try await APIClient.signIn(app, "secretary", Fixture.password)
            let res = try await staff.get("/api/v1/points?member=\(a.id!.uuidString)&year=\(year)")
            let ledger = try res.content.decode(Ledger.self)
            #expect(ledger.total == 5 && ledger.entries.count == 1)
            let entry = try #require(ledger.entries.first)
            #expect(
                entry.source.kind == "claim" && entry.source.id == claims[0].id!.uuidString && entry.status == "counted"
            )
            #expect(entry.item == "志愿服务、帮扶群众" && entry.points == 5 && !entry.capped && entry.on == day)

            // The member appeals (a reason is required, once at a time); the secretary upholds: the entry is revoked.
            #expect(
                try await me.post("/api/v1/my/points/appeals", json: #"{"entryId":"\#(entry.id)","reason":"短"}"#).status
                    == .unprocessableEntity)
            let appeal = try await me.post(
                "/api/v1/my/points/appeals", json: #"{"entryId":"\#(entry.id)","reason":"日期填错了，应为上周六"}"#)
            #expect(appeal.status == .created)
            #expect(
                try await me.post("/api/v1/my/points/appeals", json: #"{"entryId":"\#(entry.id)","reason":"再申诉一次试试"}"#)
                    .status == .conflict)
            let mine = try await me.get("/api/v1/points?year=\(year)").content.decode(Ledger.self)
            #expect(mine.entries.first?.status == "appealed" && mine.member == a.id!.uuidString)
            // Rejected: the entry counts again (the stored row was marked in place, so the recomputation rewrites it).
            let first = try #require(try await PointAppeal.query(on: app.db).first())
            _ = try await secretary.get("/points/appeals")
            _ = try await secretary.post(
                "/points/appeals/\(first.id!)", form: ["decision": "reject", "reason": "日期无误"])
            let kept = try await me.get("/api/v1/my/points?year=\(year)").content.decode(Ledger.self)
            #expect(kept.total == 5 && kept.entries.first?.status == "counted")
            #expect(
                try await me.post("/api/v1/my/points/appeals", json: #"{"entryId":"\#(entry.id)","reason":"补充了活动照片"}"#)
                    .status == .created)
            let pending = try #require(try await PointAppeal.query(on: app.db).filter(\.$status == .pending).first())
            _ = try await secretary.get("/points/appeals")
            _ = try await secretary.post(
                "/points/appeals/\(pending.id!)", form: ["decision": "uphold", "reason": "经核实，同意撤销"])
            let after = try await me.get("/api/v1/my/points?year=\(year)").content.decode(Ledger.self)
            #expect(after.total == 0 && after.entries.first?.status == "revoked" && after.entries.first?.points == 0)
            var browser = Browser(app)
            _ = try await browser.get("/my/login")
            _ = try await browser.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            let page = try await browser.get("/my/points?year=\(year)").body.string
            #expect(page.contains("申诉成立，已撤销：经核实，同意撤销") && page.contains("请补充活动组织方的证明"))

            // Scope: members see only their own, other counties nothing, inflow accounts no points.
            let b = try await OrgLifeTests.signedIn(app, f.memberB, idNumber: Fixture.idB, staff: "countyb")
            #expect(try await b.get("/api/v1/points?member=\(a.id!.uuidString)").status == .notFound)
            let other = try await APIClient.signIn(app, "secretaryb", Fixture.password)
            #expect(try await other.get("/api/v1/points?member=\(a.id!.uuidString)").status == .notFound)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            #expect(try await inflow.get("/api/v1/points?member=\(a.id!.uuidString)").status == .forbidden)
            #expect(
                try await APIClient(app: app).get("/api/v1/points?member=\(a.id!.uuidString)").status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.all)
    func publicationFreezesTheRankingAndShowsTheCountysChoice(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let p = PointFixture(app: app)
            let a2 = try await PointsTests.member(app, named: "李秀英")
            for m in [f.memberA, a2, f.memberB] { _ = try await Mobile.open(app, m, leftOn: PointsTests.before) }
            try await PointsTests.pilot(app, f.countyA, years: [2025], form: .bands)
            try await PointsTests.pilot(app, f.countyB, years: [2025], form: .list)
            try await p.attend(f.memberA, f.branchA, "2025-05-01")
            try await p.attend(f.memberA, f.branchA, "2025-06-01")
            try await p.attend(a2, f.branchA2, "2025-05-01")
            try await p.attend(f.memberB, f.branchB, "2025-05-01")
            for c in [f.countyA, f.countyB] { try await PointLedger.recompute(county: c, year: 2025, on: app.db) }
            let staff = try await APIClient.signIn(app, "county", Fixture.password)
            struct Ranking: Decodable {
                struct Item: Decodable {
                    var memberId: String
                    var name: String
                    var total: Int
                    var rank: Int
                }
                var published: Bool
                var items: [Item]
            }
            let live = try await staff.get("/api/v1/points/ranking?org=\(f.countyA.code)&year=2025").content
                .decode(Ranking.self)
            #expect(!live.published && live.items.map(\.name) == ["张建国", "李秀英"] && live.items.map(\.rank) == [1, 2])
            // Not before the year is over; then once.
            await #expect(throws: AppError.self) {
                try await PointRankingActions.publish(
                    county: f.countyA, year: 2025, form: .bands,
                    as: .system("t", today: CalendarDate("2025-12-20")!, on: app.db))
            }
            let now = CalendarDate("2026-01-05")!
            _ = try await PointRankingActions.publish(
                county: f.countyA, year: 2025, form: .bands, as: .system("t", today: now, on: app.db))
            await #expect(throws: AppError.self) {
                try await PointRankingActions.publish(
                    county: f.countyA, year: 2025, form: .list, as: .system("t", today: now, on: app.db))
            }
            _ = try await PointRankingActions.publish(
                county: f.countyB, year: 2025, form: .list, as: .system("t", today: now, on: app.db))
            // Frozen: late facts of 2025 change nothing.
            for d in ["2025-07-01", "2025-08-01", "2025-09-01"] { try await p.attend(a2, f.branchA2, d) }
            try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            #expect(try await p.total(a2, 2025) == 3)
            let frozen = try await staff.get("/api/v1/points/ranking?org=\(f.countyA.code)&year=2025").content
                .decode(Ranking.self)
            #expect(frozen.published && frozen.items.map(\.total) == [6, 3])
            // A branch's ranking ranks within the branch.
            let branch = try await staff.get("/api/v1/points/ranking?org=\(f.branchA2.code)&year=2025").content
                .decode(Ranking.self)
            #expect(branch.items.map(\.rank) == [1] && branch.items.map(\.name) == ["李秀英"])

            // Members of a county that shows bands see counts and their own band, never others' names.
            var member = Browser(app)
            _ = try await OrgLifeTests.signedIn(app, a2, idNumber: Fixture.idA2)
            _ = try await member.get("/my/login")
            _ = try await member.post("/my/login", form: ["idNumber": Fixture.idA2, "password": Mobile.memberPassword])
            let bands = try await member.get("/my/points/ranking?year=2025").body.string
            #expect(bands.contains("各档次人数") && bands.contains("我的结果：3分") && !bands.contains("张建国"))
            #expect(!bands.contains("第2名"))
            // A county that shows the full list: names and ranks.
            var memberB = Browser(app)
            _ = try await OrgLifeTests.signedIn(app, f.memberB, idNumber: Fixture.idB, staff: "countyb")
            _ = try await memberB.get("/my/login")
            _ = try await memberB.post("/my/login", form: ["idNumber": Fixture.idB, "password": Mobile.memberPassword])
            let list = try await memberB.get("/my/points/ranking?year=2025").body.string
            #expect(list.contains("第1名 王海涛") && list.contains("第1名（共1人）"))
            // Secretaries always see the full list.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let full = try await secretary.get("/points/ranking?year=2025").body.string
            #expect(full.contains("张建国") && full.contains("已于\(AppClock.today.year)-"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func lowScorersBecomeATalkTaskAfterTwoQuartersAndNotTwice(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let p = PointFixture(app: app)
            let a = f.memberA
            let a2 = try await PointsTests.member(app, named: "李秀英")
            for m in [a, a2] { _ = try await Mobile.open(app, m, leftOn: PointsTests.before) }
            try await PointsTests.pilot(app, f.countyA, years: [2025])
            // A: 6 points in Q1 then nothing; A2: 6 points every quarter.
            for d in ["2025-02-01", "2025-03-01"] { try await p.attend(a, f.branchA, d) }
            for q in ["01", "04", "07", "10"] {
                for d in ["2025-\(q)-05", "2025-\(q)-20"] { try await p.attend(a2, f.branchA2, d) }
            }
            try await PointLedger.recompute(county: f.countyA, year: 2025, on: app.db)
            func low(_ day: String) async throws -> [String] {
                try await PointTalksStore.lowScorers(under: f.countyA.path, today: CalendarDate(day)!, on: app.db).map(
                    \.name)
            }
            #expect(try await low("2025-05-15") == [])  // Q4 2024 has no rules: not judged
            #expect(try await low("2025-07-15") == [])  // Q1 6 points, Q2 0: one quarter only
            #expect(try await low("2025-10-15") == ["张建国"])  // Q2 and Q3 both 0
            #expect(
                try await PointTalksStore.counts(
                    under: f.committeeA.path, today: CalendarDate("2025-10-15")!, on: app.db)
                    == [f.branchA.id!: 1])
            let secretary = try await Fixture.user(app, "secretary")
            await #expect(throws: AppError.self) {
                try await PointTalksActions.record(
                    .init(talkedOn: "2025-10-16", way: "phone", summary: "短", steps: ""), member: a,
                    as: .staff(secretary, today: CalendarDate("2025-10-20")!, on: app.db))
            }
            _ = try await PointTalksActions.record(
                .init(
                    talkedOn: "2025-10-16", way: "phone", summary: "了解到近期在外务工时间紧，讲明积分只记实际参加的活动", steps: "每月参加一次流入地主题党日"),
                member: a, as: .staff(secretary, today: CalendarDate("2025-10-20")!, on: app.db))
            #expect(try await low("2025-10-20") == [])  // talked this quarter: not listed again
            #expect(try await low("2026-01-10") == ["张建国"])  // next quarter, still low: listed again
            let archive = try await Features.archive(a, on: app.db)
            #expect(archive.contains { $0.kind == "约谈提醒" && $0.text.contains("2025Q2、2025Q3") })
            // Another county's secretary does not see the task.
            #expect(
                try await PointTalksStore.counts(under: f.countyB.path, today: CalendarDate("2025-10-15")!, on: app.db)
                    .isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everyPageOfTheMeasureOpens(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            _ = try await Mobile.open(app, f.memberA, leftOn: PointsTests.before)
            let year = AppClock.today.year
            try await PointsTests.pilot(app, f.countyA, years: [year - 1, year])
            let p = PointFixture(app: app)
            try await p.attend(f.memberA, f.branchA, AppClock.today.description)
            try await PointLedger.recompute(county: f.countyA, year: year, on: app.db)
            for user in ["county", "secretary", "city", "committee"] {
                var b = Browser(app)
                try await b.signIn(user, Fixture.password)
                for path in [
                    "/points", "/points?county=\(f.countyA.code)", "/points/rules?county=\(f.countyA.code)",
                    "/points/ranking", "/points/claims", "/points/appeals", "/points/talks",
                    "/points/members/\(f.memberA.id!.uuidString)",
                ] {
                    let res = try await b.get(path)
                    #expect(res.status == .ok, "\(user) \(path) \(res.status)")
                }
                // The county's ranking is for accounts of the county and above.
                let county = try await b.get("/points/ranking?org=\(f.countyA.code)").status
                #expect(county == (["county", "city"].contains(user) ? .ok : .notFound), "\(user)")
            }
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            #expect(try await inflow.get("/points").status == .forbidden)
            var member = Browser(app)
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            _ = try await member.get("/my/login")
            _ = try await member.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            for path in ["/my", "/my/points", "/my/points/ranking"] {
                let res = try await member.get(path)
                #expect(res.status == .ok, "\(path) \(res.status)")
            }
            #expect(try await member.get("/my").body.string.contains("\(year)年积分：3分"))
        }
    }
}
