import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The QR self-report platform: the public phone form and status, QR codes and posters; review by the home side is
/// `SelfReport/Review`.
struct SelfReportFeature: Feature {
    let name = "selfReport"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(7, CreateSelfReports()), NumberedMigration(13, AddReportRosterFlag()),
            NumberedMigration(28, KeySelfReportDedupe()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try SelfReportPages().boot(routes)
        try QRPages().boot(routes)
        try QRPages.Posters().boot(routes)
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

    var openAPI: String? { SelfReportOpenAPI.part }

    func loadDemo(_ demo: DemoContext) async throws { try await SelfReportDemo.load(demo) }
}
