import Fluent
import LiudongCore
import Vapor

/// The member's own dues on the phone: what is due and paid, the months unpaid, the branch's collection day and how
/// to pay (`/my/dues`, `GET /api/v1/my/dues`); the member declares a new base or applies for relief there.
struct MyDuesPages {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("my", "dues", use: page)
        r.member.post("my", "dues", "base", use: declare)
        r.member.post("my", "dues", "relief", use: relief)
        r.member.get("api", "v1", "my", "dues", use: api)
    }

    struct Item: Content {
        var from: String
        var to: String
        var amount: Int
        var paidTo: String
        var paidOn: String
    }

    /// `GET /api/v1/my/dues`, amounts in fen.
    struct Summary: Content {
        var base: Int?
        var category: String?
        var monthly: Int?
        var paidThrough: String?
        var unpaidMonths: [String]
        var items: [Item]
    }

    static func summary(of m: Member, today: CalendarDate, on db: Database) async throws -> Summary {
        let id = try m.requireID()
        let current = YearMonth(containing: today)
        let base = DuesRules.base(for: current, in: try await DuesStore.confirmedBases(of: id, on: db))
        let rules = try await DuesActions.rules(for: m, month: current, on: db)
        let rows = try await DuesStore.months(of: id, on: db.sql())
        let unpaid = rows.filter { $0.payment_id == nil && $0.due_fen > 0 && $0.month <= current.description }
            .compactMap { YearMonth($0.month) }
        let paid = Set(rows.filter { $0.payment_id != nil }.compactMap { YearMonth($0.month) })
        var names: [Int: String] = [:]
        let payments = try await DuesStore.payments(of: id, on: db)
        for o in try await OrgTree.byID(Set(payments.map(\.paidToOrgID)), on: db) { names[o.key] = o.value.shortName }
        return Summary(
            base: base?.baseFen, category: base?.category.rawValue,
            monthly: base.map { DuesRules.monthly($0.category, baseFen: $0.baseFen, rules: rules) },
            paidThrough: DuesPaymentRules.paidThrough(paid: paid, unpaid: Set(unpaid))?.description,
            unpaidMonths: unpaid.map(\.description),
            items: payments.map {
                Item(
                    from: $0.fromMonth, to: $0.toMonth, amount: $0.amountFen, paidTo: names[$0.paidToOrgID] ?? "",
                    paidOn: $0.paidOn)
            })
    }

    func api(req: Request) async throws -> Summary {
        guard let m = try await Member.find(try req.member.memberID, on: req.db) else { throw AppError.notFound }
        return try await Self.summary(of: m, today: AppClock.today, on: req.db)
    }

    func page(req: Request) async throws -> Response {
        guard let m = try await Member.find(try req.member.memberID, on: req.db),
            let branch = try await Organization.find(m.organizationID, on: req.db)
        else { throw AppError.notFound }
        let s = try await Self.summary(of: m, today: AppClock.today, on: req.db)
        let settings = try await DuesStore.branch(m.organizationID, on: req.db)
        let pending = try await DuesStore.bases(of: m.requireID(), on: req.db).contains { $0.state == .declared }
        struct Line: Encodable {
            var text: String
            var note: String
        }
        struct Option: Encodable {
            var value: String
            var label: String
        }
        struct View: Encodable {
            var branch: String
            var baseText: String
            var monthly: String
            var paidThrough: String
            var unpaid: [String]
            var items: [Line]
            var collection: String
            var howToPay: String
            var pending: Bool
            var categories: [Option]
            var month: String
        }
        let cat = s.category.flatMap(DuesCategory.init(rawValue:))
        return try await req.myPage(
            "my/dues", title: "党费",
            View(
                branch: branch.shortName,
                baseText: cat.map { c in "\(c.label)\(c.usesBase ? "，月收入基数\(Fen.yuan(s.base ?? 0))元" : "")" }
                    ?? "党支部尚未核定您的党费基数，请申报",
                monthly: s.monthly.map { Fen.yuan($0) + "元" } ?? "—",
                paidThrough: s.paidThrough.flatMap { YearMonth($0) }?.chinese ?? "暂无记录",
                unpaid: s.unpaidMonths.compactMap { YearMonth($0)?.chinese },
                items: s.items.map {
                    Line(
                        text: "\($0.from == $0.to ? $0.from : "\($0.from)至\($0.to)") \(Fen.yuan($0.amount))元",
                        note: "\($0.paidOn)交至\($0.paidTo)")
                },
                collection: settings.map { "每月\($0.collectionDay)日前" } ?? "每月按时",
                howToPay: settings?.howToPay ?? "请向党支部交纳；在外地的可向报到的流入地党组织交纳",
                pending: pending,
                categories: DuesCategory.allCases.map { Option(value: $0.rawValue, label: $0.label) },
                month: YearMonth(containing: AppClock.today).description))
    }

    struct BaseForm: Content {
        var category: String?
        var base: String?
        var from: String?
        var note: String?
    }

    func declare(req: Request) async throws -> Response {
        let me = try req.member
        guard let m = try await Member.find(me.memberID, on: req.db) else { throw AppError.notFound }
        let f = try req.content.decode(BaseForm.self)
        return try await req.act(back: "/my/dues") {
            _ = try await DuesActions.declare(
                m, category: f.category, base: f.base, from: f.from, note: f.note, byMember: true,
                as: .member(me.auditName, today: AppClock.today, on: req.db))
            return "已申报，待党支部确认"
        }
    }

    struct ReliefForm: Content {
        var kind: String?
        var amount: String?
        var from: String?
        var to: String?
        var reason: String?
    }

    func relief(req: Request) async throws -> Response {
        let me = try req.member
        guard let m = try await Member.find(me.memberID, on: req.db) else { throw AppError.notFound }
        let f = try req.content.decode(ReliefForm.self)
        return try await req.act(back: "/my/dues") {
            _ = try await DuesActions.applyRelief(
                m, kind: f.kind, amount: f.amount, from: f.from, to: f.to, reason: f.reason, document: nil,
                as: .member(me.auditName, today: AppClock.today, on: req.db))
            return "已提交少交/免交申请，待党支部和基层党委审核"
        }
    }
}
