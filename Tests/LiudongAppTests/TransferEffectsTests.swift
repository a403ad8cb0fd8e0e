import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

@Suite(
    "A transfer out archived: the certificate revoked, the points span closed, no longer expected in the national export"
)
struct TransferEffectsTests {
    @Test(arguments: TestDatabase.all)
    func archivingATransferOutReachesTheCertificatePointsAndReconciliation(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await Mobile.open(app, f.memberA)
            let card = try await CertificateService.issue(
                for: f.memberA, by: "secretary", on: app.db, today: AppClock.today)
            // The county's national export lists 张建国 only: 李秀英, on our roster, is 我方有、全国系统无.
            let national = try ReconciliationTests.write("姓名,公民身份号码,所在党支部,是否流动\n张建国,\(Fixture.idA),东城村党支部,是\n")
            defer { try? FileManager.default.removeItem(atPath: national) }
            _ = try await NationalImportService.run(
                path: national, fileName: "n.csv", quarter: AppClock.quarter, scopePath: f.countyA.path,
                scopeCode: f.countyA.code, username: "county", apply: true, cipher: app.cipher, gate: app.writeGate,
                on: app.db)
            func absentFromNational() async throws -> [String] {
                let report = try await ReconcileService.run(
                    quarter: AppClock.quarter, scope: f.countyA, cipher: app.cipher, gate: app.writeGate, on: app.db)
                return report.items.filter { $0.category == "oursNotNational" }.map(\.name)
            }
            #expect(try await absentFromNational() == ["李秀英"])
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            struct Out: Decodable { var id: UUID }
            func transferOut(_ m: Member) async throws {
                let created = try await county.post(
                    "/api/v1/transfers",
                    json:
                        #"{"memberId":"\#(m.id!.uuidString)","direction":"out","toOrgName":"北京市朝阳区某社区党委","toDivision":"110105","reason":"在北京定居"}"#
                )
                let id = try created.content.decode(Out.self).id.uuidString
                for step in ["approve", "issue", "report", "receipt", "archive"] {
                    #expect(
                        try await county.post("/api/v1/transfers/\(id)/\(step)", json: "{}").status == .ok, "\(step)")
                }
            }
            // 李秀英 transferred out: the next reconciliation no longer expects her in our export.
            try await transferOut(try #require(try await Member.query(on: app.db).filter(\.$name == "李秀英").first()))
            #expect(try await absentFromNational().isEmpty)
            // 张建国 transferred out: his certificate revoked, his flow's span ending today (no later month counts).
            try await transferOut(f.memberA)
            let revoked = try #require(try await Certificate.find(card.id, on: app.db))
            #expect(revoked.revokedOn == AppClock.today.description)
            let flow = try #require(try await Flow.query(on: app.db).filter(\.$memberID == f.memberA.id!).first())
            #expect(flow.status == .transferred && flow.returnedOn == AppClock.today.description)
            let people = try await PointLedgerStore.population(
                county: f.countyA, year: AppClock.today.year, member: f.memberA.id, on: app.db)
            let later = AppClock.today.month < 12 ? 1 << AppClock.today.month : 0
            #expect(people.count == 1 && people.allSatisfy { $0.months & later == 0 })
        }
    }
}
