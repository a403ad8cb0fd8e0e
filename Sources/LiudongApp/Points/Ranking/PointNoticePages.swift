import Fluent
import LiudongCore
import Vapor

/// 公示 of a published ranking, to post: `/points/notice?org=CODE&year=` — the county's, or one branch's for its group —
/// as a printable A4 page, or `&format=xlsx` as a workbook (Excel, WPS). In the county's public form: the members per
/// band, or the full list; with the notice period and how to object.
struct PointNoticePages {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.reviewPoints).get("points", "notice", use: notice)
    }

    struct Line: Encodable {
        var rank: Int
        var name: String
        var branch: String
        var total: Int
        var band: String
    }

    struct View: Encodable {
        var title: String
        var intro: String
        var list: Bool
        var bands: [Pair]
        var rows: [Line]
        var period: String
        var object: String
        var issuer: String
        var date: String
        var org: String
        var year: Int
    }

    static let maxRows = 20_000

    func notice(req: Request) async throws -> Response {
        let org = try await req.pointsReviewScope()
        guard let county = try await OrgTree.county(of: org, on: req.db) else { throw AppError.notFound }
        let year = req.yearParameter()
        guard let pub = try await PointRankingStore.publication(county: county.id!, year: year, on: req.db) else {
            throw AppError.conflict("\(county.shortName)\(year)年的积分评比尚未公布，公布后才能生成公示")
        }
        let list = pub.publicForm == .list
        let page = try await PointRankingStore.page(
            org: org, county: county, year: year, limit: list ? Self.maxRows : 0, offset: 0, today: AppClock.today,
            on: req.db)
        let published = CalendarDate(date: pub.publishedAt ?? AppClock.now)
        let scope = org.id == county.id ? "" : "（\(org.shortName)）"
        let view = View(
            title: "\(county.name)\(year)年度流动党员积分评比结果公示\(scope)",
            intro:
                "按照流动党员积分制管理办法，\(year)年度积分经党支部初审、\(county.shortName)委组织部审核，现将评比结果予以公示"
                + (list ? "（按积分排列，积分相同的名次相同）。" : "（各档次人数；党员本人可在手机“我的积分”中查看自己的积分和档次）。"),
            list: list, bands: page.bands.map { Pair($0.label, "\($0.count)人") },
            rows: page.rows.map {
                Line(rank: $0.rank, name: $0.name, branch: $0.branch, total: $0.total, band: $0.band)
            },
            period:
                "公示期：\(published)至\(pub.noticeUntil ?? published.description)（\(PointNoticeRules.workingDays)个工作日）。",
            object:
                "公示期间，党员对本人积分有异议的，可在手机“我的积分”中对有异议的记录提出申诉，或向所在党支部、\(county.shortName)委组织部反映（电话：\(county.phone)）。公示期满无异议或异议处理完毕后，结果为最终结果。",
            issuer: "中共\(county.shortName)委员会组织部", date: published.chinese, org: org.code, year: year)
        if (try? req.query.get(String.self, at: "format")) == "xlsx" {
            let name = "\(county.shortName)\(year)年度流动党员积分评比结果公示\(scope).xlsx"
            return try await PrivateFiles.with(req.application, "exports", name: "notice-\(UUID().uuidString).xlsx") {
                path in
                try Self.write(view, to: path)
                try await req.audit(.export, "points", ref: org.code, summary: "导出\(name)")
                return try await req.download(
                    path, kind: .xlsx, name: name, fallback: "points-notice-\(org.code)-\(year).xlsx")
            }
        }
        return try await req.page("points/notice", title: view.title, view)
    }

    /// The notice as a workbook: the title, the list or the bands, then the period, how to object and the issuer.
    static func write(_ v: View, to path: String) throws {
        let w = try LedgerXLSXWriter(path: path)
        let foot = [[v.intro], [v.period], [v.object], [v.issuer + " " + v.date]]
        if v.list {
            try w.writeTable(
                sheet: "公示", title: v.title, header: ["名次", "姓名", "所在党支部", "积分", "档次"],
                rows: v.rows.map { ["\($0.rank)", $0.name, $0.branch, "\($0.total)", $0.band] }
                    + [[]] + foot.map { ["", $0[0]] },
                numberColumns: [0, 3], widths: [8, 12, 30, 10, 12])
        } else {
            try w.writeTable(
                sheet: "公示", title: v.title, header: ["档次", "人数"],
                rows: v.bands.map { [$0.value, $0.label] } + [[]] + foot, widths: [40, 14])
        }
        try w.close()
    }
}
