import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The year's statement to publish (收缴使用情况公示), the county's rule versions, a branch's collection day, what
/// waits for a decision, and the arrears list.
struct DuesAdminPages {
    func boot(_ r: FeatureRoutes) throws {
        let rec = r.signedIn(.recordDues)
        rec.get("dues", "statement", use: statement)
        rec.get("dues", "statement", "export", use: statementExport)
        rec.get("dues", "waiting", use: waiting)
        rec.get("dues", "arrears", use: arrears)
        rec.post("dues", "branch", use: branch)
        r.signedIn(.manageDues).get("dues", "rules", use: rules)
        r.signedIn(.manageDues).post("dues", "rules", use: addRules)
    }

    struct MonthRow: Encodable {
        var month: String
        var members: Int
        var paidMembers: Int
        var due: String
        var paid: String
        var rate: String
    }

    struct Statement: Encodable {
        var code: String
        var name: String
        var year: Int
        var months: [MonthRow]
        var payments: Int
        var received: String
        var voluntary: String
        var toCentre: String
    }

    static func statement(_ req: Request) async throws -> Statement {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let year = PointSettingsRules.year(try? req.query.get(Int.self, at: "year")) ?? today.year
        let sql = try req.db.sql()
        let months = try await DuesSheetStore.statement(year: year, under: org.path, on: sql)
        let got = try await DuesSheetStore.received(year: year, under: org.path, on: sql)
        return Statement(
            code: org.code, name: org.shortName, year: year,
            months: months.map {
                MonthRow(
                    month: YearMonth($0.month)?.chinese ?? $0.month, members: $0.members, paidMembers: $0.paid_members,
                    due: Fen.yuan($0.due), paid: Fen.yuan($0.paid),
                    rate: DuesPaymentRules.rateText(DuesPaymentRules.ratePermille(paid: $0.paid, due: $0.due)))
            },
            payments: got.payments, received: Fen.yuan(got.amount ?? 0),
            voluntary: Fen.yuan(max(0, got.voluntary ?? 0)),
            toCentre: Fen.yuan(got.to_centre ?? 0))
    }

    func statement(req: Request) async throws -> Response {
        let s = try await Self.statement(req)
        return try await req.page("dues/statement", title: "\(s.name)\(s.year)年党费收缴使用情况", s)
    }

    func statementExport(req: Request) async throws -> Response {
        let s = try await Self.statement(req)
        let path = try PrivateFiles.make(req.application, "exports", name: UUID().uuidString + ".xlsx")
        let book = try LedgerXLSXWriter(path: path)
        try book.writeTable(
            sheet: "\(s.year)年", title: "\(s.name)\(s.year)年党费收缴情况公示",
            header: ["月份", "应交人数", "已交人数", "应交（元）", "已交（元）", "收缴率"],
            rows: s.months.map { [$0.month, "\($0.members)", "\($0.paidMembers)", $0.due, $0.paid, $0.rate] }
                + [
                    ["全年实收", "\(s.payments)笔", "", "", s.received, ""],
                    ["其中自愿多交", "", "", "", s.voluntary, ""], ["其中全额上缴中央", "", "", "", s.toCentre, ""],
                ],
            numberColumns: [1, 2, 3, 4], widths: [14, 10, 10, 14, 14, 10])
        try book.close()
        try await req.audit(.export, "dues-statement", ref: s.code, summary: "导出党费收缴公示：\(s.name) \(s.year)年")
        return try await req.download(
            path, kind: .xlsx, name: "党费公示_\(s.code)_\(s.year).xlsx",
            fallback: "dues_statement_\(s.code)_\(s.year).xlsx")
    }

    struct Person: Encodable {
        var id: String
        var memberID: String
        var name: String
        var branch: String
    }

