import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's certificates: one for every open flow the rules allow (not abroad, not under a month), issued the day the member left; those older than a year were
/// checked once (mostly 合格, some 优秀), except one in twenty left to expire.
enum CertificateDemo {
    private struct Row: Decodable {
        var flow_id: UUID
        var member_id: UUID
        var left_on: String
        var path: String
        var reason: Int?
        var expected_return_on: String?
    }

    static func load(_ demo: DemoContext) async throws {
        let sql = try demo.db.sql()
        var rng = SeededRandom(seed: demo.seed ^ 0xCE27)
        let open = SQLBind.group(LedgerService.openStates)
        let flows = try await sql.raw(
            """
            SELECT f.id AS flow_id, f.member_id, f.left_on, b.path, f.reason, f.expected_return_on FROM flows f JOIN members m ON m.id = f.member_id
              JOIN organizations b ON b.id = m.organization_id
            WHERE f.status IN \(open) ORDER BY f.left_on, f.id
            """
        ).all(decoding: Row.self).filter {
            CertificateRules.refusal(
                .init(
                    reason: $0.reason.flatMap(OutflowReason.init(rawValue:)), leftOn: CalendarDate($0.left_on),
                    expectedReturnOn: $0.expected_return_on.flatMap { CalendarDate($0) }, arrivedOn: nil,
                    lastContactOn: nil)) == nil
        }
        let counties = try await Organization.query(on: demo.db).filter(\.$level == .county).all()
        let city = try await OrganizationService.root(on: demo.db)
        var next: [String: Int] = [:]
        var certs: [[any Encodable & Sendable]] = []
        var checks: [[any Encodable & Sendable]] = []
        let today = demo.today
        let now = AppClock.now
        for f in flows {
            let county = counties.first { f.path.hasPrefix($0.path) }?.code ?? city?.code ?? "000000"
            let issued = CalendarDate(f.left_on) ?? today
            let key = "\(county)-\(issued.year)"
            let sequence = next[key, default: 0] + 1
            next[key] = sequence
            let id = UUID(random: &rng)
            var validTo = issued.adding(days: CertificateService.validDays - 1)
            if validTo < today, rng.chance(0.95) {
                let checked = max(issued, today.adding(days: -rng.int(10...300)))
                let grade: AppraisalGrade = rng.weighted([(.qualified, 70), (.excellent, 25), (.basicallyQualified, 5)])
                validTo = max(validTo, checked).adding(days: CertificateService.validDays)
                checks.append([
                    UUID(random: &rng), id, checked.year, grade.rawValue, checked.description, validTo.description,
                    "demo",
                ])
            }
            certs.append([
                id, "\(key)-" + String(format: "%05d", sequence), f.member_id, f.flow_id, issued.description,
                validTo.description, 1, "demo", now,
            ])
        }
        for chunk in certs.chunked(300) {
            var insert = sql.insert(into: "certificates").columns(
                "id", "number", "member_id", "flow_id", "issued_on", "valid_to", "token_version", "issued_by",
                "created_at")
            for row in chunk { insert = insert.values(row) }
            try await insert.run()
        }
        for chunk in checks.chunked(300) {
            var insert = sql.insert(into: "certificate_checks").columns(
                "id", "certificate_id", "year", "appraisal", "checked_on", "valid_to", "checked_by")
            for row in chunk { insert = insert.values(row) }
            try await insert.run()
        }
    }
}
