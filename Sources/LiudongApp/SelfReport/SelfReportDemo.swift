import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The self-report platform in the demo.
enum SelfReportDemo {
    /// Arrivals waiting at the demo's inflow organizations that have an account: up to three members away toward
    /// each one's city scanned its code on arrival, so the inflow account has true work on its home page.
    static func load(_ demo: DemoContext) async throws {
        let sql = try demo.db.sql()
        var rng = SeededRandom(seed: demo.seed ^ 0xA11_1A1)
        for org in try await SelfReportStore.inflowOrganizationsWithAccounts(on: sql) {
            let away = try await SelfReportStore.awayToward(
                division: String(org.division_code.prefix(4)), limit: 3, on: sql)
            for member in away {
                let idNumber = try demo.cipher.open(member.id_number_enc)
                let phone = try member.phone_enc.map(demo.cipher.open)
                let report = SelfReport()
                report.receipt = Receipt.make(using: &rng)
                report.kind = .arrival
                report.orgCode = org.code
                report.reviewOrgID = org.id
                report.reviewPath = org.path
                report.homeOrgID = member.organization_id
                report.inflowOrgID = org.id
                report.memberID = member.member_id
                report.name = member.name
                report.idNumberEnc = member.id_number_enc
                report.idNumberHash = member.id_number_hash
                report.idMasked = Masking.idStored(idNumber)
                report.phoneEnc = member.phone_enc
                report.phoneMasked = phone.map(Masking.phone)
                report.address = "\(org.short_name)辖区（演示）"
                report.status = .pending
                report.dedupeKey = "demo-" + report.receipt
                report.clientAddress = "demo"
                try await report.create(on: demo.db)
                try await SelfReportStore.notify(
                    org: org, kind: .arrival, title: "\(member.name)到达报到，待确认", link: "/reviews", on: sql)
            }
        }
    }
}