    func waiting(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let sql = try req.db.sql()
        func people(_ rows: [DuesSheetStore.Waiting]) -> [Person] {
            rows.map {
                Person(id: $0.id.uuidString, memberID: $0.member_id.uuidString, name: $0.name, branch: $0.branch)
            }
        }
        struct View: Encodable {
            var name: String
            var bases: [Person]
            var reliefs: [Person]
        }
        return try await req.page(
            "dues/waiting", title: "党费待处理",
            View(
                name: org.shortName,
                bases: people(
                    try await DuesSheetStore.waiting("dues_bases", state: "declared", under: org.path, on: sql)),
                reliefs: people(
                    try await DuesSheetStore.waiting("dues_reliefs", state: "applied", under: org.path, on: sql))))
    }

    func arrears(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        let sql = try req.db.sql()
        let three = try await DuesSheetStore.arrears(
            under: org.path, months: DuesPaymentRules.worklistMonths, today: today, on: sql)
        let months = try await DuesSheetStore.unpaidMonths(
            of: three.map(\.member_id), through: DuesPaymentRules.lastDueMonth(today), on: sql)
        let talked = try await DuesSheetStore.talkedSince(
            DuesPaymentRules.lastDueMonth(today).adding(1 - DuesPaymentRules.worklistMonths).firstDay.description,
            members: three.map(\.member_id), on: sql)
        struct Row: Encodable {
            var id: String
            var name: String
            var branch: String
            var mobile: Bool
            var months: Int
            var list: String
            var talked: Bool
        }
        struct View: Encodable {
            var code: String
            var name: String
            var rows: [Row]
        }
        return try await req.page(
            "dues/arrears", title: "党费欠缴",
            View(
                code: org.code, name: org.shortName,
                rows: three.map { r in
                    let m = months[r.member_id] ?? []
                    return Row(
                        id: r.member_id.uuidString, name: r.name, branch: r.branch, mobile: r.flow_status != nil,
                        months: DuesPaymentRules.unpaidRun(Set(m), through: DuesPaymentRules.lastDueMonth(today)),
                        list: m.map(\.chinese).joined(separator: "、"), talked: talked.contains(r.member_id))
                }))
    }

    struct BranchForm: Content {
        var collectionDay: String?
        var howToPay: String?
    }

    /// A branch (or mobile organization) sets its collection day and how to pay.
    func branch(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.treeScopeOrganization()
        let f = try req.content.decode(BranchForm.self)
        return try await req.act(back: "/dues?org=\(org.code)") {
            guard org.level == .branch || org.kind == .mobile, user.covers(org) else {
                throw AppError.conflict("收缴日和交纳方式由党支部（或流动党员党组织）设置")
            }
            guard let day = Normalize.text(f.collectionDay).flatMap({ Int($0.prefix(2)) }), (1...28).contains(day)
            else {
                throw AppError.invalid([FieldError("collectionDay", "收缴日应为每月1–28日")])
            }
            let how = String((Normalize.text(f.howToPay) ?? "").prefix(200))
            let b = try await DuesStore.branch(org.requireID(), on: req.db) ?? DuesBranch()
            let fresh = b.id == nil
            b.id = try org.requireID()
            b.collectionDay = day
            b.howToPay = how
            try await (fresh ? b.create(on: req.db) : b.update(on: req.db))
            try await req.audit(.update, "dues-branch", ref: org.code, summary: "党费收缴日：每月\(day)日")
            return "已保存：每月\(day)日前收缴"
        }
    }

    /// The county (or the city) whose rules the account sees, and whether it sets them (its organization department).
    static func holder(_ req: Request) async throws -> (org: Organization, canEdit: Bool) {
        if let org = try? await req.departmentOrganization() { return (org, true) }
        let user = try req.user
        guard !user.isInflowSide, let scope = try await Organization.find(user.scopeID, on: req.db) else {
            throw AppError.notFound
        }
        return (try await OrgTree.countyOrCity(of: scope, on: req.db), false)
    }

    func rules(req: Request) async throws -> Response {
        try await renderRules(req, error: nil)
    }

