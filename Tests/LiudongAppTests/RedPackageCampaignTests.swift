import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite("Red-package campaigns (红色包裹): recipients by filters, tracking numbers in bulk, 收到 / 未收到")
struct RedPackageCampaignTests {
    /// Writes a tracking list as a branch fills the downloaded one in.
    static func trackingFile(_ rows: [[String]]) throws -> Data {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try LedgerXLSXWriter(path: path)
        try w.writeTable(sheet: "寄送名单", title: "寄送名单", header: ["包裹编号", "姓名", "快递公司", "运单号"], rows: rows)
        try w.close()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test(arguments: TestDatabase.all)
    func aCampaignReachesItsMembersAndANotReceivedReachesTheBranch(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let flowA = try await Mobile.open(app, f.memberA)
            flowA.address = "望京街道1号"
            try await flowA.update(on: app.db)
            let a2 = try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first())
            let flowA2 = try await Mobile.open(app, a2)
            flowA2.destinationCode = "310101"
            try await flowA2.update(on: app.db)
            try await Mobile.open(app, f.memberB)
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            _ = try await county.get("/red-packages")

            // A bad budget creates nothing; a good one creates the campaign.
            _ = try await county.post(
                "/red-packages/campaigns", form: ["name": "七一红色包裹", "contents": "党章\n笔记本", "budget": "十万"])
            #expect(try await RedPackageCampaign.query(on: app.db).count() == 0)
            let created = try await county.post(
                "/red-packages/campaigns", form: ["name": "七一红色包裹", "contents": "党章\n笔记本", "budget": "1,000"])
            #expect(created.status == .seeOther)
            let c = try #require(try await RedPackageCampaign.query(on: app.db).first())
            #expect(c.budgetFen == 100_000 && c.orgID == f.countyA.id)
            let page = "/red-packages/campaigns/\(c.id!.uuidString)"

            // Recipients by destination (Beijing: only 张建国), then by organization (李秀英 too, nobody twice);
            // another county's organization is refused.
            _ = try await county.post(page + "/recipients", form: ["org": f.countyA.code, "destination": "11"])
            _ = try await county.post(page + "/recipients", form: ["org": f.committeeA.code, "destination": ""])
            _ = try await county.post(page + "/recipients", form: ["org": f.countyB.code, "destination": ""])
            _ = try await county.post(page + "/recipients", form: ["org": f.countyA.code, "destination": "1' OR 1=1"])
            let packages = try await RedPackage.query(on: app.db).filter(\.$campaignID == c.id).sort(\.$seq).all()
            #expect(packages.map(\.memberID) == [f.memberA.id!, a2.id!])
            #expect(packages.map(\.seq) == [1, 2])
            #expect(packages[0].address == "北京市朝阳区望京街道1号" && packages[1].address == "上海市黄浦区")
            #expect(packages.allSatisfy { !$0.mailed && $0.items == ["党章", "笔记本"] })

            // The list as .xlsx, audited; the tracking numbers come back from a filled-in list: a wrong name, an
            // unknown number and a bad tracking number are each refused with the reason, the good row applied.
            let sheet = try await county.get(page + "/sheet")
            #expect(sheet.status == .ok)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("s-\(UUID()).xlsx").path
            try Data(buffer: sheet.body).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            var cells: [String] = []
            _ = try TableReader.rows(path: path) { _, row in cells += row.map(\.text) }
            #expect(cells.contains("包裹编号") && cells.contains("北京市朝阳区望京街道1号"))
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.export.rawValue)
                    .filter(\.$objectType == "red-package-campaign").count() == 1)
            let upload = try await county.upload(
                page + "/tracking", form: ["courier": "中国邮政EMS", "sentOn": AppClock.today.description],
                file: (
                    "file", "运单.xlsx",
                    try Self.trackingFile([
                        ["1", "张建国", "", "EM100200300"], ["2", "王某", "", "EM1"], ["9", "", "", "EM2"],
                        ["2", "李秀英", "", "运单<script>"],
                    ])
                ))
            #expect(upload.status == .ok, "\(upload.body.string.prefix(3000))")
            let body = upload.body.string
            #expect(body.contains("登记运单号 1 个") && body.contains("姓名与名单中该编号的党员不一致"))
            #expect(body.contains("本活动（您管理的范围内）没有这个包裹编号") && !body.contains("<script>"))
            let p = try #require(try await RedPackage.find(packages[0].id, on: app.db))
            #expect(p.trackingNo == "EM100200300" && p.courier == "中国邮政EMS" && p.sentOn == AppClock.today.description)
            #expect(try await RedPackage.find(packages[1].id, on: app.db)?.mailed == false)

            // The branch secretary sees the county's campaign with its own branch only; another county nothing.
            var secretary = Browser(app)
            try await secretary.signIn("secretary", Fixture.password)
            let own = try await secretary.get(page)
            #expect(own.status == .ok && own.body.string.contains("张建国") && !own.body.string.contains("李秀英"))
            var other = Browser(app)
            try await other.signIn("secretaryb", Fixture.password)
            #expect(try await other.get(page).status == .notFound)
            #expect(!(try await other.get("/red-packages").body.string.contains("七一红色包裹")))
            _ = try await other.get("/red-packages")
            #expect(
                try await other.post("/red-packages/\(p.id!.uuidString)/ship", form: ["trackingNo": "X1"]).status
                    == .notFound)

            // The member answers 未收到 (wrong address): it reaches the branch's worklist.
            let member = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            let id = p.id!.uuidString
            #expect(try await member.get("/my").body.string.contains("写心得 / 未收到"))
            #expect(
                try await member.post("/my/red-packages/\(id)/answer", json: #"{"received":"no"}"#).status == .seeOther)
            #expect(try await RedPackage.find(p.id, on: app.db)?.answer == nil)
            _ = try await member.post(
                "/my/red-packages/\(id)/answer", json: #"{"received":"no","reason":"wrongAddress"}"#)
            let secretaryUser = try await Fixture.user(app, "secretary")
            var work = try await Worklist.compute(for: secretaryUser, on: app.db, settings: app.settings)
            #expect(work.first { $0.kind == "redPackagesNotReceived" }?.total == 1)
            #expect(try await secretary.get(page).body.string.contains("地址有误"))
            // Nobody else answers it, and a package not mailed cannot be answered.
            let memberB = try await OrgLifeTests.signedIn(app, f.memberB, idNumber: Fixture.idB, staff: "countyb")
            #expect(
                try await memberB.post("/my/red-packages/\(id)/answer", json: #"{"received":"yes"}"#).status
                    == .notFound)
            let a2Phone = try await OrgLifeTests.signedIn(app, a2, idNumber: Fixture.idA2)
            #expect(
                try await a2Phone.get("/my/red-packages/\(packages[1].id!.uuidString)").status == .notFound)

            // The secretary corrects the address and mails it again: off the worklist; the member receives it.
            _ = try await secretary.post("/red-packages/\(id)/address", form: ["address": "北京市朝阳区望京街道2号院"])
            _ = try await secretary.post(
                "/red-packages/\(id)/ship",
                form: ["sentOn": AppClock.today.description, "courier": "顺丰速运", "trackingNo": "SF9988"])
            let again = try #require(try await RedPackage.find(p.id, on: app.db))
            #expect(again.address == "北京市朝阳区望京街道2号院" && again.trackingNo == "SF9988" && again.answer == nil)
            work = try await Worklist.compute(for: secretaryUser, on: app.db, settings: app.settings)
            #expect(work.first { $0.kind == "redPackagesNotReceived" } == nil)
            _ = try await member.post(
                "/my/red-packages/\(id)/answer", json: #"{"received":"yes","reflection":"认真学习了党章"}"#)
            let done = try #require(try await RedPackage.find(p.id, on: app.db))
            #expect(done.confirmedOn == AppClock.today.description && done.reflection == "认真学习了党章")
            #expect(
                try await secretary.get("/members/\(f.memberA.id!.uuidString)/archive").body.string.contains(
                    "心得：认真学习了党章"))

            // The county's page: progress per branch, 50% received.
            let progress = try await county.get(page).body.string
            #expect(progress.contains("东城村党支部") && progress.contains("西城村党支部") && progress.contains("50%"))
            // Only a package not mailed leaves the list.
            _ = try await county.post("/red-packages/\(id)/remove", form: [:])
            _ = try await county.post("/red-packages/\(packages[1].id!.uuidString)/remove", form: [:])
            #expect(try await RedPackage.query(on: app.db).filter(\.$campaignID == c.id).count() == 1)
        }
    }
}
