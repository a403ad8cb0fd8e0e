import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The QR self-report platform: the public phone form and status, QR codes and posters, review by the home side.
struct SelfReportFeature: Feature {
    let name = "selfReport"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(7, CreateSelfReports()), NumberedMigration(13, AddReportRosterFlag())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try SelfReportController().boot(routes)
        try QRController().boot(routes)
        try QRController.Posters().boot(routes)
        try ReviewController().boot(routes)
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
                text: "\(kind?.label ?? report.kind)（回执 \(report.receipt)，\(status)\(reviewer)）")
        }
    }

    /// Reports waiting for this account's review; those older than `LIUDONG_REVIEW_DUE_DAYS` are overdue.
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let late = Date().addingTimeInterval(-Double(scope.settings.reviewDueDays) * 86_400)
        let pending = try await SelfReportStore.pending(under: scope.user.scopePath, lateBefore: late, on: scope.sql())
        let label = scope.user.isInflowSide ? "报到待确认" : "报告待审核"
        return [
            WorkTally(kind: "reviews", label: label, href: "/reviews", counts: pending.counts, overdue: pending.late)
        ]
    }

    var openAPI: String? { SelfReportOpenAPI.part }
}

/// A self-report as the archive shows it.
struct ReportHistoryRow: Decodable {
    var kind: String
    var status: String
    var receipt: String
    var created_at: Date?
    var reviewed_by: String?
}

/// The self_reports table's queries for the archive and the worklist.
enum SelfReportStore {
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
