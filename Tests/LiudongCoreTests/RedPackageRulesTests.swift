import Foundation
import Testing

@testable import LiudongCore

@Suite("Red packages (红色包裹): campaigns, shipments, answers and progress without a database")
struct RedPackageRulesTests {
    static let today = CalendarDate("2026-12-06")!

    @Test func aPackageHasItemsOnePerLineAndIsMailedOnADayNotAfterToday() {
        let package = RedPackageRules.package(
            contents: "党章\n\n 学习笔记本 \r\n党员徽章", sentOn: "2026-12-01", courier: "邮政", trackingNo: "em 9876",
            today: Self.today)
        #expect((try? package.get().items) == ["党章", "学习笔记本", "党员徽章"])
        #expect((try? package.get().trackingNo) == "EM9876")
        #expect(
            RedPackageRules.package(
                contents: "\n", sentOn: "2026-12-01", courier: "邮政", trackingNo: "1", today: Self.today
            )
            .error == .field("contents", "请逐行填写包裹内容（每行一项，最多30项）"))
        let many = (1...31).map { "第\($0)项" }.joined(separator: "\n")
        #expect(
            RedPackageRules.package(
                contents: many, sentOn: "2026-12-01", courier: "邮政", trackingNo: "1", today: Self.today
            )
            .error != nil)
        for (day, number) in [
            ("2026-12-07", "1"), ("2025-12-01", "1"), ("2026-12-01", "单号<script>"), ("2026-12-01", ""),
        ] {
            #expect(
                RedPackageRules.package(
                    contents: "党章", sentOn: day, courier: "邮政", trackingNo: number, today: Self.today
                )
                .error?.problems.first?.field == "sentOn")
        }
        #expect(RedPackageRules.unconfirmedLate(sentOn: "2026-11-05", confirmedOn: nil, today: Self.today))
        #expect(!RedPackageRules.unconfirmedLate(sentOn: "2026-11-06", confirmedOn: nil, today: Self.today))
        #expect(!RedPackageRules.unconfirmedLate(sentOn: "2026-10-01", confirmedOn: "2026-10-05", today: Self.today))
        #expect(!RedPackageRules.unconfirmedLate(sentOn: "", confirmedOn: nil, today: Self.today))
    }

    @Test func aCampaignHasANameContentsAndABudgetInYuan() throws {
        let c = try RedPackageRules.campaign(name: "2027年春节红色包裹", contents: "党章\n学习笔记本", budget: "12,000.5").get()
        #expect(c.items == ["党章", "学习笔记本"] && c.budgetFen == 1_200_050)
        #expect(RedPackageRules.budget("￥800") == 80_000 && RedPackageRules.budget("０") == 0)
        for bad in ["", "abc", "1.234", "-5", "1e9", "100000001", "99999999999999999999", "1..2", "NaN", "١٢"] {
            #expect(RedPackageRules.budget(bad) == nil, "\(bad)")
        }
        #expect(RedPackageRules.budget("100000000") == RedPackageRules.maxBudgetFen)
        let problems = RedPackageRules.campaign(name: nil, contents: "", budget: "x").error?.problems.map(\.field)
        #expect(problems == ["name", "contents", "budget"])
        #expect(RedPackageRules.yuan(1_200_050) == "12,000.50元" && RedPackageRules.yuan(80_000) == "800元")
        #expect(RedPackageRules.perRecipient(budgetFen: 1_000_000, recipients: 0) == 0)
        #expect(RedPackageRules.perRecipient(budgetFen: 1_000_000, recipients: 3) == 333_333)
    }

    @Test func theMemberAnswersReceivedOrNotReceivedWithAReason() throws {
        let yes = try RedPackageRules.answer(received: "yes", reason: "damaged", note: nil, reflection: " 收获很大 ").get()
        #expect(yes == CheckedAnswer(answer: .received, reason: nil, note: nil, reflection: "收获很大"))
        let no = try RedPackageRules.answer(received: "no", reason: "wrongAddress", note: nil, reflection: nil).get()
        #expect(no.answer == .notReceived && no.reason == .wrongAddress)
        #expect(
            RedPackageRules.answer(received: "no", reason: nil, note: nil, reflection: nil).error
                == .field("reason", "请选择未收到的原因"))
        #expect(
            RedPackageRules.answer(received: "no", reason: "other", note: " ", reflection: nil).error
                == .field("note", "请简要说明原因"))
        #expect(RedPackageRules.answer(received: "maybe", reason: nil, note: nil, reflection: nil).error != nil)
        #expect(
            RedPackageRules.answer(
                received: "yes", reason: nil, note: nil, reflection: String(repeating: "学", count: 1001)
            )
            .error?.problems.first?.field == "reflection")
    }

    @Test func statesAndProgressPerBranch() {
        func state(_ no: String, _ sent: String, _ a: PackageAnswer? = nil, _ c: String? = nil) -> PackageState {
            RedPackageRules.state(trackingNo: no, sentOn: sent, answer: a, confirmedOn: c, today: Self.today)
        }
        #expect(state("", "") == .waiting)
        #expect(state("EM1", "2026-12-01") == .sent)
        #expect(state("EM1", "2026-11-01") == .late)
        #expect(state("EM1", "2026-11-01", .notReceived) == .notReceived)
        #expect(state("EM1", "2026-11-01", .received, "2026-11-05") == .received)
        // A member who had said 未收到 and then received it: 收到 wins.
        #expect(state("EM1", "2026-11-01", .notReceived, "2026-11-20") == .received)
        let (branches, total) = RedPackageRules.progress([
            ("一村", .received), ("二村", .waiting), ("一村", .notReceived), ("一村", .late), ("二村", .sent),
        ])
        #expect(branches.map(\.branch) == ["一村", "二村"])
        #expect(branches[0].recipients == 3 && branches[0].sent == 3 && branches[0].received == 1)
        #expect(branches[0].notReceived == 1 && branches[0].unanswered == 1 && branches[0].late == 1)
        #expect(branches[0].receivedPercent == 33)
        #expect(branches[1].sent == 1 && branches[1].unanswered == 1)
        #expect(total.recipients == 5 && total.sent == 4 && total.received == 1)
    }

    @Test func aTrackingListIsReadByItsHeaders() throws {
        var sheet = TrackingSheet()
        var rows: [TrackingSheet.Row] = []
        let input: [[String]] = [
            ["2027年春节红色包裹寄送名单"], ["包裹编号", "姓名", "支部", "地址", "快递公司", "运单号*"],
            ["1", "张三", "一村", "北京", "EMS", "EM001"], ["", "", "", "", "", ""], ["2", "李四", "", "", "", ""],
        ]
        for (i, cells) in input.enumerated() {
            if let r = try sheet.consume(row: i + 1, cells: cells.map { .text($0) }) { rows.append(r) }
        }
        try sheet.finish()
        #expect(sheet.headerRow == 2 && rows.count == 2)
        #expect(rows[0][.number] == "1" && rows[0][.trackingNo] == "EM001" && rows[0][.courier] == "EMS")
        #expect(rows[1][.trackingNo] == nil && rows[1].row == 5)
        var bad = TrackingSheet()
        #expect(throws: TrackingSheet.Problem.noHeader) {
            for n in 1...30 { _ = try bad.consume(row: n, cells: [.text("姓名")]) }
        }
    }
}

extension RedPackageRulesTests {
    @Test func theAddressIsPrefilledFromTheFlow() {
        #expect(RedPackageRules.prefilledAddress(destination: "北京市朝阳区", street: "望京街道10号") == "北京市朝阳区望京街道10号")
        #expect(RedPackageRules.prefilledAddress(destination: "北京市朝阳区", street: "北京市海淀区1号") == "北京市海淀区1号")
        #expect(RedPackageRules.prefilledAddress(destination: "", street: nil) == nil)
        #expect(
            RedPackageRules.prefilledAddress(destination: "", street: String(repeating: "路", count: 300))?.count == 200)
    }
}
