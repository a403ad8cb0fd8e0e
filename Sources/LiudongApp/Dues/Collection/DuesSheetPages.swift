import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The month's collection sheet (`/dues`): a branch's members with what each owes and where it was paid, the unpaid
/// with their months; above a branch, each child organization's totals and collection rate; an inflow organization's
/// reporting members. `.xlsx` of each; `GET /api/v1/dues/collection`.
struct DuesSheetPages {
    func boot(_ r: FeatureRoutes) throws {
        let view = r.signedIn(.recordDues)
        view.get("dues", use: page)
        view.get("dues", "export", use: export)
        view.get("api", "v1", "dues", "collection", use: api)
    }

    struct MemberRow: Encodable {
        var id: String
        var name: String
        var due: String
        var paid: Bool
        var whereText: String
        var unpaid: String
    }

    struct TotalRow: Encodable {
        var code: String
        var name: String
        var members: Int
        var due: String
        var paid: String
        var paidMembers: Int
        var rate: String
    }

    struct Sheet: Encodable {
        var code: String
        var name: String
        var month: String
        var monthText: String
        var previous: String
        var next: String
        var branchLevel: Bool
        var inflow: Bool
        var members: [MemberRow]
        var totals: [TotalRow]
        var total: TotalRow
        var collectionDay: Int?
        var howToPay: String
        var canSet: Bool
    }

    static func month(_ req: Request) throws -> YearMonth {
        let raw = try? req.query.get(String.self, at: "month")
        guard let raw, !raw.isEmpty else { return YearMonth(containing: AppClock.today) }
        guard let m = YearMonth(raw), m.year >= 2000, m <= YearMonth(containing: AppClock.today).adding(12) else {
            throw AppError.invalid([FieldError("month", "月份应为 2026-11 这样的年月")])
        }
        return m
    }

    /// A branch's (or an inflow organization's) month, as the page, its .xlsx and the API all read it: each member's
    /// line, the unpaid members' months through the month, the sums in fen.
    struct BranchMonth {
        var lines: [DuesSheetStore.MemberLine]
        var unpaid: [UUID: [YearMonth]]
        var open: [DuesSheetStore.MemberLine] { lines.filter { $0.paid_on == nil && $0.due_fen > 0 } }
        var due: Int { lines.reduce(0) { $0 + $1.due_fen } }
        var paid: Int { lines.filter { $0.paid_on != nil }.reduce(0) { $0 + $1.due_fen } }
        var paidMembers: Int { lines.filter { $0.paid_on != nil }.count }
    }

    static func branchMonth(_ org: Organization, inflow: Bool, month: YearMonth, on sql: SQLDatabase) async throws
        -> BranchMonth
    {
        let lines = try await DuesSheetStore.memberLines(
            month: month, branch: inflow ? nil : org.requireID(), inflow: inflow ? org.requireID() : nil, on: sql)
        var b = BranchMonth(lines: lines, unpaid: [:])
        b.unpaid = try await DuesSheetStore.unpaidMonths(of: b.open.map(\.member_id), through: month, on: sql)
        return b
    }

    static func sheet(_ req: Request) async throws -> Sheet {
        let user = try req.user
        let org = try await req.scopeOrganization()
        let month = try Self.month(req)
        let sql = try req.db.sql()
        let inflow = user.isInflowSide
        let branchLevel = inflow || org.level == .branch
        var members: [DuesSheetStore.MemberLine] = []
        var unpaid: [UUID: [YearMonth]] = [:]
        var totals: [TotalRow] = []
        func rate(_ due: Int, _ paid: Int) -> String {
            DuesPaymentRules.rateText(DuesPaymentRules.ratePermille(paid: paid, due: due))
        }
        var total = TotalRow(
            code: org.code, name: "合计", members: 0, due: "0.00", paid: "0.00", paidMembers: 0, rate: "—")
        if branchLevel {
            let b = try await Self.branchMonth(org, inflow: inflow, month: month, on: sql)
            members = b.lines
            unpaid = b.unpaid
            total = TotalRow(
                code: org.code, name: "合计", members: b.lines.count, due: Fen.yuan(b.due), paid: Fen.yuan(b.paid),
                paidMembers: b.paidMembers, rate: rate(b.due, b.paid))
        } else {
            let rows = try await DuesSheetStore.branchTotals(month: month, under: org.path, on: sql)
            let paths = try await OrgTree.paths(of: rows.map(\.org_id), on: req.db)
            let children = try await OrgTree.openChildren(of: org, on: req.db)
            var sums: [(members: Int, due: Int, paid: Int, paidMembers: Int)] = Array(
                repeating: (0, 0, 0, 0), count: children.count)
            for r in rows {
                guard let p = paths[r.org_id], let i = children.firstIndex(where: { p.hasPrefix($0.path) }) else {
                    continue
                }
                sums[i] = (
                    sums[i].members + r.members, sums[i].due + r.due, sums[i].paid + r.paid,
                    sums[i].paidMembers + r.paid_members
                )
            }
            totals = children.indices.filter { sums[$0].members > 0 }.map { i in
                TotalRow(
                    code: children[i].code, name: children[i].shortName, members: sums[i].members,
                    due: Fen.yuan(sums[i].due),
                    paid: Fen.yuan(sums[i].paid), paidMembers: sums[i].paidMembers,
                    rate: rate(sums[i].due, sums[i].paid))
            }
            let due = rows.reduce(0) { $0 + $1.due }
            let paid = rows.reduce(0) { $0 + $1.paid }
            total = TotalRow(
                code: org.code, name: "合计", members: rows.reduce(0) { $0 + $1.members }, due: Fen.yuan(due),
                paid: Fen.yuan(paid),
                paidMembers: rows.reduce(0) { $0 + $1.paid_members }, rate: rate(due, paid))
        }
        let settings = try await DuesStore.branch(org.requireID(), on: req.db)
        return Sheet(
            code: org.code, name: org.shortName, month: month.description, monthText: month.chinese,
            previous: month.previous.description, next: month.next.description, branchLevel: branchLevel,
            inflow: inflow,
            members: members.map { l in
                MemberRow(
                    id: l.member_id.uuidString, name: l.name, due: Fen.yuan(l.due_fen), paid: l.paid_on != nil,
                    whereText: l.paid_on.map {
                        "\($0) 交至\(l.paid_to ?? "")\(l.paid_to_kind.flatMap(DuesPaidToKind.init(rawValue:)).map { "（\($0.label)）" } ?? "")\(l.paid_by.map { "，\($0)代缴" } ?? "")"
                    }
                        ?? (l.due_fen == 0 ? "无需交纳" : "未交"),
                    unpaid: (unpaid[l.member_id] ?? []).map(\.chinese).joined(separator: "、"))
            },
            totals: totals, total: total, collectionDay: settings?.collectionDay, howToPay: settings?.howToPay ?? "",
            canSet: !inflow && (org.level == .branch || org.kind == .mobile))
    }

