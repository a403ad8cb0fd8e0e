import Fluent
import LiudongCore
import Vapor

/// The committee's half-year contact report (page, .xlsx, JSON) and the hearings: recorded by the committee, watched
/// by the county (held, or overdue 30 days after the half-year ends).
struct ContactReportController {
    static let hearingGraceDays = 30

    func boot(_ r: FeatureRoutes) throws {
        let reports = r.signedIn(.viewContactReports)
        reports.get("contacts", "report", use: reportPage)
        reports.get("api", "v1", "contact-report", use: reportAPI)
        reports.get("contacts", "hearings", use: hearingsPage)
        reports.post("contacts", "hearings", use: recordHearing)
    }

    static func half(_ req: Request) throws -> HalfYear {
        guard let raw = try? req.query.get(String.self, at: "half"), !raw.isEmpty else {
            return HalfYear(containing: AppClock.today)
        }
        guard let h = HalfYear(raw) else { throw AppError.invalid([FieldError("half", "半年的格式应为2026H1或2026H2")]) }
        return h
    }

    func reportAPI(req: Request) async throws -> HalfYearReport {
        let org = try await req.scopeOrganization()
        return try await HalfYearReport.build(org: org, half: try Self.half(req), on: req.db)
    }

    struct ReportView: Encodable {
        var report: HalfYearReport
        var halves: [SelectOption]
        var coverage: String
        var confirmation: String
        var canRecord: Bool
        var isCommittee: Bool
    }

    func reportPage(req: Request) async throws -> Response {
        let org = try await req.scopeOrganization()
        let half = try Self.half(req)
        let report = try await HalfYearReport.build(org: org, half: half, on: req.db)
        if (try? req.query.get(String.self, at: "format")) == "xlsx" {
            let name = "\(org.shortName)\(half.chinese)联络情况汇报.xlsx"
            return try await PrivateFiles.with(req.application, "exports", name: "contacts-\(UUID().uuidString).xlsx") {
                path in
                try report.writeXLSX(to: path)
                try await req.audit(.export, "contact-report", ref: org.code, summary: "导出\(name)")
                return try await req.download(
                    path, kind: .xlsx, name: name, fallback: "contacts-\(org.code)-\(half).xlsx")
            }
        }
        var halves = [HalfYear(containing: AppClock.today)]
        while halves.count < 4, let last = halves.last { halves.append(last.previous) }
        let view = ReportView(
            report: report,
            halves: halves.map { SelectOption(value: $0.description, label: $0.chinese, selected: $0 == half) },
            coverage: report.percent(report.paired, report.mobileMembers),
            confirmation: report.percent(report.confirmed, report.contacts),
            canRecord: report.hearing == nil && Self.isCommittee(org), isCommittee: Self.isCommittee(org))
        return try await req.page("pairing/report", title: "\(half.chinese)联络情况汇报", view)
    }

    static func isCommittee(_ org: Organization) -> Bool {
        org.kind == .regular && (org.level == .committee || org.level == .generalBranch)
    }

    struct HearingForm: Content {
        var org: String?
        var half: String?
        var heldOn: String?
        var chair: String?
        var attendees: String?
        var conclusions: String?
        var followUp: String?
    }