    private func renderRules(_ req: Request, error: String?) async throws -> Response {
        let (org, canEdit) = try await Self.holder(req)
        let rows = try await DuesStore.versionRows(county: org.requireID(), on: req.db.sql())
        let current = DuesRules.version(
            for: YearMonth(containing: AppClock.today),
            in: try await DuesStore.versions(county: org.requireID(), on: req.db.sql()))
        struct Version: Encodable {
            var from: String
            var by: String
            var text: String
        }
        struct Option: Encodable {
            var value: String
            var label: String
            var selected: Bool
        }
        struct View: Encodable {
            var name: String
            var versions: [Version]
            var farmer: String
            var reduced: String
            var backMonths: Int
            var roundings: [Option]
            var policies: [Option]
            var employed: String
            var retired: String
            var next: String
            var error: String?
            var canEdit: Bool
        }
        func text(_ r: DuesRuleSet) -> String {
            "在职 \(Self.bandText(r.employed))；离退休 \(Self.bandText(r.retired))；农民\(Fen.yuan(r.farmerFen))元；"
                + "学生、下岗失业、低保\(Fen.yuan(r.reducedFen))元；\(r.rounding.label)；\(r.basePolicy.label)；补交\(r.backMonths)个月"
        }
        return try await req.page(
            "dues/rules", title: "党费规则",
            View(
                name: org.shortName,
                versions: rows.compactMap { r in
                    guard let data = r.rules.data(using: .utf8),
                        let set = try? JSONDecoder().decode(DuesRuleSet.self, from: data)
                    else { return nil }
                    return Version(from: r.from_month, by: r.created_by, text: text(set))
                },
                farmer: Fen.yuan(current.farmerFen), reduced: Fen.yuan(current.reducedFen),
                backMonths: current.backMonths,
                roundings: DuesRounding.allCases.map {
                    Option(value: $0.rawValue, label: $0.label, selected: $0 == current.rounding)
                },
                policies: DuesBasePolicy.allCases.map {
                    Option(value: $0.rawValue, label: $0.label, selected: $0 == current.basePolicy)
                },
                employed: Self.bandText(current.employed), retired: Self.bandText(current.retired),
                next: YearMonth(containing: AppClock.today).next.description, error: error, canEdit: canEdit))
    }

    /// `3000:0.5, 5000:1, 10000:1.5, 2` (元 up to : percent; the last without a bound).
    static func bandText(_ bands: [DuesBand]) -> String {
        bands.map { b in
            b.upToFen.map { "\(Fen.yuan($0).replacingOccurrences(of: ".00", with: "")):\(b.percentText)" }
                ?? b.percentText
        }.joined(separator: ", ")
    }

    struct RulesForm: Content {
        var from: String?
        var employed: String?
        var retired: String?
        var farmer: String?
        var reduced: String?
        var rounding: String?
        var policy: String?
        var backMonths: String?
    }

    func addRules(req: Request) async throws -> Response {
        let (org, canEdit) = try await Self.holder(req)
        guard canEdit else { return req.redirect(to: "/dues/rules", flash: "党费规则由旗县区委组织部设定") }
        let f = try req.content.decode(RulesForm.self)
        let today = AppClock.today
        let parsed = DuesRuleForm.parse(
            from: f.from, employed: f.employed, retired: f.retired, farmer: f.farmer, reduced: f.reduced,
            rounding: f.rounding, policy: f.policy, backMonths: f.backMonths, today: today)
        switch parsed {
        case .failure(let e):
            return try await renderRules(req, error: e.problems.map(\.message).joined(separator: "；"))
        case .success(let (from, set)):
            try await DuesStore.addVersion(
                county: org.requireID(), from: from, rules: set, by: try req.user.username, on: req.db.sql())
            try await req.audit(.update, "dues-rules", ref: org.code, summary: "党费规则新版本，\(from)起执行")
            return req.redirect(to: "/dues/rules", flash: "已保存，\(from.chinese)起执行；此前月份的应交额不变")
        }
    }
}
