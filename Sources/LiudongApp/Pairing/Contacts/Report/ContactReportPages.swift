import Fluent
import LiudongCore
import Vapor

/// The committee's half-year contact report (page, .xlsx, JSON) and the hearings: recorded by the committee, watched
/// by the county (held, or overdue 30 days after the half-year ends).
struct ContactReportPages {
    static let hearingGraceDays = ContactRules.hearingGraceDays

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
        let f = try req.content.decode(HearingForm.self)
        let org = try await req.scopeOrganization(code: f.org)
        guard Self.isCommittee(org) else { throw AppError.invalid([FieldError("org", "听取汇报由基层党委（党总支）记录")]) }
        guard let half = f.half.flatMap(HalfYear.init) else {
            throw AppError.invalid([FieldError("half", "半年的格式应为2026H2")])
        }
        let back = "/contacts/report?org=\(org.code)&half=\(half)"
        if let problems = try await ContactActions.recordHearing(
            org: org, half: half, heldOn: f.heldOn, chair: f.chair, attendees: f.attendees,
            conclusions: f.conclusions, followUp: f.followUp, as: try req.acting)
        {
            return req.redirect(to: back, flash: problems)
        }
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
        let rows = try await ContactStore.hearings(under: user.scopePath, half: half, on: req.db)
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
                    code: $0.code, name: $0.shortName, heldOn: $0.heldOn, chair: $0.chair,
                    overdue: $0.heldOn == nil && late)
            }, held: rows.filter { $0.heldOn != nil }.count,
            overdue: late ? rows.filter { $0.heldOn == nil }.count : 0)
        return try await req.page("pairing/hearings", title: "听取联络情况汇报", view)
    }
}
