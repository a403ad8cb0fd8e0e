import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Inflow organizations without an account (issue 27 item 11): the county uploads their list on their behalf and
/// signs for them from a stamped receipt; the reconciliation treats both as that side's.
@Suite("Reconciliation: acting for inflow organizations without an account")
struct ProxyTests {
    /// A one-page PDF's first bytes (what the receipt check reads).
    static let pdf = Data("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    @Test(arguments: TestDatabase.all)
    func theCountyUploadsAndSignsForAStreetCommitteeWithoutAnAccount(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let street = try await Fixture.org(
                "X110106", "朝阳区八里庄街道党工委", nil, .external, parent: nil, division: "110105", on: app.db)
            try await Mobile.open(app, f.memberA, inflow: street)
            let q = AppClock.quarter
            var county = Browser(app)
            try await county.signIn("county", Fixture.password)
            let page = try await county.get("/reconcile/proxy?quarter=\(q)").body.string
            #expect(page.contains("朝阳区八里庄街道党工委（本辖区报到 1 人）") && !page.contains("望京"))

            // 望京 has an account: nobody uploads for it.
            func send(_ org: String, _ csv: String) async throws -> TestingHTTPResponse {
                try await county.upload(
                    "/reconcile/proxy/upload", form: ["org": org, "quarter": q.description],
                    file: ("file", "list.csv", Data(csv.utf8)))
            }
            let refused = try await send(f.external.code, "姓名,公民身份号码\n张建国,\(Fixture.idA)\n")
            #expect(refused.headers.first(name: .location)?.hasPrefix("/reconcile/proxy") == true)
            // The street committee's list, uploaded on its behalf: dry run, then applied.
            let started = try await send(street.code, "姓名,公民身份号码\n张建国,\(Fixture.idA)\n")
            let job = try #require(started.headers.first(name: .location))
            #expect(job.hasPrefix("/imports/"))
            let id = try #require(UUID(uuidString: String(job.dropFirst("/imports/".count))))
            try await eventually {
                try await ImportJobStore.find(id, cipher: app.cipher, on: app.db)?.phase == .checked
            }
            #expect(try await county.post(job + "/apply", form: [:]).status == .seeOther)
            #expect(
                try await eventually {
                    try await ImportJobStore.find(id, cipher: app.cipher, on: app.db)?.phase == .applied
                })
            let sql = app.db as! SQLDatabase
            let by = try await sql.raw(
                "SELECT by_username FROM inflow_ledger_submissions WHERE org_id = \(bind: street.id!) AND quarter = \(bind: q.description)"
            ).first()?.decode(column: "by_username", as: String.self)
            #expect(by == "county（代为上传）")

            // Reconciled: the sign-off waits for a stamped receipt (a PDF, JPEG or PNG).
            _ = try await ReconcileService.run(
                quarter: q, scope: f.city, cipher: app.cipher, gate: app.writeGate, on: app.db)
            try await sql.raw(
                "UPDATE reconciliation_items SET status = 'resolved' WHERE inflow_org_id = \(bind: street.id!)"
            ).run()
            func sign(_ receipt: Data) async throws -> TestingHTTPResponse {
                try await county.upload(
                    "/reconcile/proxy/signoffs", form: ["org": street.code, "quarter": q.description],
                    file: ("receipt", "receipt.pdf", receipt))
            }
            _ = try await sign(Data("not a scan".utf8))
            #expect(
                try await ProxyStore.signatures(quarter: q, county: f.countyA.id!, inflow: street.id!, on: app.db)
                    .inflow == nil)
            _ = try await sign(Self.pdf)
            let signed = try await ProxyStore.signatures(
                quarter: q, county: f.countyA.id!, inflow: street.id!, on: app.db)
            #expect(signed.inflow == "county（凭盖章回执代签）")
            let receipt = try await county.get("/reconcile/proxy/receipt?quarter=\(q)&inflow=\(street.code)")
            #expect(receipt.status == .ok && receipt.body.readableBytes == Self.pdf.count)
            // The reconciliation page shows the inflow side as signed; the audit log says who and on what.
            #expect(try await county.get("/reconcile/150422?quarter=\(q)").body.string.contains("凭盖章回执代签"))
            #expect(
                try await AuditEntry.query(on: app.db).all().filter { $0.summary.contains("凭盖章回执代流入地签认") }.count == 1)
            // Another county's staff cannot act for it.
            var other = Browser(app)
            try await other.signIn("countyb", Fixture.password)
            _ = try await other.get("/reconcile/proxy")
            let theirs = try await other.upload(
                "/reconcile/proxy/signoffs", form: ["org": street.code, "quarter": q.description],
                file: ("receipt", "receipt.pdf", Self.pdf))
            #expect(theirs.headers.first(name: .location)?.hasPrefix("/reconcile/proxy") == true)
        }
    }
}
