import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The QR self-report platform: the public phone form and status, QR codes and posters, review by the home side.
struct SelfReportFeature: Feature {
    let name = "selfReport"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(7, CreateSelfReports()), NumberedMigration(13, AddReportRosterFlag()),
            NumberedMigration(28, KeySelfReportDedupe()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try SelfReportController().boot(routes)
        try QRController().boot(routes)
        try QRController.Posters().boot(routes)
        try ReviewController().boot(routes)
        try ReviewAPIController().boot(routes)
    }

    var navigation: [NavEntry] {
        [
            NavEntry(
                order: 60, permission: .reviewArrivals,
                link: { user in
                    ("/reviews", user.isInflowSide ? "报到确认" : "报到审核")
                })
        ]
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        return try await SelfReportStore.reports(of: id, on: db.sql()).map { report in
            let kind = ReportKind(rawValue: report.kind)
            let status = ReportStatus(rawValue: report.status)?.label ?? report.status
            let reviewer = report.reviewed_by.map { "，\($0)" } ?? ""
            return ArchiveEntry(
                at: Format.dateTime(report.created_at), side: kind == .arrival ? "流入地" : "本人",
                kind: "自主报告",
                text: "\(kind?.label ?? report.kind)（回执 \(Masking.receipt(report.receipt))，\(status)\(reviewer)）")
        }
    }

    /// Reports waiting for this account's review; those older than `LIUDONG_REVIEW_DUE_DAYS` are overdue.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let late = AppClock.now.addingTimeInterval(-Double(scope.settings.reviewDueDays) * 86_400)
        let pending = try await SelfReportStore.pending(under: scope.user.scopePath, lateBefore: late, on: scope.sql())
        let label = scope.user.isInflowSide ? "报到待确认" : "报告待审核"
        return [
            WorkTally(kind: "reviews", label: label, href: "/reviews", counts: pending.counts, overdue: pending.late)
        ]
    }

    var openAPI: String? { SelfReportOpenAPI.part }

    /// Arrivals waiting at the demo's inflow organizations that have an account: up to three members away toward
    /// each one's city scanned its code on arrival, so the inflow account has true work on its home page.
    func loadDemo(_ demo: DemoContext) async throws {
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
                try await sql.insert(into: "notices").columns(
                    "org_id", "org_path", "kind", "title", "link", "created_at"
                )
                .values(
                    [
                        org.id, org.path, NoticeKind.arrival.rawValue, "\(member.name)到达报到，待确认", "/reviews",
                        AppClock.now,
                    ] as [any Encodable & Sendable]
                ).run()
            }
        }
    }
}

/// An external organization with an account (the demo's inflow side).
struct InflowOrgRow: Decodable {
    var id: Int
    var code: String
    var path: String
    var short_name: String
    var division_code: String
}

/// A member away without an inflow organization yet.
struct AwayMemberRow: Decodable {
    var member_id: UUID
    var name: String
    var id_number_enc: String
    var id_number_hash: String
    var phone_enc: String?
    var organization_id: Int
}

/// A self-report as the archive shows it.
struct ReportHistoryRow: Decodable {
    var kind: String
    var status: String
    var receipt: String
    var created_at: Date?
    var reviewed_by: String?
}

/// The self_reports table's queries for the archive, the worklist and the demo.
enum SelfReportStore {
    static func inflowOrganizationsWithAccounts(on sql: SQLDatabase) async throws -> [InflowOrgRow] {
        try await sql.raw(
            """
            SELECT o.id, o.code, o.path, o.short_name, o.division_code FROM organizations o
            WHERE o.kind = \(bind: OrgKind.external.rawValue)
              AND EXISTS (SELECT 1 FROM accounts a WHERE a.organization_id = o.id)
            ORDER BY o.code
            """
        ).all(decoding: InflowOrgRow.self)
    }

    /// Members away, with no inflow organization yet, toward a city (the first four digits of a division code).
    static func awayToward(division prefix: String, limit: Int, on sql: SQLDatabase) async throws -> [AwayMemberRow] {
        try await sql.raw(
            """
            SELECT f.member_id, m.name, m.id_number_enc, m.id_number_hash, m.phone_enc, m.organization_id
            FROM flows f JOIN members m ON m.id = f.member_id
            WHERE f.status = \(bind: FlowState.away.rawValue) AND f.inflow_org_id IS NULL
              AND f.destination_code LIKE \(bind: prefix + "%")
            ORDER BY m.name, m.id LIMIT \(unsafeRaw: String(max(0, limit)))
            """
        ).all(decoding: AwayMemberRow.self)
    }

    static func reports(of memberID: UUID, on sql: SQLDatabase) async throws -> [ReportHistoryRow] {
        try await sql.raw(
            """
            SELECT kind, status, receipt, created_at, reviewed_by FROM self_reports WHERE member_id = \(bind: memberID)
            """
        ).all(decoding: ReportHistoryRow.self)
    }

    /// Pending reports routed to organizations of the subtree, per reviewing organization.
    static func pending(under path: String, lateBefore: Date, on sql: SQLDatabase) async throws -> [OrgCount] {
        try await sql.raw(
            """
            SELECT review_org_id AS org_id, COUNT(*) AS n,
                   SUM(CASE WHEN created_at < \(bind: lateBefore) THEN 1 ELSE 0 END) AS late
            FROM self_reports WHERE status = \(bind: ReportStatus.pending.rawValue) AND \(PathPrefix("review_path", path))
            GROUP BY review_org_id
            """
        ).all(decoding: OrgCount.self)
    }
}