    /// The committee records its hearing of the report (once per half-year).
    func recordHearing(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(HearingForm.self)
        let org = try await req.scopeOrganization(code: f.org)
        guard Self.isCommittee(org) else { throw AppError.invalid([FieldError("org", "听取汇报由基层党委（党总支）记录")]) }
        guard let half = f.half.flatMap(HalfYear.init) else {
            throw AppError.invalid([FieldError("half", "半年的格式应为2026H2")])
        }
        let back = "/contacts/report?org=\(org.code)&half=\(half)"
        var errors: [String] = []
        let held = Normalize.text(f.heldOn).flatMap({ CalendarDate($0) })
        if held == nil { errors.append("请填写听取汇报的日期") }
        if let held, held > AppClock.today { errors.append("日期不能晚于今天") }
        if let held, held < half.firstDay { errors.append("日期不能早于该半年开始") }
        let chair = Normalize.text(f.chair)
        if chair == nil || (chair?.count ?? 0) > 40 { errors.append("请填写主持人") }
        let attendees = Normalize.text(f.attendees)
        if attendees == nil || (attendees?.count ?? 0) > 500 { errors.append("请填写参加人员（500字以内）") }
        let conclusions = Normalize.text(f.conclusions)
        if (conclusions?.count ?? 0) < 10 || (conclusions?.count ?? 0) > 4000 { errors.append("请写明听取汇报的结论（至少10个字）") }
        let followUp = Normalize.text(f.followUp)
        if (followUp?.count ?? 0) > 4000 { errors.append("后续任务不能超过4000字") }
        if try await ContactHearing.query(on: req.db).filter(\.$orgID == org.id!).filter(\.$half == half.description)
            .count() > 0
        {
            errors.append("\(half.chinese)的汇报已记录")
        }
        guard errors.isEmpty, let held, let chair, let attendees, let conclusions else {
            return req.redirect(to: back, flash: errors.joined(separator: "；"))
        }
        let h = ContactHearing()
        h.orgID = org.id!
        h.half = half.description
        h.heldOn = held.description
        h.chair = chair
        h.attendees = attendees
        h.conclusions = conclusions
        h.followUp = followUp
        h.recordedBy = user.username
        try await h.create(on: req.db)
        try await req.audit(.create, "contact-hearing", ref: org.code, summary: "记录\(half.chinese)听取联络情况汇报（\(held)）")
        return req.redirect(to: back, flash: "已记录听取汇报")
    }

    struct HearingsView: Encodable {
        struct Row: Encodable {
            var code: String
            var name: String
            var heldOn: String?
            var chair: String?
            var overdue: Bool
        }
        var half: String
        var halfLabel: String
        var halves: [SelectOption]
        var due: String
        var rows: [Row]
        var held: Int
        var overdue: Int
    }

    /// Which committees of the scope held their hearing for a half-year; overdue once 30 days have passed.
    func hearingsPage(req: Request) async throws -> Response {
        let user = try req.user
        let half = (try? Self.half(req)) ?? HalfYear(containing: AppClock.today).previous
        let rows = try await HearingStore.status(under: user.scopePath, half: half, on: req.db)
        let due = half.lastDay.adding(days: Self.hearingGraceDays)
        let late = AppClock.today > due
        var halves = [HalfYear(containing: AppClock.today)]
        while halves.count < 4, let last = halves.last { halves.append(last.previous) }
        let view = HearingsView(
            half: half.description, halfLabel: half.chinese,
            halves: halves.map { SelectOption(value: $0.description, label: $0.chinese, selected: $0 == half) },
            due: due.chinese,
            rows: rows.map {
                .init(
                    code: $0.code, name: $0.short_name, heldOn: $0.held_on, chair: $0.chair,
                    overdue: $0.held_on == nil && late)
            }, held: rows.filter { $0.held_on != nil }.count,
            overdue: late ? rows.filter { $0.held_on == nil }.count : 0)
        return try await req.page("pairing/hearings", title: "听取联络情况汇报", view)
    }
}

/// Committees and their hearings.
enum HearingStore {
    struct Row: Decodable, Sendable {
        var id: Int
        var code: String
        var short_name: String
        var held_on: String?
        var chair: String?
    }

    /// The committees (and general branches) under `path` that had mobile members during the half-year (or held a
    /// hearing for it), with the half-year's hearing.
    static func status(under path: String, half: HalfYear, on db: Database) async throws -> [Row] {
        let first = half.firstDay.description
        let last = half.lastDay.description
        return try await db.sql().raw(
            """
            SELECT o.id, o.code, o.short_name, h.held_on, h.chair FROM organizations o
            LEFT JOIN contact_hearings h ON h.org_id = o.id AND h.half = \(bind: half.description)
            WHERE \(PathPrefix("o.path", path)) AND o.kind = 'regular' AND o.level IN ('committee', 'generalBranch')
              AND (h.id IS NOT NULL OR EXISTS (
                SELECT 1 FROM organizations b CROSS JOIN members m CROSS JOIN flows f
                WHERE m.organization_id = b.id AND f.member_id = m.id AND b.path >= o.path AND b.path < (substr(o.path, 1, length(o.path) - 1) || '0')
                  AND m.flow_status IS NOT NULL AND f.left_on <= \(bind: last)
                  AND (f.returned_on IS NULL OR f.returned_on >= \(bind: first))))
            ORDER BY o.sort_order, o.code
            """
        ).all(decoding: Row.self)
    }
}