    func page(req: Request) async throws -> Response {
        let s = try await Self.sheet(req)
        return try await req.page("dues/sheet", title: "党费收缴 · \(s.name) · \(s.monthText)", s)
    }

    func export(req: Request) async throws -> Response {
        let s = try await Self.sheet(req)
        let path = try PrivateFiles.make(req.application, "exports", name: UUID().uuidString + ".xlsx")
        let book = try LedgerXLSXWriter(path: path)
        let title = "\(s.name)\(s.monthText)党费收缴情况"
        if s.branchLevel {
            try book.writeTable(
                sheet: s.name, title: title, header: ["序号", "姓名", "应交（元）", "交纳情况", "欠交月份"],
                rows: s.members.enumerated().map { i, r in ["\(i + 1)", r.name, r.due, r.whereText, r.unpaid] }
                    + [["", "合计", s.total.due, "已交\(s.total.paidMembers)人，\(s.total.paid)元，收缴率\(s.total.rate)", ""]],
                numberColumns: [0, 2], widths: [8, 12, 12, 44, 40])
        } else {
            try book.writeTable(
                sheet: s.name, title: title,
                header: ["序号", "组织", "应交人数", "应交（元）", "已交人数", "已交（元）", "收缴率"],
                rows: s.totals.enumerated().map { i, r in
                    ["\(i + 1)", r.name, "\(r.members)", r.due, "\(r.paidMembers)", r.paid, r.rate]
                } + [
                    ["", "合计", "\(s.total.members)", s.total.due, "\(s.total.paidMembers)", s.total.paid, s.total.rate]
                ],
                numberColumns: [0, 2, 3, 4, 5], widths: [8, 30, 10, 14, 10, 14, 10])
        }
        try book.close()
        try await req.audit(.export, "dues-sheet", ref: s.code, summary: "导出党费收缴表：\(s.name) \(s.month)")
        return try await req.download(
            path, kind: .xlsx, name: "党费收缴_\(s.code)_\(s.month).xlsx", fallback: "dues_\(s.code)_\(s.month).xlsx")
    }

    struct Unpaid: Content {
        var memberId: UUID
        var name: String
        var months: [String]
    }

    struct Collection: Content {
        var org: String
        var month: String
        var members: Int
        var due: Int
        var paid: Int
        var rate: Double?
        var unpaid: [Unpaid]
    }

    /// `GET /api/v1/dues/collection?org=&month=2026-11`: amounts in fen, the rate paid over due (0–1), the unpaid
    /// members of the organization's branches with their months.
    func api(req: Request) async throws -> Collection {
        let user = try req.user
        let org = try await req.scopeOrganization()
        let month = try Self.month(req)
        let sql = try req.db.sql()
        if user.isInflowSide || org.level == .branch {
            let b = try await Self.branchMonth(org, inflow: user.isInflowSide, month: month, on: sql)
            return Collection(
                org: org.code, month: month.description, members: b.lines.count, due: b.due, paid: b.paid,
                rate: DuesPaymentRules.ratePermille(paid: b.paid, due: b.due).map { Double($0) / 1000 },
                unpaid: b.open.map {
                    Unpaid(
                        memberId: $0.member_id, name: $0.name, months: (b.unpaid[$0.member_id] ?? []).map(\.description)
                    )
                })
        }
        let rows = try await DuesSheetStore.branchTotals(month: month, under: org.path, on: sql)
        let due = rows.reduce(0) { $0 + $1.due }
        let paid = rows.reduce(0) { $0 + $1.paid }
        let runners = try await DuesSheetStore.unpaidMembers(month: month, under: org.path, on: sql)
        let months = try await DuesSheetStore.unpaidMonths(under: org.path, through: month, on: sql)
        return Collection(
            org: org.code, month: month.description, members: rows.reduce(0) { $0 + $1.members }, due: due, paid: paid,
            rate: DuesPaymentRules.ratePermille(paid: paid, due: due).map { Double($0) / 1000 },
            unpaid: runners.map {
                Unpaid(memberId: $0.member_id, name: $0.name, months: (months[$0.member_id] ?? []).map(\.description))
            })
    }
}
