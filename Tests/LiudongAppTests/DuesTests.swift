import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("党费: bases, payments at home and away, rule versions, relief, the limits, arrears alerts")
struct DuesTests {
    static let month = YearMonth(containing: AppClock.today)

    /// The branch enters a base for memberA through the page (confirmed at once).
    static func base(
        _ app: Application, _ f: Fixture, category: String = "employed", base: String, from: YearMonth
    ) async throws {
        var secretary = Browser(app)
        try await secretary.signIn("secretary", Fixture.password)
        _ = try await secretary.get("/dues/members/\(f.memberA.id!.uuidString)")
        _ = try await secretary.post(
            "/dues/members/\(f.memberA.id!.uuidString)/bases",
            form: ["category": category, "base": base, "from": from.description])
    }

    static func due(_ app: Application, _ member: Member, _ month: YearMonth) async throws -> Int? {
        try await DuesStore.months(of: member.id!, on: app.db.sql()).first { $0.month == month.description }?.due_fen
    }

    static func payment(
        _ member: Member, from: YearMonth, to: YearMonth? = nil, fen: Int, paidTo: String, note: String? = nil
    ) -> String {
        let extra = note.map { #","note":"\#($0)""# } ?? ""
        return #"""
            {"memberId":"\#(member.id!.uuidString)","from":"\#(from)","to":"\#(to ?? from)","amountFen":\#(fen),"paidOn":"\#(AppClock.today)","paidTo":"\#(paidTo)","channel":"online"\#(extra)}
            """#
    }

    @Test(arguments: TestDatabase.all)
    func aMonthIsPaidOnceWhetherAtHomeOrAtTheInflowSide(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            try await Self.base(app, f, base: "4000", from: Self.month.adding(-2))
            _ = try await DuesStore.generateAll(month: Self.month, on: app.db)
            #expect(try await Self.due(app, f.memberA, Self.month) == 4000)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            // The inflow side records only what was paid to it, only for its reporting members.
            let toHome = try await inflow.post(
                "/api/v1/dues/payments",
                json: Self.payment(f.memberA, from: Self.month, fen: 4000, paidTo: f.branchA.code))
            #expect(toHome.status == .conflict)
            let other = try await inflow.post(
                "/api/v1/dues/payments", json: Self.payment(f.memberB, from: Self.month, fen: 4000, paidTo: "X110105"))
            #expect(other.status == .notFound)
            let short = try await inflow.post(
                "/api/v1/dues/payments", json: Self.payment(f.memberA, from: Self.month, fen: 3999, paidTo: "X110105"))
            #expect(short.status == .unprocessableEntity && short.body.string.contains("amountFen"))
            let paid = try await inflow.post(
                "/api/v1/dues/payments", json: Self.payment(f.memberA, from: Self.month, fen: 4000, paidTo: "X110105"))
            #expect(paid.status == .created, "\(paid.body.string)")
            // The home branch cannot take the same month again, whoever records it, and is told where it was paid.
            let twice = try await secretary.post(
                "/api/v1/dues/payments",
                json: Self.payment(f.memberA, from: Self.month, fen: 4000, paidTo: f.branchA.code))
            #expect(twice.status == .conflict && twice.body.string.contains("望京街道党工委"))
            let span = try await secretary.post(
                "/api/v1/dues/payments",
                json: Self.payment(
                    f.memberA, from: Self.month.adding(-1), to: Self.month, fen: 8000, paidTo: f.branchA.code))
            #expect(span.status == .conflict)
            #expect(try await DuesPayment.query(on: app.db).count() == 1)
            // The home branch's sheet shows the month paid at the inflow organization, the same day.
            struct Collection: Decodable {
                var members: Int
                var due: Int
                var paid: Int
                var rate: Double?
                var unpaid: [Unpaid]
                struct Unpaid: Decodable {
                    var name: String
                    var months: [String]
                }
            }
            let sheet = try await secretary.get("/api/v1/dues/collection?month=\(Self.month)").content.decode(
                Collection.self)
            #expect(
                sheet.members == 1 && sheet.due == 4000 && sheet.paid == 4000 && sheet.rate == 1 && sheet.unpaid.isEmpty
            )
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            let html = try await browser.get("/dues?month=\(Self.month)").body.string
            #expect(html.contains("已交") && html.contains("望京街道党工委"))
            // The inflow side's own sheet holds only its reporting members.
            let theirs = try await inflow.get("/api/v1/dues/collection").content.decode(Collection.self)
            #expect(theirs.members == 1 && theirs.paid == 4000)
            // Last month is still owed; the member sees it, and the payment with where it went.
            let code = try await Mobile.code(app, staff: secretary, member: f.memberA)
            _ = try await Mobile.activate(app, idNumber: Fixture.idA, code: code)
            let me = try await APIClient.member(app, idNumber: Fixture.idA, password: Mobile.memberPassword)
            struct My: Decodable {
                var monthly: Int?
                var category: String?
                var unpaidMonths: [String]
                var items: [Item]
                struct Item: Decodable {
                    var amount: Int
                    var paidTo: String
                }
            }
            let my = try await me.get("/api/v1/my/dues").content.decode(My.self)
            #expect(my.monthly == 4000 && my.category == "employed")
            #expect(my.unpaidMonths == [Self.month.adding(-2), Self.month.adding(-1)].map(\.description))
            #expect(my.items.count == 1 && my.items[0].paidTo == "望京街道党工委" && my.items[0].amount == 4000)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theDatabaseComputesTheBandsTheCoreDoesAndAVersionLeavesEarlierMonths(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            for (base, fen) in [
                ("3000.00", 1500), ("3000.01", 3000), ("5000.00", 5000), ("10000.00", 15000), ("10000.01", 20000),
            ] {
                try await Self.base(app, f, base: base, from: Self.month)
                #expect(try await Self.due(app, f.memberA, Self.month) == fen, "\(base)")
                #expect(
                    DuesRules.monthly(.employed, baseFen: Fen.parse(base)!, rules: .standard) == fen, "\(base)")
            }
            for (base, fen) in [("5000.00", 2500), ("5000.01", 5000)] {
                try await Self.base(app, f, category: "retired", base: base, from: Self.month)
                #expect(try await Self.due(app, f.memberA, Self.month) == fen, "retired \(base)")
            }
            // A farmer; the county raises the farmers' amount from next month: this month keeps 0.50.
            try await Self.base(app, f, category: "farmer", base: "", from: Self.month)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            _ = try await county.get("/dues/rules")
            _ = try await county.post(
                "/dues/rules",
                form: [
                    "from": Self.month.next.description, "employed": "3000:0.5, 5000:1, 10000:1.5, 2",
                    "retired": "5000:0.5, 1", "farmer": "1", "reduced": "0.2", "rounding": "fenHalfUp",
                    "policy": "fromPayMonth", "backMonths": "6",
                ])
            try await DuesStore.generate(member: f.memberA, months: [Self.month, Self.month.next], on: app.db)
            #expect(try await Self.due(app, f.memberA, Self.month) == 50)
            #expect(try await Self.due(app, f.memberA, Self.month.next) == 100)
            // A version may not start in the past.
            _ = try await county.post(
                "/dues/rules",
                form: [
                    "from": Self.month.previous.description, "employed": "2", "retired": "1", "farmer": "0.3",
                    "reduced": "0.2", "rounding": "fenHalfUp", "policy": "fromPayMonth", "backMonths": "6",
                ])
            #expect(try await DuesStore.versions(county: f.countyA.id!, on: app.db.sql()).count == 1)
            // Relief: applied by the branch, refused to the branch itself, approved by the committee with its
            // document — the month is then free.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            _ = try await secretary.get("/dues/members/\(f.memberA.id!.uuidString)")
            _ = try await secretary.post(
                "/dues/members/\(f.memberA.id!.uuidString)/reliefs",
                form: ["kind": "exempt", "from": Self.month.description, "to": Self.month.description, "reason": "低保"])
            let r = try #require(try await DuesReliefRecord.query(on: app.db).first())
            let refused = try await secretary.post("/dues/reliefs/\(r.id!.uuidString)/approve", form: ["document": "x"])
            #expect(refused.status == .forbidden)
            var committee = Browser(app)
            try await committee.signIn("committee", Fixture.password)
            _ = try await committee.get("/dues/members/\(f.memberA.id!.uuidString)")
            _ = try await committee.post(
                "/dues/reliefs/\(r.id!.uuidString)/approve", form: ["document": "林东镇党委〔2026〕8号"])
            #expect(try await DuesReliefRecord.find(r.id, on: app.db)?.state == .approved)
            #expect(try await Self.due(app, f.memberA, Self.month) == 0)
            #expect(try await Self.due(app, f.memberA, Self.month.next) == 100)
        }
    }

    @Test(arguments: TestDatabase.all)
    func backPaymentsAndQuarterlyPaymentAreWithinTheirLimits(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA, inflow: f.external)
            try await Self.base(app, f, category: "reduced", base: "", from: Self.month.adding(-12))
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            let inflow = try await APIClient.signIn(app, "inflow", Fixture.password)
            let old = Self.month.adding(-8)
            // Beyond six months back: the home branch with its note only.
            let bare = try await secretary.post(
                "/api/v1/dues/payments",
                json: Self.payment(f.memberA, from: old, to: old.next, fen: 40, paidTo: f.branchA.code))
            #expect(bare.status == .unprocessableEntity && bare.body.string.contains("note"))
            let away = try await inflow.post(
                "/api/v1/dues/payments",
                json: Self.payment(f.memberA, from: old, to: old.next, fen: 40, paidTo: "X110105", note: "补交"))
            #expect(away.status == .conflict)
            let noted = try await secretary.post(
                "/api/v1/dues/payments",
                json: Self.payment(f.memberA, from: old, to: old.next, fen: 40, paidTo: f.branchA.code, note: "外出失联后补交")
            )
            #expect(noted.status == .created, "\(noted.body.string)")
            // Six months back: anyone the member pays.
            let recent = try await inflow.post(
                "/api/v1/dues/payments",
                json: Self.payment(
                    f.memberA, from: Self.month.adding(-6), to: Self.month.adding(-1), fen: 120, paidTo: "X110105"))
            #expect(recent.status == .created, "\(recent.body.string)")
            // By the quarter in advance: only after the branch records its consent.
            let ahead = Self.payment(
                f.memberA, from: Self.month, to: Self.month.adding(2), fen: 60, paidTo: f.branchA.code)
            #expect(try await secretary.post("/api/v1/dues/payments", json: ahead).status == .conflict)
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            _ = try await browser.get("/dues/members/\(f.memberA.id!.uuidString)")
            _ = try await browser.post(
                "/dues/members/\(f.memberA.id!.uuidString)/records",
                form: ["kind": "consent", "note": "在外务工，同意按季度交纳"])
            #expect(try await secretary.post("/api/v1/dues/payments", json: ahead).status == .created)
            let months = try await DuesStore.months(of: f.memberA.id!, on: app.db.sql())
            #expect(months.filter { $0.payment_id != nil }.count == 2 + 6 + 3)
            // Hostile fields: a huge amount, a bad month, a missing member.
            let huge = try await secretary.post(
                "/api/v1/dues/payments",
                json: Self.payment(f.memberA, from: Self.month.adding(-7), fen: Int.max, paidTo: f.branchA.code))
            #expect(huge.status == .unprocessableEntity)
            let bad = try await secretary.post(
                "/api/v1/dues/payments",
                json: #"{"memberId":"\#(f.memberA.id!.uuidString)","from":"2026-99","amountFen":1e308,"paidOn":"x"}"#)
            #expect(bad.status == .unprocessableEntity || bad.status == .badRequest)
            #expect(try await secretary.post("/api/v1/dues/payments", json: "{}").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func arrearsReachTheWorklistAtThreeMonthsAndTheSixMonthViewAtSixOnTheirDay(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Self.base(app, f, category: "farmer", base: "", from: Self.month.adding(-6))
            try await DuesStore.generate(
                member: f.memberA, months: Self.month.adding(-6).through(Self.month), on: app.db)
            let secretary = try await APIClient.signIn(app, "secretary", Fixture.password)
            // Paid through four months ago: last month, the one before and the one before that are unpaid.
            let paid = try await secretary.post(
                "/api/v1/dues/payments",
                json: Self.payment(
                    f.memberA, from: Self.month.adding(-6), to: Self.month.adding(-4), fen: 150, paidTo: f.branchA.code)
            )
            #expect(paid.status == .created, "\(paid.body.string)")
            let sql = try app.db.sql()
            let path = f.countyA.path
            let first = Self.month.firstDay
            func count(_ months: Int, _ day: CalendarDate) async throws -> Int {
                try await DuesSheetStore.arrearsCounts(under: path, months: months, today: day, on: sql).values.reduce(
                    0, +)
            }
            #expect(try await count(3, first) == 1)
            #expect(try await count(3, first.adding(days: -1)) == 0)
            #expect(try await count(6, first) == 0)
            struct Item: Decodable {
                var kind: String
                var count: Int
            }
            struct Worklist: Decodable { var items: [Item] }
            func work() async throws -> Int {
                try await secretary.get("/api/v1/worklist").content.decode(Worklist.self).items
                    .first { $0.kind == "duesArrears3" }?.count ?? 0
            }
            #expect(try await work() == 1)
            // A talk is recorded: off the worklist (still on the arrears list).
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            _ = try await browser.get("/dues/members/\(f.memberA.id!.uuidString)")
            _ = try await browser.post(
                "/dues/members/\(f.memberA.id!.uuidString)/records",
                form: ["kind": "talk", "way": "电话", "note": "家中变故，答应月底补交"])
            #expect(try await work() == 0)
            #expect(try await browser.get("/dues/arrears").body.string.contains("张建国"))
            // The payment undone (as if never made): six months unpaid, counted from the first day of this month only.
            try await sql.raw("UPDATE dues_months SET payment_id = NULL WHERE member_id = \(bind: f.memberA.id!)").run()
            #expect(try await count(6, first) == 1)
            #expect(try await count(6, first.adding(days: -1)) == 0)
            #expect(try await browser.get("/org-life/alerts").body.string.contains("连续6个月未交纳党费"))
            #expect(
                try await browser.get("/org-life/alerts").body.string.contains(
                    "/dues/members/\(f.memberA.id!.uuidString)"))
        }
    }
}
