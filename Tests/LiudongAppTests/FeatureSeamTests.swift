import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// The feature list is the one place the application is assembled from.
@Suite("Feature seam: migrations, navigation, archive, OpenAPI from one list")
struct FeatureSeamTests {
    static func app() async throws -> Application {
        let app = try await Application.make(.testing)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liudong-seam-\(UUID())").path
        try await configure(
            app,
            settings: Settings(
                database: .sqlite(path: dir + "/t.sqlite"), varDirectory: dir,
                dataKey: testDataKey))
        return app
    }

    @Test func migrationsKeepTheirNumbersAndTheOrderTheyLandedIn() async throws {
        let app = try await Self.app()
        let numbered = Features.migrations(app)
        #expect(numbered.map(\.number) == Array(1...numbered.count), "numbers are unique and leave no gap")
        // The order databases in the field already ran them in; a new migration takes the next number.
        // Fluent's session migration is SessionRecord.Create.
        let landed = [
            "CreateOrganizations", "CreateMembers", "CreateAccounts", "CreateAuditEntries", "Create",
            "CreateFlows", "CreateSelfReports", "CreateNotices", "CreateLedgerSnapshots", "IndexMembersByFlowStatus",
            "CreateReconciliation", "AddPasswordChangedAt", "AddReportRosterFlag", "ProtectIDTails",
            "CreateMemberAccounts",
            "CreatePairings", "IndexPairingsByCadreAccount", "CreateAgreements", "CreateCertificates",
            "CreateOrgLifeAndLearning", "CreatePoints", "AddPointEntrySignature", "CreateServiceRequests", "CreateCare",
            "CreateTalent",
        ]
        let names = numbered.prefix(landed.count).map {
            $0.migration.name.split(separator: ".").last.map(String.init) ?? ""
        }
        #expect(names == landed)
        try await app.asyncShutdown()
    }

    /// Each migration lives in `Sources/LiudongApp/<Feature>/Migrations/NNNN_Name.swift`, numbered as it runs (the
    /// check in `make lint` keeps those files as they landed).
    @Test func migrationFilesAreNumberedAsTheyRun() async throws {
        let app = try await Self.app()
        let byNumber = Dictionary(
            uniqueKeysWithValues: Features.migrations(app).map {
                ($0.number, $0.migration.name.split(separator: ".").last.map(String.init) ?? "")
            })
        try await app.asyncShutdown()
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LiudongApp")
        let files =
            FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.deletingLastPathComponent().lastPathComponent == "Migrations" } ?? []
        var numbers = Set<Int>()
        for file in files {
            let stem = file.deletingPathExtension().lastPathComponent
            let parts = stem.split(separator: "_", maxSplits: 1).map(String.init)
            let number = try #require(parts.first.flatMap { Int($0) }, "\(stem): NNNN_Name.swift")
            #expect(parts.count == 2 && parts[0].count == 4, "\(stem)")
            #expect(byNumber[number] == parts.last, "\(stem) is migration \(number)")
            numbers.insert(number)
        }
        // Every migration but Fluent's own session table (5) has its file.
        #expect(numbers == Set(byNumber.keys).subtracting([5]))
    }

    @Test func featureNamesAreUniqueAndEveryOpenAPIPartParses() {
        let names = Features.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(OpenAPIDocument.problems.isEmpty)
        let doc = (try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))) as? [String: Any]
        let paths = doc?["paths"] as? [String: Any] ?? [:]
        #expect(paths["/api/v1/worklist"] != nil)
        let schemas = (doc?["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        #expect(schemas["Error"] != nil && schemas["MemberInput"] != nil)
    }

    @Test(arguments: TestDatabase.all)
    func navigationIsEachRolesAsBefore(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Fixture.build(app)
            let expected: [String: [String]] = [
                "admin": [
                    "首页", "组织架构", "党员花名册", "组织关系转接", "党费", "台账", "统计", "报到审核", "结对帮带", "联系情况", "共管协议", "流动党员党组织",
                    "组织生活",
                    "学习教育",
                    "积分管理", "对账", "诉求办理", "帮扶慰问", "人才回引", "评优表彰",
                    "数据导入", "账号管理", "工作日历",
                    "审计日志", "消息", "短信通知",
                ],
                "county": [
                    "首页", "组织架构", "党员花名册", "组织关系转接", "党费", "台账", "统计", "报到审核", "结对帮带", "联系情况", "共管协议", "流动党员党组织",
                    "组织生活",
                    "学习教育",
                    "积分管理", "对账", "诉求办理", "帮扶慰问", "人才回引", "评优表彰",
                    "数据导入", "审计日志",
                    "消息", "短信通知",
                ],
                "committee": [
                    "首页", "组织架构", "党员花名册", "组织关系转接", "党费", "台账", "统计", "报到审核", "结对帮带", "联系情况", "共管协议", "流动党员党组织",
                    "组织生活",
                    "学习教育",
                    "积分管理", "对账", "诉求办理", "帮扶慰问", "人才回引", "评优表彰",
                    "消息", "短信通知",
                ],
                "secretary": [
                    "首页", "组织架构", "党员花名册", "组织关系转接", "党费", "台账", "统计", "报到审核", "结对帮带", "联系情况", "共管协议", "流动党员党组织",
                    "组织生活",
                    "学习教育",
                    "积分管理", "对账", "诉求办理", "帮扶慰问", "人才回引", "评优表彰",
                    "消息", "短信通知",
                ],
                "inflow": [
                    "首页", "本组织", "报到党员", "党费", "报到确认", "结对帮带", "共管协议", "流入名单", "组织生活", "两地教育培训", "对账", "诉求办理", "消息",
                ],
            ]
            for (username, labels) in expected {
                let user = try await Fixture.user(app, username)
                let nav = try await Features.navigation(for: user, path: "/", on: app.db)
                #expect(nav.map(\.label) == labels, "\(username)")
                #expect(nav.first?.active == true)
            }
            let inflow = try await Fixture.user(app, "inflow")
            #expect(try await Features.navigation(for: inflow, path: "/", on: app.db)[1].href == "/orgs/X110105")
        }
    }
}
